import type { TriggerHandler } from 'triggerkit';
import { invoke, loadEvent } from 'triggerkit/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { handler as archive } from './archive.js';
import { handler as importKey } from './import-key.js';
import { chat, handler as notify } from './notify.js';
import { handler as reindex } from './reindex.js';

const recorded = (name: string) => loadEvent(new URL(`./events/${name}.json`, import.meta.url));

afterEach(() => {
  vi.restoreAllMocks();
  chat.sent.length = 0;
});

describe('one Alibaba EventBridge rule, four target transforms', () => {
  it('ORIGINAL hands over the complete CloudEvent, aliyun extensions included', async () => {
    const upload = (await recorded('upload-imports')) as Record<string, unknown>;
    const { delivered, results } = await invoke(archive, upload);
    expect(delivered[0]?.data).toEqual(upload);
    expect(results).toEqual([
      { archived: '69B1C2D3E4F5061728394A0A8', key: 'imports/customers.csv', bus: 'default' },
    ]);
  });

  it('JSONPATH hands over what one path finds: the object key, as a string', async () => {
    const { delivered, results } = await invoke(importKey, await recorded('upload-imports'));
    expect(delivered[0]?.data).toBe('imports/customers.csv');
    expect(results).toEqual([{ importing: 'imports/customers.csv', table: 'customers' }]);
  });

  it('JSONPATH output is what the schema checks: a key that is not a CSV fails, not retried', async () => {
    const upload = (await recorded('upload-imports')) as { data: { oss: { object: { key: string } } } };
    upload.data.oss.object.key = 'imports/readme.txt';
    const { failed, delivered } = await invoke(importKey, upload);
    expect(delivered).toEqual([]);
    expect(failed.map((f) => [f.stage, f.retryable])).toEqual([['schema', false]]);
  });

  it('CONSTANT hands over the same fixed value whatever the event', async () => {
    const { delivered, results } = await invoke(reindex, await recorded('upload-imports'));
    expect(delivered[0]?.data).toEqual({ job: 'rebuild-search-index', index: 'customers' });
    expect(delivered[0]?.id).toBe('69B1C2D3E4F5061728394A0A8');
    expect(results).toEqual([
      { queued: 'rebuild-search-index:customers', after: '69B1C2D3E4F5061728394A0A8' },
    ]);
  });

  it('TEMPLATE fills the placeholders from paths into text', async () => {
    const { delivered } = await invoke(notify, await recorded('upload-imports'));
    expect(delivered[0]?.data).toBe(
      'New upload in shop-uploads (cn-hangzhou): imports/customers.csv, 59537 bytes',
    );
    expect(chat.sent).toEqual([delivered[0]?.data]);
  });

  it('leaves a deletion to none of the four targets: the shared pattern filters it', async () => {
    const deletion = await recorded('delete-imports');
    const targets: TriggerHandler<unknown>[] = [archive, importKey, reindex, notify];
    for (const target of targets) {
      const { filtered, delivered } = await invoke(target, deletion);
      expect([filtered.length, delivered.length]).toEqual([1, 0]);
    }
  });
});

describe('the alibaba-backoff retry preset', () => {
  it('tries a failing post 4 times, 10 to 20 s apart, then dead-letters the event with why', async () => {
    vi.spyOn(chat, 'post').mockRejectedValue(new Error('chat webhook answered 503'));
    const startAt = Date.parse('2025-11-23T12:13:22.000Z');
    const { attempts, deadLetters } = await invoke(notify, await recorded('upload-imports'), {
      retries: true,
      startAt,
    });
    expect(attempts.map((a) => [a.attempt, a.outcome])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
      [3, 'failed'],
      [4, 'failed'],
    ]);
    const gaps = attempts.slice(1).map((a, i) => a.at - (attempts[i]?.at ?? 0));
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(10_000);
    for (const gap of gaps) expect(gap).toBeLessThanOrEqual(20_000);
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]).toMatchObject({
      id: '69B1C2D3E4F5061728394A0A8',
      source: 'acs.oss',
      dlreason: 'retries-exhausted',
      dlattempts: 4,
      dlerror: 'chat webhook answered 503',
      dlhandler: 'oss-notify',
      dlfirstattempt: '2025-11-23T12:13:22.000Z',
    });
  });

  it('delivers on a later attempt when the post recovers, without a dead letter', async () => {
    vi.spyOn(chat, 'post').mockRejectedValueOnce(new Error('chat webhook timed out'));
    const { attempts, deadLetters, delivered } = await invoke(notify, await recorded('upload-imports'), {
      retries: true,
    });
    expect(attempts.map((a) => a.outcome)).toEqual(['failed', 'delivered']);
    expect([delivered.length, deadLetters.length]).toEqual([1, 0]);
  });
});
