import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postEvent, startUiEmulator } from '../../../test/support/ui-browser.js';
import type { EventStory } from '../store/queries.js';
import type { EventRow } from './queries.js';

let app: Awaited<ReturnType<typeof startUiEmulator>>;

beforeAll(async () => {
  app = await startUiEmulator();
  for (let i = 0; i < 5; i++)
    await postEvent(app.url, {
      id: `r-${i}`,
      source: i % 2 ? '/shop/odd' : '/shop/even',
      type: 'com.example.order.created',
      data: { orderId: `o-${i}`, total: i === 4 ? 'bad' : i },
    });
  await app.emulator.settle();
});
afterAll(() => app?.stop());

async function json<T = unknown>(path: string, init?: RequestInit) {
  const response = await fetch(`${app.url}${path}`, init);
  return { status: response.status, headers: response.headers, body: (await response.json()) as T };
}
const ids = (rows: readonly EventRow[]) => rows.map((e) => e.id);

describe('the web UI routes', () => {
  it('serves the page and its files with their types and a strict Content-Security-Policy', async () => {
    for (const [path, type] of [
      ['/ui/', 'text/html'],
      ['/ui', 'text/html'],
      ['/ui/app.js', 'text/javascript'],
      ['/ui/app.css', 'text/css'],
    ]) {
      const response = await fetch(`${app.url}${path}`);
      expect([path, response.status, response.headers.get('content-type')]).toEqual([
        path,
        200,
        `${type}; charset=utf-8`,
      ]);
      expect(response.headers.get('content-security-policy')).toMatch(
        /default-src 'none'; script-src 'self'; style-src 'self'.*frame-ancestors 'none'/,
      );
    }
    expect((await fetch(`${app.url}/ui/..%2Fpackage.json`)).status).toBe(404);
    expect((await fetch(`${app.url}/ui/nothing.js`)).status).toBe(404);
  });

  it('pages the events newest first, filtered by text, handler and outcome', async () => {
    const page = await json<EventRow[]>('/ui/api/events?limit=2');
    expect(ids(page.body)).toEqual(['r-4', 'r-3']);
    const next = await json<EventRow[]>(`/ui/api/events?limit=2&before=${page.body[1]?.seq}`);
    expect(ids(next.body)).toEqual(['r-2', 'r-1']);
    const odd = await json<EventRow[]>('/ui/api/events?q=ODD');
    expect(ids(odd.body)).toEqual(['r-3', 'r-1']);
    const dead = await json<EventRow[]>('/ui/api/events?handler=orders&status=dead-lettered');
    expect(ids(dead.body)).toEqual(['r-4']);
    const [row] = dead.body;
    expect(row?.deliveries).toContainEqual(
      expect.objectContaining({
        handler: 'orders',
        status: 'dead-lettered',
        transport: null,
        ms: expect.any(Number),
      }),
    );
    expect((await json('/ui/api/events?limit=0')).status).toBe(400);
  });

  it('keeps the schema problems of a failed attempt by JSON pointer', async () => {
    const story = await json<EventStory>('/events/r-4');
    const attempt = story.body.traces.find((t) => t.handler === 'orders' && t.stage === 'attempt-1');
    expect(attempt?.detail).toMatchObject({
      outcome: 'failed',
      stage: 'schema',
      problems: [{ pointer: '/total', message: 'must be number' }],
    });
  });

  it('pushes each new event and each change of its story to the stream', async () => {
    const pushed: string[] = [];
    const req = request(`${app.url}/ui/api/stream`);
    const opened = new Promise<void>((resolve) =>
      req.on('response', (res) => {
        expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => pushed.push(chunk));
        resolve();
      }),
    );
    req.end();
    await opened;
    await postEvent(app.url, {
      id: 'live-1',
      source: '/shop/live',
      type: 'com.example.order.created',
      data: { orderId: 'l', total: 1 },
    });
    await expect
      .poll(() => pushed.join(''))
      .toMatch(/event: events\ndata: .*"id":"live-1".*"status":"delivered"/);
    req.destroy();
  });

  it('reruns a stored event through the functions that received it', async () => {
    const rerun = await json('/ui/api/rerun', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'r-1', source: '/shop/odd' }),
    });
    expect(rerun).toMatchObject({ status: 202, body: { rerun: 'r-1', handlers: ['orders', 'audit'] } });
    await app.emulator.settle();
    const story = await json<EventStory>('/events/r-1');
    expect(story.body.deliveries.filter((d) => d.handler === 'orders')).toHaveLength(2);
    // A filtered handler's trace says which part of its filter the event missed.
    expect(story.body.traces.find((t) => t.handler === 'flaky' && t.stage === 'filtered')?.detail).toEqual({
      reason: expect.stringMatching(/^the filter did not match: type was "/),
    });
    const missing = await json('/ui/api/rerun', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'nope', source: '/x' }),
    });
    expect(missing.status).toBe(404);
    const simple = await fetch(`${app.url}/ui/api/rerun`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(simple.status).toBe(415);
  });

  it('offers the bus and a sample CloudEvent in the send form', async () => {
    const { body } = await json<unknown[]>('/ui/api/samples');
    expect(body[0]).toMatchObject({
      kind: 'bus',
      functions: ['orders', 'flaky', 'audit'],
      sample: { specversion: '1.0' },
    });
  });
});
