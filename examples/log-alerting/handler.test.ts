import { events, invoke, loadEvent } from 'triggerkit/testing';
import { describe, expect, it } from 'vitest';
import { handler } from './handler.js';

const LOGGROUP = '/app/api';
const recorded = () => loadEvent(new URL('./events/error-and-slow.json', import.meta.url));

describe('log-alerting example', () => {
  it('turns a recorded ERROR line and a slow request into two alerts', async () => {
    const result = await invoke(handler, await recorded());
    expect(result.results).toEqual([
      {
        kind: 'error',
        summary: 'ERROR payment provider timed out',
        logGroup: LOGGROUP,
        at: '2026-12-07T21:40:02.000Z',
        requestId: '7c1e0a52-3d7b-4f0e-9a51-2b8c4d6e8f01',
      },
      {
        kind: 'slow',
        summary: '/checkout took 2350 ms (over 1000 ms)',
        logGroup: LOGGROUP,
        at: '2026-12-07T21:40:02.000Z',
        requestId: '0b9d3f6a-1e2c-4a5b-8c7d-9e0f1a2b3c4d',
      },
    ]);
  });

  it('raises no alert for quiet lines that reach it', async () => {
    const quiet = events.cloudWatchLogs({
      logGroup: '/app/api',
      items: [
        { level: 'INFO', message: 'request done', path: '/cart', durationMs: 1000 },
        { level: 'WARN', message: 'retrying', durationMs: 20 },
        'a plain text line that is not JSON',
      ],
    });
    const result = await invoke(handler, quiet);
    expect(result.filtered).toHaveLength(3);
    expect(result.results).toEqual([]);
  });

  it('alerts on exactly the lines over the threshold in a mixed delivery', async () => {
    const mixed = events.cloudWatchLogs({
      logGroup: '/app/api',
      items: [
        { level: 'INFO', path: '/a', durationMs: 999 },
        { level: 'INFO', path: '/b', durationMs: 1001 },
        { level: 'ERROR', message: 'db down' },
      ],
    });
    const { results } = await invoke(handler, mixed);
    expect(results.map((alert) => alert.summary)).toEqual([
      '/b took 1001 ms (over 1000 ms)',
      'ERROR db down',
    ]);
  });
});
