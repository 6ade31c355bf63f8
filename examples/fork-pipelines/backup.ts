/**
 * Fork pipelines, backup: every event published to the `fork-events` topic is written to the archive
 * bucket as it was published (the CloudEvent, without the extensions the SNS delivery added), so it can
 * be replayed (replay.ts). Replayed events are already there and are not written again.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { defineHandler } from 'triggerkit';
import { BUCKET, keyOf, s3, TOPIC } from './archive.js';

export const handler = defineHandler({
  name: 'fork-backup',
  sources: [{ type: 'aws:sns', topic: TOPIC }],
  filter: { replayname: [{ exists: false }] },
  async handle(event) {
    const { awsvia, snsmessageid, snssubscriptionarn, ...published } = event;
    const key = keyOf(event);
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: key,
        Body: JSON.stringify(published),
        ContentType: 'application/cloudevents+json',
      }),
    );
    return { archived: `s3://${BUCKET}/${key}` };
  },
});
