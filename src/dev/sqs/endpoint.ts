/**
 * A local SQS endpoint speaking the JSON protocol that AWS SDK v3 (`@aws-sdk/client-sqs`) uses:
 * `POST /` with `X-Amz-Target: AmazonSQS.<Action>` and `Content-Type: application/x-amz-json-1.0`.
 * Point a client at it (`endpoint`, or `AWS_ENDPOINT_URL_SQS`) and the retry queue and dead-letter
 * queue run offline with SQS's semantics: delays, visibility timeouts, receive counts, long polling.
 * Signatures are not checked; any credentials do.
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-making-api-requests-json.html
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Database from 'better-sqlite3';
import type { Clock } from '../clock.js';
import { readBody, readJsonObject } from '../http-ingress.js';
import { openSqsStore, type SqsStore } from '../store/sqs-queues.js';
import { actions, receiveNow } from './actions.js';
import { type ActionContext, type Input, intParam, queueOf, setting } from './queues.js';
import { SqsFault } from './wire.js';

export type SqsEndpointOptions = {
  readonly clock: Clock;
  /** Called after an action that may have made messages visible on a queue (a send, a visibility change). */
  readonly onChange?: (queue: string) => void;
} & (
  | {
      /** The queues of the emulator's store (`store.queues`). */
      readonly queues: SqsStore;
    }
  | {
      /** A database to create the SQS tables in; prefer `queues: store.queues`. */
      readonly db: Database.Database;
    }
);

export interface SqsEndpoint {
  /** Answers an SQS call and resolves `true`; resolves `false` (and writes nothing) for any other request. */
  handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<boolean>;
  /** Ends pending long polls (they answer with no messages); call before closing the database. */
  close(): void;
  readonly store: SqsStore;
  /** How many ReceiveMessage calls are waiting for messages now (long polls). */
  readonly waiting: number;
}

/** SQS actions the endpoint knows of but does not emulate: answered with `UnsupportedOperation`. */
const UNSUPPORTED = [
  'AddPermission',
  'RemovePermission',
  'TagQueue',
  'UntagQueue',
  'ListQueueTags',
  'ListDeadLetterSourceQueues',
  'ChangeMessageVisibilityBatch',
  'StartMessageMoveTask',
  'CancelMessageMoveTask',
  'ListMessageMoveTasks',
];
/** How often (real ms) a waiting long poll looks at the clock: a manual clock moves without telling anyone. */
const POLL_MS = 200;

/**
 * Creates the endpoint over the emulator's database and clock.
 *
 * @example
 * const sqs = createSqsEndpoint({ queues: store.queues, clock });
 * createServer(async (req, res) => {
 *   if (!(await sqs.handle(req, res, await readBody(req)))) res.writeHead(404).end();
 * }).listen(4566);
 */
