/**
 * `triggerkit dlq list|show|redrive` over the emulator's state, and `triggerkit replay` through a running
 * emulator. `list` and `show` open the state read-only; `redrive` asks the emulator that holds the state
 * folder (over its HTTP API) and writes the state itself only when none does. With `--aws` the same
 * subcommands work on a function's SQS dead-letter queue instead (dlq-aws-command.ts).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineCommand } from 'citty';
import { TriggerError } from '../errors.js';
import { awsArgs, checkAwsFlags } from './dlq-aws-args.js';
import { fetchEmulator } from './reach.js';

const stateDirArg = {
  'state-dir': { type: 'string', description: 'Where the emulator keeps its state', default: '.triggerkit' },
  json: { type: 'boolean', description: 'Machine-readable output', default: false },
  ...awsArgs,
} as const;

const aws = () => import('./dlq-aws-command.js');

async function readState(dir: string) {
  const { openStateReader } = await import('../dev/store/queries.js');
  return openStateReader(resolve(process.cwd(), dir));
}

const print = (line: string) => process.stdout.write(`${line}\n`);

/** `1,2,3` as dead-letter ids; anything else is a usage error naming what was given. */
export function parseDeadLetterIds(text: string, flag = 'ids'): number[] {
  const parts = text.split(',').map((p) => p.trim());
  const bad = parts.find((p) => !/^[1-9]\d{0,15}$/.test(p));
  if (bad !== undefined)
    throw new TriggerError(
      'E_CONFIG',
      `${flag}: ${JSON.stringify(bad)} is not a dead-letter id; pass ids as \`triggerkit dlq list\` shows them, comma-separated (1,4,7).`,
      { path: flag },
    );
  return parts.map(Number);
}

const list = defineCommand({
  meta: { name: 'list', description: 'Dead letters not yet redriven' },
  args: {
    ...stateDirArg,
    handler: { type: 'string', description: 'Only this function' },
    max: { type: 'string', description: 'With --aws: look at this many messages at most (default 100)' },
  },
  async run({ args }) {
    checkAwsFlags(args, ['max']);
    if (args.aws) return (await aws()).awsList(args);
    const state = await readState(args['state-dir']);
    const letters = state.deadLetters({ handler: args.handler });
    state.close();
    if (args.json) return print(JSON.stringify(letters));
    if (letters.length === 0) return print('no dead letters');
    for (const l of letters) {
      print(
        `${l.id}\t${new Date(l.createdAt).toISOString()}\t${l.handler}\t${l.reason}\t${l.envelope.id}\t${l.envelope.dlerror}`,
      );
    }
  },
});

const show = defineCommand({
  meta: { name: 'show', description: 'One dead letter: the envelope (original event + why)' },
  args: {
    ...stateDirArg,
    id: {
      type: 'positional',
      required: true,
      description: 'Dead-letter id (from list); with --aws, a message id or a CloudEvent id',
    },
  },
  async run({ args }) {
    checkAwsFlags(args, []);
    if (args.aws) return (await aws()).awsShow({ ...args, id: String(args.id) });
    const [id] = parseDeadLetterIds(String(args.id), 'id');
    const state = await readState(args['state-dir']);
    const letter = state.getDeadLetter(id as number);
    state.close();
    if (letter === undefined)
      throw new TriggerError('E_CONFIG', `No dead letter ${args.id}; see \`triggerkit dlq list\`.`);
    print(JSON.stringify(args.json ? letter : letter.envelope, null, args.json ? undefined : 2));
  },
});

/** Redrives through the emulator that owns `dir` when one runs, else in the state itself. */
async function redriveIn(dir: string, ids: number[] | undefined, url: string | undefined) {
  if (!existsSync(resolve(dir, 'state.db'))) await readState(dir); // throws the "no state" message
  const { readLockOwner, tryStateLock } = await import('../dev/store/lock.js');
  const lock = url === undefined ? tryStateLock(dir) : undefined;
  if (lock !== undefined) {
    const { openStore } = await import('../dev/store/store.js');
    const store = openStore(dir, { lock });
    try {
      return {
        redriven: store.redrive(ids ?? store.deadLetters().map((l) => l.id), Date.now()),
        live: false,
      };
    } finally {
      store.close();
    }
  }
  const owner = readLockOwner(dir);
  const base = url ?? owner?.url;
  if (base === undefined)
    throw new TriggerError(
      'E_CONFIG',
      `The emulator on ${dir} (pid ${owner?.pid ?? '?'}) is still starting; try again in a moment, or pass --url.`,
    );
  const response = await fetchEmulator('dlq redrive', `${base}/dead-letters/redrive`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ids === undefined ? {} : { ids }),
  });
  const text = await response.text();
  if (!response.ok)
    throw new TriggerError(
      'E_CONFIG',
      `The emulator at ${base} refused the redrive: ${response.status} ${text}`,
    );
  return { redriven: (JSON.parse(text) as { redriven: number[] }).redriven, live: true };
}

const redrive = defineCommand({
  meta: { name: 'redrive', description: 'Send dead letters back to their handlers (all, or the ids given)' },
  args: {
    ...stateDirArg,
    ids: {
      type: 'positional',
      required: false,
      description: 'Dead-letter ids, comma-separated; with --aws, message ids (or CloudEvent ids)',
    },
    url: {
      type: 'string',
      description: "The running emulator's URL (default: the one that holds --state-dir)",
    },
    all: { type: 'boolean', description: 'With --aws: every message of the dead-letter queue' },
    to: {
      type: 'string',
      description:
        'With --aws: where raw messages (no dlreason) go, a queue name or URL, such as their source queue',
    },
  },
  async run({ args }) {
    checkAwsFlags(args, ['all', 'to']);
    if (args.aws) return (await aws()).awsRedrive(args);
    const ids = args.ids === undefined ? undefined : parseDeadLetterIds(String(args.ids));
    const dir = resolve(process.cwd(), args['state-dir']);
    const { redriven, live } = await redriveIn(dir, ids, args.url);
    print(
      args.json
        ? JSON.stringify({ redriven })
        : `redriven ${redriven.length} dead letter(s); ${live ? 'the running emulator delivers them now' : '`triggerkit dev` delivers them when it starts'}`,
    );
  },
});

export const dlq = defineCommand({
  meta: {
    name: 'dlq',
    description: "The emulator's dead letters, or (--aws) a function's SQS dead-letter queue",
  },
  subCommands: { list, show, redrive },
});

export const replay = defineCommand({
  meta: { name: 'replay', description: 'Replay archived events through a running emulator' },
  args: {
    from: { type: 'string', required: true, description: 'ISO time: events received from then' },
    to: { type: 'string', description: 'ISO time: until then (default now)' },
    handler: { type: 'string', description: 'Only to this function' },
    url: { type: 'string', default: 'http://127.0.0.1:3000', description: "The emulator's URL" },
  },
  async run({ args }) {
    const query = new URLSearchParams({
      from: args.from,
      ...(args.to ? { to: args.to } : {}),
      ...(args.handler ? { handler: args.handler } : {}),
    });
    // A JSON content type: the emulator refuses bodiless POSTs any web page could send (docs/emulator.md).
    const response = await fetchEmulator('replay', `${args.url}/replay?${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    print(`${response.status} ${await response.text()}`);
    if (response.status >= 400) process.exitCode = 1;
  },
});
