/**
 * Sources freeze the events they build without re-reading the times they formatted themselves
 * (`setEpochMsTime`, `trustedCloudEvent`). A time past year 9999 is not RFC 3339: such a record must
 * still be rejected, as the full validation did, while the rest of its batch normalizes.
 */
import { describe, expect, it } from 'vitest';
import { fixture } from '../../test/support/fixtures.js';
import { toCloudEvents } from './index.js';

type RawRecord = { attributes: Record<string, unknown>; dynamodb: Record<string, unknown> };
type RawBatch = { Records: RawRecord[] };

/** Epoch ms in year 11476, which toISOString writes as `+011476-…`. */
const FAR = 300_000_000_000_000;

describe('times formatted by the sources', () => {
  it('SQS: a SentTimestamp past year 9999 rejects its record only', () => {
    const raw = fixture<RawBatch>('sqs/orders-batch.json');
    (raw.Records[1] as RawRecord).attributes = { ...raw.Records[1]?.attributes, SentTimestamp: String(FAR) };
    const batch = toCloudEvents(raw);
    expect(batch.items).toHaveLength(raw.Records.length - 1);
    expect(batch.rejected?.[0]?.error.message).toContain('`time` must be an RFC 3339 timestamp');
    for (const { event } of batch.items) expect(event.time).toMatch(/^\d{4}-/);
  });

  it('DynamoDB Streams: an ApproximateCreationDateTime past year 9999 rejects its record only', () => {
    const raw = fixture<RawBatch>('dynamodb/orders-stream.json');
    (raw.Records[0] as RawRecord).dynamodb = {
      ...raw.Records[0]?.dynamodb,
      ApproximateCreationDateTime: FAR / 1000,
    };
    const batch = toCloudEvents(raw);
    expect(batch.items).toHaveLength(raw.Records.length - 1);
    expect(batch.rejected?.[0]?.error.message).toContain('`time` must be an RFC 3339 timestamp');
  });

  it('a valid time after a rejected one is formatted and accepted again', () => {
    const raw = fixture<RawBatch>('sqs/orders-batch.json');
    (raw.Records[0] as RawRecord).attributes = { ...raw.Records[0]?.attributes, SentTimestamp: String(FAR) };
    const batch = toCloudEvents(raw);
    expect(batch.rejected).toHaveLength(1);
    expect(batch.items[0]?.event.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });
});
