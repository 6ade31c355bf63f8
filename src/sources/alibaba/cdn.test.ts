import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/support/fixtures.js';
import { cloudEventProblems } from '../../cloud-event.js';
import { detectSource, toCloudEvents } from '../index.js';

describe('CDN events trigger', () => {
  it.each([
    ['fc/cdn-refreshed.json', 'cdn:CachedObjectsRefreshed', 'cf89e5a8-7d59-4bb5-a33e-4c3d08e25acf'],
    ['fc/cdn-log-file-created.json', 'cdn:LogFileCreated', '4b1ee3a0-6c2f-4a7d-9d55-0f3c2b8e7a61'],
  ])('%s: one event per notification, typed by its name, identified by its trace', (path, type, id) => {
    const raw = fixture<{ events: unknown[] }>(path);
    expect(detectSource(raw)?.kind).toBe('alibaba:cdn');
    const batch = toCloudEvents(raw);
    expect(batch).toMatchObject({ source: 'alibaba:cdn', reply: 'throw' });
    const [item] = batch.items;
    expect(item?.event).toMatchObject({
      id,
      source: 'acs.cdn',
      type,
      subject: 'static.shop.example.com',
      aliyunregionid: 'cn-hangzhou',
      aliyunaccountid: '1649015465570000',
      data: raw.events[0],
    });
    expect(cloudEventProblems(item?.event)).toEqual([]);
  });

  it('an entry without eventName is rejected by name, not dropped', () => {
    const raw = fixture<{ events: Record<string, unknown>[] }>('fc/cdn-refreshed.json');
    const { eventName: _, ...nameless } = raw.events[0] as Record<string, unknown>;
    const batch = toCloudEvents({ events: [nameless] });
    expect(batch.items).toEqual([]);
    expect(batch.rejected?.[0]?.error.message).toMatch(/eventName/);
  });
});
