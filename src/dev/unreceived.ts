/**
 * Why an event the bus accepted reached no function, and what would reach the handlers meant for it:
 * an event typed as a platform's (an S3 notification, a Kafka record…) goes to the functions that
 * declare that source through its live trigger or `triggerkit send --as`, never through the bus.
 */
import type { CloudEvent } from '../cloud-event.js';
import { GENERATED_KINDS, GENERATORS, type GeneratedKind } from '../testing/generate/index.js';
import { listensOnBus } from './bus.js';
import type { EmulatorFunction } from './run-delivery.js';
import { declarationsOf, describeDeclaration } from './source-routes.js';
import type { Feed } from './triggers/types.js';

/** An accepted event no function received. */
export interface Unreceived {
  readonly id: string;
  /** `no-listener`: no function listens on the bus; `filtered`: every bus listener's filter refused it. */
  readonly reason: 'no-listener' | 'filtered';
  /** One line: the reason, then for each function that declares the event's source, how to reach it. */
  readonly message: string;
}

/** At most this many events are explained in one answer (a batch of thousands stays small). */
export const EXPLAINED = 100;

/** The kind whose events are typed like this one's (`com.amazonaws.s3.ObjectCreated:Put` → `aws:s3`). */
function kindOf(event: CloudEvent): GeneratedKind | undefined {
  return GENERATED_KINDS.find((kind) =>
    GENERATORS[kind].types.some((prefix) => event.type.startsWith(prefix)),
  );
}

/**
 * @example
 * explainUnreceived(event, functions, feeds).message
 * // no function listens on the bus for this event; orders-images declares aws:s3 bucket photos: run
 * // `triggerkit send --as aws:s3 --to orders-images --bucket photos --data …`
 */
export function explainUnreceived(
  event: CloudEvent,
  functions: readonly EmulatorFunction[],
  feeds: readonly Feed[],
): Unreceived {
  const listeners = functions.filter(listensOnBus);
  const reason = listeners.length === 0 ? 'no-listener' : 'filtered';
  const why =
    reason === 'no-listener'
      ? 'no function listens on the bus for this event'
      : `every function on the bus filtered it out (${listeners.map((fn) => fn.name).join(', ')})`;
  const kind = kindOf(event);
  const ways =
    kind === undefined
      ? []
      : functions.flatMap((fn) => declarationsOf(fn, kind).map((d) => reach(fn, kind, d, feeds)));
  const hint =
    ways.length > 0
      ? ways.join('; ')
      : kind !== undefined
        ? `it is typed as an event of ${kind}, and no function declares ${kind}`
        : "a handler with no `sources` (or { type: 'bus' }) and a filter that matches it would receive it";
  return { id: event.id, reason, message: `${why}; ${hint}.` };
}

function reach(
  fn: EmulatorFunction,
  kind: GeneratedKind,
  declaration: Parameters<typeof describeDeclaration>[1],
  feeds: readonly Feed[],
): string {
  const key = GENERATORS[kind].resource;
  const value = key === undefined ? undefined : (declaration as Readonly<Record<string, unknown>>)[key];
  const flag = typeof value === 'string' ? ` --${flagOf(key as string)} ${quote(value)}` : '';
  const live = feeds.find((f) => f.fn === fn.name && f.source === declaration);
  const command = `\`triggerkit send --as ${kind} --to ${fn.name}${flag} --data …\``;
  return `${fn.name} declares ${describeDeclaration(kind, declaration)}: ${live === undefined ? '' : `send to its live trigger (${live.label}) or `}run ${command}`;
}

/** `logGroup` → `log-group`, the CLI's spelling of an option. */
export const flagOf = (option: string): string => option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

const quote = (value: string) => (/^[\w./:@-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`);
