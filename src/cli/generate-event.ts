/**
 * `triggerkit generate-event <source> [--data json|@file] [--from-schema schema.json] [--count n]`: the
 * raw event a platform sends (to Lambda, to Function Compute), as JSON on stdout, for every source of the
 * catalog, the chains (`aws:s3/sns/sqs`…) and signed webhooks (`http:github`…); `--list` names them.
 * `sam local generate-event`'s `<service> <event>` pairs work too (`s3 put`, `sqs receive-message`).
 */
import { defineCommand } from 'citty';
import { flagValues } from '../dev/buckets/flags.js';
import { TriggerError } from '../errors.js';
import { distance } from '../sources/closest.js';
import { exampleFromSchema } from '../testing/generate/from-schema.js';
import {
  findSample,
  SAM_EVENTS,
  SAMPLES,
  type Sample,
  type SampleOptions,
} from '../testing/generate/samples.js';
import { readJsonArgument } from './input.js';

/** Flags that set a generator option of the same name (camel-cased): where the event comes from. */
export const OPTION_FLAGS = [
  'queue',
  'topic',
  'bucket',
  'key',
  'stream',
  'table',
  'source',
  'detail-type',
  'event-name',
  'log-group',
  'subject',
  'type',
  'method',
  'path',
  'route',
  'secret',
  'event',
  'rule',
  'region',
  'account',
  'seed',
] as const;

export interface GenerateEventInput {
  readonly source: string | undefined;
  /** The event of a `sam local generate-event <service> <event>` pair. */
  readonly samEvent?: string | undefined;
  /** Every flag as citty parsed it, and the raw arguments (for repeatable flags). */
  readonly flags: Readonly<Record<string, unknown>>;
  readonly rawArgs: readonly string[];
}

/** What to print: the event (stdout) and notes (stderr). */
export interface GenerateEventOutput {
  readonly stdout: string;
  readonly notes: readonly string[];
}

/** The sample a name (or a SAM pair) means; `E_CONFIG` with the closest names and `--list` otherwise. */
export function resolveSample(source: string, samEvent?: string): { sample: Sample; options: SampleOptions } {
  if (samEvent !== undefined) {
    const pair = SAM_EVENTS[`${source} ${samEvent}`];
    const sample = pair === undefined ? undefined : findSample(pair[0]);
    if (pair === undefined || sample === undefined)
      throw config(
        `\`${source} ${samEvent}\` is not a sam local generate-event pair with an equivalent here (${Object.keys(SAM_EVENTS).join(', ')}); run triggerkit generate-event --list.`,
      );
    return { sample, options: pair[1] ?? {} };
  }
  const sample = findSample(source);
  if (sample !== undefined) return { sample, options: {} };
  const near = closestNames(source);
  throw config(
    `No source ${JSON.stringify(source)}${near.length > 0 ? `; did you mean ${near.join(' or ')}?` : '.'} Run triggerkit generate-event --list for every source.`,
  );
}

function closestNames(name: string): string[] {
  const scored = SAMPLES.map((s) => ({
    name: s.name,
    score: Math.min(distance(name, s.name), distance(name, s.name.replace(/^(aws|alibaba|http):/, ''))),
  }));
  const best = Math.min(...scored.map((s) => s.score));
  return best <= Math.max(2, Math.floor(name.length / 3))
    ? scored.filter((s) => s.score === best).map((s) => s.name)
    : [];
}

/** The generator options the flags give: the payload, the count, the time, and every other flag. */
export function sampleOptions(input: GenerateEventInput, defaults: SampleOptions): SampleOptions {
  const { flags, rawArgs } = input;
  const options: Record<string, unknown> = {};
  for (const flag of OPTION_FLAGS) {
    const value = flags[flag];
    if (typeof value === 'string') options[flag.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())] = value;
  }
  for (const pair of flagValues(rawArgs, 'option')) {
    const at = pair.indexOf('=');
    if (at <= 0)
      throw config(
        `--option ${JSON.stringify(pair)} must be name=value, e.g. --option cluster=self-managed.`,
      );
    options[pair.slice(0, at)] = jsonOrText(pair.slice(at + 1));
  }
  const headers = flagValues(rawArgs, 'header').map((h) => {
    const at = h.indexOf(':');
    if (at <= 0)
      throw config(`--header ${JSON.stringify(h)} must be name:value, e.g. --header 'x-tenant: acme'.`);
    return [h.slice(0, at).trim(), h.slice(at + 1).trim()];
  });
  if (headers.length > 0) options.headers = Object.fromEntries(headers);
  if (typeof flags.time === 'string') options.time = timeOf(flags.time);
  const data = payloadOf(input);
  const count = flags.count === undefined ? undefined : Number(flags.count);
  if (count !== undefined && !(Number.isSafeInteger(count) && count >= 1 && count <= 10_000))
    throw config(`--count must be a whole number from 1 to 10000, got ${JSON.stringify(flags.count)}.`);
  const items = data.length > 1 ? data : undefined;
  const one = data.length === 1 ? data[0] : defaults.data;
  if (items !== undefined) options.items = items;
  else if (count !== undefined) options.items = Array.from({ length: count }, () => one);
  else if (data.length === 1) options.data = one;
  return options;
}