export function createSqsEndpoint(options: SqsEndpointOptions): SqsEndpoint {
  const { clock } = options;
  const store = 'queues' in options ? options.queues : openSqsStore(options.db);
  const waiters = new Set<() => void>();
  let closed = false;
  let waiting = 0;

  const wakeAll = () => {
    for (const wake of [...waiters]) wake();
  };

  /** Sleeps `ms` real milliseconds, or until a send (or `close`) wakes every waiting poll. */
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      timer.unref?.();
      waiters.add(done);
    });

  /** ReceiveMessage: returns at once when messages are visible, else waits up to `WaitTimeSeconds`. */
  async function receive(first: ActionContext, input: Input, res: ServerResponse) {
    const queue = queueOf(first, input);
    const wait = intParam(input, 'WaitTimeSeconds', 0, 20) ?? setting(queue, 'ReceiveMessageWaitTimeSeconds');
    const deadline = first.now + wait * 1000;
    for (;;) {
      // A caller that hung up must not take messages: they would stay invisible for nothing.
      if (res.destroyed || res.socket?.destroyed) return {};
      const ctx = { ...first, now: clock.now() };
      const messages = receiveNow(ctx, queueOf(ctx, input), input);
      if (messages.length > 0) return { Messages: messages };
      if (ctx.now >= deadline || closed) return {};
      const next = Math.min(deadline, store.nextVisibleAt(queue.name, ctx.now) ?? deadline);
      waiting++;
      await pause(Math.min(clock.toRealDelay(next - ctx.now), POLL_MS)).finally(() => waiting--);
    }
  }

  async function run(action: string, body: Buffer, req: IncomingMessage, res: ServerResponse) {
    const read = readJsonObject(body);
    if ('problem' in read)
      throw new SqsFault('com.amazon.coral.service#SerializationException', 'MalformedInput', read.problem);
    const input: Input = read.input;
    const ctx: ActionContext = {
      store,
      now: clock.now(),
      origin: `http://${req.headers.host ?? 'localhost'}`,
    };
    if (action === 'ReceiveMessage') return receive(ctx, input, res);
    const fn = Object.hasOwn(actions, action) ? actions[action] : undefined;
    if (fn === undefined) {
      throw UNSUPPORTED.includes(action)
        ? new SqsFault(
            'com.amazonaws.sqs#UnsupportedOperation',
            'AWS.SimpleQueueService.UnsupportedOperation',
            `${action} is not supported by the triggerkit emulator's SQS endpoint.`,
          )
        : new SqsFault(
            'com.amazon.coral.service#UnknownOperationException',
            'InvalidAction',
            `The action ${action} is not valid for this web service.`,
          );
    }
    // Group commit: the calls of one turn of the event loop share a transaction; answered once committed.
    const output = await store.write(() => fn(ctx, input));
    // A send (or a visibility change) can satisfy a waiting long poll, or a live trigger.
    wakeAll();
    if (options.onChange !== undefined && typeof input.QueueUrl === 'string')
      options.onChange(input.QueueUrl.split('/').filter(Boolean).at(-1) ?? '');
    return output;
  }

  return {
    store,
    get waiting() {
      return waiting;
    },
    async handle(req, res, body) {
      const target = req.headers['x-amz-target'];
      if (req.method !== 'POST' || typeof target !== 'string' || !target.startsWith('AmazonSQS.'))
        return false;
      const requestId = randomUUID();
      try {
        reply(res, 200, await run(target.slice('AmazonSQS.'.length), body, req, res), requestId);
      } catch (error) {
        const fault =
          error instanceof SqsFault
            ? error
            : new SqsFault('com.amazonaws.sqs#InternalError', 'InternalError', String(error), 500);
        reply(res, fault.status, { __type: fault.type, message: fault.message }, requestId, {
          'x-amzn-query-error': `${fault.queryCode};${fault.status >= 500 ? 'Receiver' : 'Sender'}`,
        });
      }
      return true;
    },
    close() {
      closed = true;
      wakeAll();
    },
  };
}

/**
 * Serves the endpoint alone on its own port (tests, or an SQS endpoint beside the emulator); other
 * requests get 404. Resolves to the URL to give clients as `endpoint`.
 *
 * @example
 * const { url, close } = await serveSqsEndpoint(createSqsEndpoint({ db, clock }));
 * const client = new SQSClient({ endpoint: url, region: 'us-east-1', credentials });
 */
export async function serveSqsEndpoint(
  endpoint: SqsEndpoint,
  port = 0,
  host = '127.0.0.1',
): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    readBody(req)
      .then(async (body) => {
        if (!(await endpoint.handle(req, res, body))) res.writeHead(404).end();
      })
      .catch(() => res.writeHead(400).end());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return {
    url: `http://${host}:${(server.address() as AddressInfo).port}`,
    server,
    close() {
      endpoint.close();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function reply(
  res: ServerResponse,
  status: number,
  body: unknown,
  requestId: string,
  headers: Record<string, string> = {},
): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': requestId,
    ...headers,
  });
  res.end(text);
}
