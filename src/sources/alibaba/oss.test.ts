import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/support/fixtures.js';
import { cloudEventProblems } from '../../cloud-event.js';
import { sourceOf } from '../index.js';

const alibabaOss = sourceOf('alibaba:oss');

type Json = Record<string, unknown>;

describe('Alibaba OSS trigger', () => {
  const raw = fixture<{ events: Json[] }>('oss/put-and-delete.json');
  const batch = alibabaOss.normalize(raw, {});

  it('one event per entry, shaped as EventBridge delivers OSS events; failures are thrown', () => {
    expect(alibabaOss.detect(raw)).toBe(true);
    expect(batch).toMatchObject({ source: 'alibaba:oss', reply: 'throw' });
    expect(batch.items[0]?.event).toStrictEqual({
      specversion: '1.0',
      id: '6922F1E04B5C6D7E8F90A1B2:invoices/2025/发票 11-23.pdf',
      source: 'acs.oss',
      type: 'oss:ObjectCreated:PutObject',
      subject: 'acs:oss:cn-hangzhou:1649015465570000:shop-uploads/invoices/2025/发票 11-23.pdf',
      time: '2025-11-23T12:13:20.000Z',
      datacontenttype: 'application/json',
      aliyunregionid: 'cn-hangzhou',
      aliyunaccountid: '1649015465570000',
      data: raw.events[0],
    });
    expect(batch.items.map((item) => [item.ref, item.event.type])).toEqual([
      ['6922F1E04B5C6D7E8F90A1B2:invoices/2025/发票 11-23.pdf', 'oss:ObjectCreated:PutObject'],
      ['6922F2B05D6E7F8091A2B3C4:tmp/upload-7.part', 'oss:ObjectRemoved:DeleteObject'],
    ]);
  });

  it('keeps keys as OSS sends them: raw UTF-8, spaces and all (no S3-style decoding)', () => {
    const entry = structuredClone(raw.events[0]) as { oss: { object: { key: string } } };
    entry.oss.object.key = 'a+b%20c.txt';
    const { items } = alibabaOss.normalize({ events: [entry] }, {});
    expect(items[0]?.event.subject).toMatch(/\/a\+b%20c\.txt$/);
  });

  it('an entry without a key is rejected; the other entries still normalize', () => {
    const broken = structuredClone(raw);
    const entry = broken.events[1] as { oss: { object: Json } };
    delete entry.oss.object.key;
    const { items, rejected } = alibabaOss.normalize(broken, {});
    expect(items).toHaveLength(1);
    expect(rejected?.[0]).toMatchObject({ index: 1, ref: 'events[1]' });
    expect(rejected?.[0]?.error.message).toMatch(/^events\[1\] is not an OSS notification/);
  });
});

describe('alibabaOss: every event is a valid CloudEvent, ids are stable, the input untouched', () => {
  it.each(['oss/put-and-delete.json'])('%s', (name) => {
    const raw = fixture(name);
    const first = alibabaOss.normalize(raw, {});
    expect(alibabaOss.normalize(raw, {})).toStrictEqual(first);
    expect(raw).toStrictEqual(fixture(name));
    for (const item of first.items) {
      expect(cloudEventProblems(item.event)).toEqual([]);
      expect(Object.isFrozen(item.event)).toBe(true);
    }
  });
});