/** Every `--data` (one record each; a single JSON array is one record per element), or the `--from-schema` example. */
function payloadOf({ flags, rawArgs }: GenerateEventInput): unknown[] {
  const given = flagValues(rawArgs, 'data').map((value) => readJsonArgument(value, '--data'));
  if (typeof flags['from-schema'] === 'string') {
    if (given.length > 0) throw config('Give --data or --from-schema, not both.');
    const file = flags['from-schema'];
    return [exampleFromSchema(readJsonArgument(`@${file}`, '--from-schema'), file)];
  }
  return given.length === 1 && Array.isArray(given[0]) ? given[0] : given;
}

/**
 * The raw event of `input.source` as JSON, and what to tell the user (the default secret a webhook was
 * signed with). Throws `E_CONFIG` in one line for a source, flag or payload that cannot be used.
 *
 * @example
 * generateEventOutput({ source: 'aws:sqs', flags: { queue: 'orders' }, rawArgs: ['--data', '{"id":1}'] }).stdout
 */
export function generateEventOutput(input: GenerateEventInput): GenerateEventOutput {
  if (input.source === undefined)
    throw config(
      'generate-event needs a source, e.g. triggerkit generate-event aws:sqs; --list names them all.',
    );
  const { sample, options: implied } = resolveSample(input.source, input.samEvent);
  const options = { ...implied, ...sampleOptions(input, sample.defaults) };
  let raw: unknown;
  try {
    raw = sample.build(options);
  } catch (error) {
    if (error instanceof TypeError) throw config(`${sample.name}: ${error.message}`);
    throw error;
  }
  const notes =
    sample.webhook !== undefined && options.secret === undefined
      ? [
          `signed with the local test secret ${JSON.stringify(sample.defaults.secret)}; pass --secret to sign with yours`,
        ]
      : [];
  return { stdout: `${JSON.stringify(raw, null, 2)}\n`, notes };
}

/** `--list`: every source, what it is, and what `toCloudEvents` reads it as when that differs. */
export function listSamples(): string {
  const width = Math.max(...SAMPLES.map((s) => s.name.length));
  const lines = SAMPLES.map(
    (s) => `${s.name.padEnd(width)}  ${s.description}${s.kind === s.name ? '' : ` (read as ${s.kind})`}`,
  );
  const sam = Object.entries(SAM_EVENTS).map(
    ([pair, [name]]) => `  sam local generate-event ${pair} → ${name}`,
  );
  return `${lines.join('\n')}\n\nsam local generate-event pairs with an equivalent:\n${sam.join('\n')}\n`;
}

const config = (message: string) => new TriggerError('E_CONFIG', message, { path: 'generate-event' });

function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function timeOf(text: string): number {
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms))
    throw config(`--time must be ms since the epoch or an ISO time, got ${JSON.stringify(text)}.`);
  return ms;
}

export const generateEventCommand = defineCommand({
  meta: {
    name: 'generate-event',
    description:
      'Print the raw event a platform sends for a source (--list names them), to pipe into invoke or save as a fixture',
  },
  args: {
    kind: {
      type: 'positional',
      required: false,
      description: 'aws:sqs, aws:s3/sns/sqs, http:github… (or a sam local generate-event service)',
    },
    samEvent: {
      type: 'positional',
      required: false,
      description: 'With a sam local generate-event service: its event (s3 put)',
    },
    list: { type: 'boolean', description: 'Name every source' },
    data: {
      type: 'string',
      description: 'The payload, JSON inline or @file.json (repeatable: one record each)',
    },
    'from-schema': {
      type: 'string',
      description: 'Fill the payload with a value valid against this JSON Schema file',
    },
    count: { type: 'string', description: 'Records in the batch (default 1)' },
    time: {
      type: 'string',
      description: 'When it was sent: ms since the epoch or an ISO time (default now)',
    },
    header: { type: 'string', description: 'HTTP sources: a request header, name:value (repeatable)' },
    option: { type: 'string', description: 'Any other generator option, name=value (repeatable)' },
    ...Object.fromEntries(
      OPTION_FLAGS.map((flag) => [
        flag,
        { type: 'string' as const, description: `The event's ${flag.replace('-', ' ')}` },
      ]),
    ),
  },
  run({ args, rawArgs }) {
    if (args.list) {
      process.stdout.write(listSamples());
      return;
    }
    const output = generateEventOutput({
      source: args.kind,
      samEvent: args.samEvent,
      flags: args,
      rawArgs,
    });
    process.stdout.write(output.stdout);
    for (const note of output.notes) process.stderr.write(`triggerkit: ${note}\n`);
  },
});
