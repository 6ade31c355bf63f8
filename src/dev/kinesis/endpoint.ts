/**
 * A local Kinesis Data Streams endpoint speaking the JSON 1.1 protocol that AWS SDK v3
 * (`@aws-sdk/client-kinesis`) uses: `POST /` with `X-Amz-Target: Kinesis_20131202.<Action>` and
 * `Content-Type: application/x-amz-json-1.1`. Streams, shards and records live in the emulator's store
 * (a record is committed before PutRecord answers); the live Kinesis trigger reads the same shards.
 * Signatures are not checked; any credentials do. SubscribeToShard (HTTP/2 event streams), resharding,
 * consumers, tags and encryption are not served: `UnknownOperationException` lists what is.
 * @see https://docs.aws.amazon.com/kinesis/latest/APIReference/Welcome.html
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../clock.js';
import { readJsonObject } from '../http-ingress.js';
import type { KinesisStore } from '../store/kinesis-streams.js';
import { actions } from './actions.js';
import { type Input, KinesisFault } from './streams.js';

export const KINESIS_TARGET_PREFIX = 'Kinesis_20131202.';

export interface KinesisEndpoint {
  /** Answers a Kinesis call and resolves `true`; resolves `false` (and writes nothing) for any other request. */
  handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<boolean>;
}

/**
 * Creates the endpoint over the emulator's streams (`store.streams`) and clock.
 *
 * @example
 * const kinesis = createKinesisEndpoint({ streams: store.streams, clock });
 * // POST / with X-Amz-Target: Kinesis_20131202.PutRecord → kinesis.handle(req, res, body)
 */
export function createKinesisEndpoint(options: { streams: KinesisStore; clock: Clock }): KinesisEndpoint {
  async function run(action: string, body: Buffer): Promise<unknown> {
    const read = readJsonObject(body);
    if ('problem' in read) throw new KinesisFault('SerializationException', read.problem);
    const fn = Object.hasOwn(actions, action) ? actions[action] : undefined;
    if (fn === undefined)
      throw new KinesisFault(
        'UnknownOperationException',
        `${action} is not served by the triggerkit emulator's Kinesis endpoint; it serves ${Object.keys(actions).join(', ')}.`,
      );
    const now = options.clock.now();
    // Group commit: the calls of one turn of the event loop share a transaction; answered once committed.
    return options.streams.write(() => fn({ store: options.streams, now }, read.input as Input));
  }

  return {
    async handle(req, res, body) {
      const target = req.headers['x-amz-target'];
      if (req.method !== 'POST' || typeof target !== 'string' || !target.startsWith(KINESIS_TARGET_PREFIX))
        return false;
      try {
        reply(res, 200, await run(target.slice(KINESIS_TARGET_PREFIX.length), body));
      } catch (error) {
        const fault =
          error instanceof KinesisFault ? error : new KinesisFault('InternalFailure', String(error), 500);
        reply(res, fault.status, { __type: fault.type, message: fault.message }, fault.type);
      }
      return true;
    },
  };
}

function reply(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...(errorType !== undefined && { 'x-amzn-errortype': errorType }),
  });
  res.end(text);
}
