/**
 * EventBridge's wire: AWS JSON 1.1 (`X-Amz-Target: AWSEvents.<Action>`, `application/x-amz-json-1.1`),
 * errors as `{ __type, message }`, which AWS SDK v3 reads into the named exception.
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/CommonErrors.html
 */
import type { ServerResponse } from 'node:http';
import { ACCOUNT_ID, REGION } from '../sqs/queues.js';

/** The X-Amz-Target prefix of EventBridge actions. */
export const TARGET_PREFIX = 'AWSEvents.';

/** The emulator's one event bus. */
export const DEFAULT_BUS = 'default';
export const busArn = (name: string) => `arn:aws:events:${REGION}:${ACCOUNT_ID}:event-bus/${name}`;
/** A schedule rule's ARN, as `resources` names it in a Scheduled Event. */
export const ruleArn = (name: string) => `arn:aws:events:${REGION}:${ACCOUNT_ID}:rule/${name}`;

/** An EventBridge error: its exception name (`ValidationException`…), message and HTTP status. */
export class EventBridgeFault extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'EventBridgeFault';
  }
}

export function reply(res: ServerResponse, status: number, body: unknown, requestId: string): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': requestId,
  });
  res.end(text);
}
