/**
 * The batches these sources build, answered by the Lambda runtime: control messages are acknowledged
 * without a handler run, rejected records are reported at their positions, and refs become the
 * identifiers each platform expects.
 */
import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/support/fixtures.js';
import type { CloudEvent } from '../../cloud-event.js';
import { defineHandler } from '../../define-handler.js';
import { invoke } from '../../testing/index.js';

/** A handler that records what it saw and fails the events whose id is listed. */
function recorder(failIds: readonly string[] = []) {
  const seen: CloudEvent[] = [];
  const handler = defineHandler({
    name: 'recorder',
    async handle(event) {
      seen.push(event);
      if (failIds.includes(event.id)) throw new Error(`fail ${event.id}`);
    },
  });
  return { handler, seen };
}

describe('Lambda answers for these sources', () => {
  it('SQS: a test event is acknowledged, malformed records are failed by messageId, the rest run', async () => {
    const raw = fixture('sqs/malformed-records.json') as { Records: unknown[] };
    const control = (fixture('sqs/s3-notification.json') as { Records: unknown[] }).Records[0];
    const { handler, seen } = recorder();
    const result = await invoke(handler, { Records: [control, ...raw.Records] });
    expect(seen.map((event) => event.id)).toEqual([
      '5c1d2e3f-0011-4a5b-8c6d-7e8f9a0b1c2d',
      '5c1d2e3f-0015-4a5b-8c6d-7e8f9a0b1c2d',
    ]);
    expect(result.response).toEqual({
      batchItemFailures: [
        { itemIdentifier: 'Records[2]' },
        { itemIdentifier: '5c1d2e3f-0013-4a5b-8c6d-7e8f9a0b1c2d' },
        { itemIdentifier: '5c1d2e3f-0014-4a5b-8c6d-7e8f9a0b1c2d' },
      ],
    });
  });

  it('S3: a direct test event succeeds without running the handler', async () => {
    const { handler, seen } = recorder();
    const result = await invoke(handler, fixture('s3/test-event.json'));
    expect(seen).toEqual([]);
    expect(result.failed).toEqual([]);
  });

  it('Kafka: a failure is reported as { "topic-partition", offset }, and later records are not run', async () => {
    const { handler, seen } = recorder(['orders-0-1041']);
    const result = await invoke(handler, fixture('kafka/msk-batch.json'));
    expect(seen.map((event) => event.id)).toEqual(['orders-0-1041']);
    expect(result.response).toEqual({
      batchItemFailures: [
        { itemIdentifier: { 'topic-partition': 'orders-0', offset: 1041 } },
        { itemIdentifier: { 'topic-partition': 'orders-0', offset: 1042 } },
        { itemIdentifier: { 'topic-partition': 'orders-1', offset: 977 } },
      ],
    });
  });

  it('Kinesis: a failing KPL sub-record checkpoints at its aggregated record', async () => {
    const outer = '49657828409187701520019995242508390119953358325192589500';
    const { handler, seen } = recorder([`shardId-000000000001:${outer}/1`]);
    const result = await invoke(handler, fixture('kinesis/kpl-aggregated.json'));
    expect(seen).toHaveLength(2);
    expect(result.response).toEqual({ batchItemFailures: [{ itemIdentifier: outer }] });
  });
});
