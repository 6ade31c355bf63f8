/**
 * Fork pipelines, replay: on demand, re-publishes a day of archived events to the `fork-events` topic,
 * each marked with the `replayname` extension, so a subscriber that lost its state (the search index)
 * rebuilds it, while the backup skips what it already holds. Ask for a replay with a bus event
 * (`com.example.fork.replay-requested`, data `{ "day": "2026-12-07" }`): `triggerkit send` locally,
 * `aws events put-events` in AWS, where who may ask is an IAM decision.
 */
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { defineHandler } from 'triggerkit';
import { BUCKET, s3, topicArn } from './archive.js';

const sns = new SNSClient({});

export const handler = defineHandler<{ day: string }>({
  name: 'fork-replay',
  filter: { type: ['com.example.fork.replay-requested'] },
  schema: {
    type: 'object',
    required: ['day'],
    properties: { day: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } },
  },
  async handle(event, ctx) {
    const replayname = `replay-${event.id}`;
    const TopicArn = topicArn(ctx.lambda.invokedFunctionArn);
    const replayed: string[] = [];
    let ContinuationToken: string | undefined;
    do {
      const prefix = `events/${event.data.day}/`;
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix, ContinuationToken }),
      );
      for (const { Key } of page.Contents ?? []) {
        const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key }));
        const archived = JSON.parse((await object.Body?.transformToString()) ?? '{}');
        await sns.send(
          new PublishCommand({ TopicArn, Message: JSON.stringify({ ...archived, replayname }) }),
        );
        replayed.push(archived.id);
      }
      ContinuationToken = page.NextContinuationToken;
    } while (ContinuationToken !== undefined);
    return { replayname, replayed };
  },
});
