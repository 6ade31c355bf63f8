/**
 * A local SNS endpoint speaking the AWS query protocol that AWS SDK v3 (`@aws-sdk/client-sns`) uses:
 * `POST /` with `Content-Type: application/x-www-form-urlencoded` and `Action=Publish&Version=2010-03-31&…`,
 * answered in XML. Point a client at the emulator (`endpoint`, or `AWS_ENDPOINT_URL_SNS`) and topics fan
 * out offline to the emulator's SQS queues and functions, with filter policies. Standard topics only.
 * Signatures are not checked; any credentials do.
 * @see https://docs.aws.amazon.com/sns/latest/api/Welcome.html
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../clock.js';
import type { Store } from '../store/store.js';
import { actions, UNSUPPORTED, unsupported } from './actions.js';
import type { ActionContext } from './context.js';
import { errorXml, type Input, parseQuery, responseXml, SnsFault } from './wire.js';

export const SNS_VERSION = '2010-03-31';

export interface SnsEndpointOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly log: (line: string) => void;
  /** Called after a Publish put messages in a local queue (the SQS mappings look again). */
  readonly onQueueChange?: (queue: string) => void;
}

export interface SnsEndpoint {
  /** Answers an SNS call and resolves `true`; resolves `false` (writing nothing) for any other request. */
  handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<boolean>;
}

const isForm = (req: IncomingMessage) =>
  (req.headers['content-type'] ?? '').split(';', 1)[0]?.trim().toLowerCase() ===
  'application/x-www-form-urlencoded';

/**
 * Creates the endpoint over the emulator's store and clock.
 *
 * @example
 * const sns = createSnsEndpoint({ store, clock, log: console.log, onQueueChange: host.queueChanged });
 * if (!(await sns.handle(req, res, body))) res.writeHead(400).end();
 */
export function createSnsEndpoint(options: SnsEndpointOptions): SnsEndpoint {
  return {
    async handle(req, res, body) {
      if (req.method !== 'POST' || !isForm(req)) return false;
      const input = parseQuery(body.toString('utf8'));
      const action = input.Action;
      if (typeof action !== 'string') return false;
      const known = Object.hasOwn(actions, action) || UNSUPPORTED.has(action);
      if (input.Version !== SNS_VERSION && !(input.Version === undefined && known)) return false;
      const requestId = randomUUID();
      try {
        reply(res, 200, responseXml(action, await run(action, input), requestId), requestId);
      } catch (error) {
        const fault = error instanceof SnsFault ? error : new SnsFault('InternalError', String(error), 500);
        reply(res, fault.status, errorXml(fault, requestId), requestId);
      }
      return true;
    },
  };

  async function run(action: string, input: Input): Promise<string | undefined> {
    const fn = Object.hasOwn(actions, action) ? actions[action] : undefined;
    if (fn === undefined)
      throw UNSUPPORTED.has(action)
        ? unsupported(action)
        : new SnsFault('InvalidAction', `The action ${action} is not valid for this web service.`);
    const ctx: ActionContext = {
      store: options.store,
      now: options.clock.now(),
      log: options.log,
      changed: new Set(),
    };
    // Group commit: the calls of one turn of the event loop share a transaction; answered once committed.
    const result = await options.store.write(() => fn(ctx, input));
    for (const queue of ctx.changed) options.onQueueChange?.(queue);
    return result;
  }
}

function reply(res: ServerResponse, status: number, xml: string, requestId: string): void {
  if (res.destroyed) return;
  res.writeHead(status, {
    'content-type': 'text/xml',
    'content-length': Buffer.byteLength(xml),
    'x-amzn-requestid': requestId,
  });
  res.end(xml);
}
