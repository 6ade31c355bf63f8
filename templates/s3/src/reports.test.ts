import 'triggerkit/testing/vitest';
import { readFileSync } from 'node:fs';
import { events, invoke } from 'triggerkit/testing';
import { describe, expect, it } from 'vitest';
import { handler } from './reports.js';

const recorded = (name: string) =>
  JSON.parse(readFileSync(new URL(`../events/${name}`, import.meta.url), 'utf8'));

describe('reports', () => {
  it('processes a CSV report uploaded to the bucket', async () => {
    const result = await invoke(handler, recorded('report-uploaded.json'));
    expect(result).toHaveDelivered();
    expect(result.results).toEqual([{ report: 's3://uploads/reports/2025-01.csv', bytes: 2048 }]);
  });

  it('decodes the key as S3 encodes it', async () => {
    const result = await invoke(handler, events.s3({ bucket: 'uploads', key: 'q1 sales.csv', size: 10 }));
    expect(result.delivered[0]?.subject).toBe('q1 sales.csv');
  });

  it('refuses an empty upload at the schema, without running the handler', async () => {
    const result = await invoke(handler, events.s3({ bucket: 'uploads', key: 'empty.csv', size: 0 }));
    expect(result).toHaveFailedAt('schema');
    expect(result.results).toEqual([]);
  });

  it('refuses an object its source does not declare (not .csv), as Lambda would never be sent it', async () => {
    const result = await invoke(handler, recorded('photo-uploaded.json'));
    expect(result.delivered).toEqual([]);
    expect(result.error).toMatchObject({ code: 'E_SOURCE_UNDECLARED' });
  });
});
