/** Sends a CloudEvent in binary mode, serialized by the CloudEvents SDK (its emit side follows the spec). */
import { randomUUID } from 'node:crypto';
import { CloudEvent, HTTP } from 'cloudevents';
import { TriggerError } from '../errors.js';
import { GENERATED_KINDS, isGeneratedKind } from '../testing/generate/index.js';
import { readJsonArgument } from './input.js';
import { fetchEmulator } from './reach.js';

export interface SendInput {
  type: string;
  source: string;
  id?: string;
  subject?: string;
  data?: unknown;
}

export async function sendCloudEvent(
  url: string,
  input: SendInput,
): Promise<{ status: number; body: string }> {
  const event = new CloudEvent({
    id: input.id ?? randomUUID(),
    type: input.type,
    source: input.source,
    ...(input.subject ? { subject: input.subject } : {}),
    ...(input.data === undefined ? {} : { datacontenttype: 'application/json', data: input.data }),
  });
  const message = HTTP.binary(event);
  const response = await fetchEmulator('send', url, {
    method: 'POST',
    headers: message.headers as Record<string, string>,
    body: message.body as string,
  });
  return { status: response.status, body: await response.text() };
}

/** What `triggerkit send --as <kind>` sends to the emulator's `POST /sources/<kind>`. */
export interface SendAsInput {
  readonly kind: string;
  /** The records' data, in order. */
  readonly items: readonly unknown[];
  readonly to?: string;
  readonly options: Readonly<Record<string, unknown>>;
}

/**
 * Asks the emulator at `url` (its origin is used) to build `kind`'s raw event around the items and
 * deliver it to the functions that declare that source.
 */
export async function sendAs(url: string, input: SendAsInput): Promise<{ status: number; body: string }> {
  const target = new URL(`/sources/${encodeURIComponent(input.kind)}`, url);
  const response = await fetchEmulator('send', target, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ items: input.items, to: input.to, options: input.options }),
  });
  return { status: response.status, body: await response.text() };
}

/**
 * The lines to print on stderr for an answer: why an event reached no function (`POST /events`), or a
 * function whose handler failed records (`POST /sources/<kind>`).
 */
export function describeAnswer(body: string): string[] {
  let parsed: {
    unreceived?: { id: string; message: string }[];
    reached?: { function: string; records: number; failed: number; blocked?: number; error?: string }[];
  };
  try {
    parsed = JSON.parse(body);
  } catch {
    return [];
  }
  const lines = (parsed.unreceived ?? []).map((u) => `event ${u.id} reached no function: ${u.message}`);
  for (const r of parsed.reached ?? []) {
    if (r.failed === 0 && r.error === undefined) continue;
    const blocked = r.blocked
      ? `; ${r.blocked} later records were not sent (the failed batch blocks its partition)`
      : '';
    lines.push(
      `${r.function}: ${r.failed} of ${r.records} records failed${r.error ? ` (${r.error})` : ''}${blocked}; see its trace lines.`,
    );
  }
  return lines;
}

/** The generator options with a flag of their own; any other is `--option name=value`. */
export const SEND_AS_FLAGS = [
  'topic',
  'queue',
  'bucket',
  'stream',
  'table',
  'log-group',
  'source',
  'partition',
  'key',
];

/**
 * `send --as` arguments as the request: every `--data` (repeatable; one JSON array is several records),
 * the resource flags and `--option name=value` (a JSON value or text). Throws `E_CONFIG` in one line for
 * a kind that is not one.
 */
export function readSendAs(
  kind: string,
  flags: Readonly<Record<string, unknown>>,
  rawArgs: readonly string[],
): SendAsInput {
  if (!isGeneratedKind(kind))
    throw new TriggerError(
      'E_CONFIG',
      `--as ${JSON.stringify(kind)} is not a source kind; use one of ${GENERATED_KINDS.join(', ')}.`,
      { path: '--as' },
    );
  const data = repeated(rawArgs, '--data').map((value) => readJsonArgument(value, '--data'));
  const items = data.length === 0 ? [{}] : data.length === 1 && Array.isArray(data[0]) ? data[0] : data;
  const options: Record<string, unknown> = {};
  for (const flag of SEND_AS_FLAGS) {
    const value = flags[flag];
    if (typeof value !== 'string') continue;
    const name = flag.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
    options[name] = flag === 'partition' ? Number(value) : value;
  }
  for (const pair of repeated(rawArgs, '--option')) {
    const at = pair.indexOf('=');
    if (at <= 0)
      throw new TriggerError(
        'E_CONFIG',
        `--option ${JSON.stringify(pair)} must be name=value, e.g. --option cluster=self-managed.`,
        {
          path: '--option',
        },
      );
    options[pair.slice(0, at)] = jsonOrText(pair.slice(at + 1));
  }
  const to = flags.to;
  return { kind, items, ...(typeof to === 'string' && { to }), options };
}

/** Every value of a repeatable flag (`--data a --data b`, `--data=a`): the CLI parser keeps only the last. */
function repeated(rawArgs: readonly string[], flag: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i] as string;
    if (arg === flag && i + 1 < rawArgs.length) values.push(rawArgs[++i] as string);
    else if (arg.startsWith(`${flag}=`)) values.push(arg.slice(flag.length + 1));
  }
  return values;
}

function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
