import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/support/fixtures.js';
import { cloudEventProblems } from '../../cloud-event.js';
import { sourceOf, toCloudEvents } from '../index.js';
import { s3ObjectUri } from './s3.js';
import { decodeS3Key } from './s3-detect.js';

const s3 = sourceOf('aws:s3');

type RawBatch = { Records: Array<Record<string, unknown>> };

describe('S3 object keys', () => {
  it.each([
    ['red+flower.jpg', 'red flower.jpg'],
    ['c%2B%2B+primer.txt', 'c++ primer.txt'],
    ['r%C3%A9sum%C3%A9s/ana+l%C3%B3pez.pdf', 'résumés/ana lópez.pdf'],
    ['Happy%20Face.jpg', 'Happy Face.jpg'],
    ['a%2Fb', 'a/b'],
    ['100%25', '100%'],
    // Not valid percent-encoding (a hand-written sample): kept, with `+` still read as a space.
    ['50%+off', '50% off'],
  ])('%s → %s', (raw, decoded) => {
    expect(decodeS3Key(raw)).toBe(decoded);
  });

  it('dataref is an s3:// URI with the key percent-encoded per segment and the version', () => {
    expect(s3ObjectUri('b', 'résumés/ana lópez.pdf', 'v+1')).toBe(
      's3://b/r%C3%A9sum%C3%A9s/ana%20l%C3%B3pez.pdf?versionId=v%2B1',
    );
  });
});

describe('S3 notification (direct)', () => {
  const raw = fixture<RawBatch>('s3/put-encoded-keys.json');
  const batch = s3.normalize(raw, {});

  it('is detected and answers by throwing (asynchronous invoke)', () => {
    expect(s3.detect(raw)).toBe(true);
    expect(toCloudEvents(raw).source).toBe('aws:s3');
    expect(batch.reply).toBe('throw');
  });

  it('maps after the CloudEvents S3 adapter, with the decoded key as subject', () => {
    expect(batch.items[0]?.event).toMatchObject({
      specversion: '1.0',
      id: 'K7TQ2ZP1VW3MJ8RB.vZ3b8t9kQm1Yc5uN0pLh2r7aXw4fE6gJ/iO1sD3kU5yT7bV9nM2qZ4xC6wR8eA0=.0055AED6DCD90281E5',
      source: 'aws:s3.eu-west-1.shop-invoices',
      type: 'com.amazonaws.s3.ObjectCreated:Put',
      subject: 'invoices/2025/red flower (1).pdf',
      time: '2025-11-23T12:50:00.512Z',
      datacontenttype: 'application/json',
      dataref:
        's3://shop-invoices/invoices/2025/red%20flower%20(1).pdf?versionId=3HL4kqtJlcpXroDTDmJ%2BrmSpXd3dIbrHY',
      awsregion: 'eu-west-1',
    });
    expect(batch.items.map((item) => item.event.subject)).toEqual([
      'invoices/2025/red flower (1).pdf',
      'notes/c++ primer.txt',
      'résumés/ana lópez.pdf',
    ]);
  });

  it('data is the record as sent, plus the decoded key as s3.object.urlDecodedKey', () => {
    const data = batch.items[1]?.event.data as { s3: { object: Record<string, unknown> } };
    expect(data.s3.object).toMatchObject({
      key: 'notes/c%2B%2B+primer.txt',
      urlDecodedKey: 'notes/c++ primer.txt',
    });
    const { s3: _, ...rest } = raw.Records[1] ?? {};
    expect(data).toMatchObject(rest);
  });

  it('ref is the event id; every event is valid and frozen', () => {
    for (const item of batch.items) {
      expect(item.ref).toBe(item.event.id);
      expect(cloudEventProblems(item.event)).toEqual([]);
      expect(Object.isFrozen(item.event)).toBe(true);
    }
  });

  it('records of one DeleteObjects request (same request ids) still get distinct ids', () => {
    const { items } = s3.normalize(fixture('s3/delete-objects.json'), {});
    expect(items.map((item) => item.event.type)).toEqual([
      'com.amazonaws.s3.ObjectRemoved:Delete',
      'com.amazonaws.s3.ObjectRemoved:Delete',
    ]);
    expect(new Set(items.map((item) => item.event.id)).size).toBe(2);
  });

  it('S3-compatible stores keep their eventSource; an `s3:` prefix on eventName is dropped', () => {
    const record = {
      ...fixture<RawBatch>('s3/delete-objects.json').Records[0],
      eventSource: 'minio:s3',
      eventName: 's3:ObjectCreated:Put',
    };
    const [item] = s3.normalize({ Records: [{ ...record, eventSource: 'aws:s3' }] }, {}).items;
    expect(item?.event.type).toBe('com.amazonaws.s3.ObjectCreated:Put');
    const { items } = toCloudEvents({
      Records: [fixture<RawBatch>('s3/delete-objects.json').Records[0], record],
    });
    expect(items[1]?.event.source).toBe('minio:s3.eu-west-1.shop-invoices');
  });

  it('without request ids the id falls back to source, bucket and time, still deterministic', () => {
    const { responseElements: _, ...record } = fixture<RawBatch>('s3/delete-objects.json').Records[0] ?? {};
    const first = s3.normalize({ Records: [record] }, {}).items[0]?.event.id;
    expect(first).toBe('aws:s3.shop-invoices.2025-11-23T12:50:00.512Z.006408CAD69598B05E');
    expect(s3.normalize({ Records: [record] }, {}).items[0]?.event.id).toBe(first);
  });
});

describe('S3 test event and malformed records', () => {
  it('the s3:TestEvent is detected and yields an empty batch: acknowledged, no handler run', () => {
    const raw = fixture('s3/test-event.json');
    expect(s3.detect(raw)).toBe(true);
    expect(toCloudEvents(raw)).toEqual({ source: 'aws:s3', reply: 'throw', items: [] });
  });

  it('a record without a key is rejected; the others are delivered', () => {
    const raw = fixture<RawBatch>('s3/put-encoded-keys.json');
    const broken = structuredClone(raw);
    const s3Part = broken.Records[1]?.s3 as { object: Record<string, unknown> };
    delete s3Part.object.key;
    const batch = s3.normalize(broken, {});
    expect(batch.items).toHaveLength(2);
    expect(batch.rejected?.map((r) => [r.index, r.ref, r.error.code, r.error.path])).toEqual([
      [1, 'Records[1]', 'E_SOURCE_INVALID', 'Records[1]'],
    ]);
    expect(batch.rejected?.[0]?.error.message).toContain('Records[1] is not an S3 event record');
  });

  it('a record whose eventTime is not RFC 3339 is rejected with the CloudEvent problem', () => {
    const raw = fixture<RawBatch>('s3/delete-objects.json');
    const record = { ...raw.Records[0], eventTime: 'yesterday' };
    const batch = s3.normalize({ Records: [record] }, {});
    expect(batch.rejected?.[0]?.error.message).toContain('`time` must be an RFC 3339 timestamp');
  });
});
