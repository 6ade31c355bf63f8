/** `triggerkit dlq list|show|redrive` over the emulator's state, and `triggerkit replay` through a running emulator. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineCommand } from 'citty';
import { TriggerError } from '../errors.js';

const stateDirArg = {
  'state-dir': { type: 'string', description: 'Where the emulator keeps its state', default: '.triggerkit' },
  json: { type: 'boolean', description: 'Machine-readable output', default: false },
} as const;

async function openState(dir: string) {
  const full = resolve(process.cwd(), dir);
  if (!existsSync(resolve(full, 'state.db'))) {
    throw new TriggerError(
      'E_CONFIG',
      `No emulator state in ${dir} (no state.db); run \`triggerkit dev\` first, or pass --state-dir.`,
      {
        path: dir,
      },
    );
  }
  const { openStore } = await import('../dev/store/store.js');
  return openStore(full);
}

const print = (line: string) => process.stdout.write(`${line}\n`);

const list = defineCommand({
  meta: { name: 'list', description: 'Dead letters not yet redriven' },
  args: { ...stateDirArg, handler: { type: 'string', description: 'Only this function' } },
  async run({ args }) {
    const store = await openState(args['state-dir']);
    const { listDeadLetters } = await import('../dev/store/queries.js');
    const letters = listDeadLetters(store, { handler: args.handler });
    store.close();
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
    id: { type: 'positional', required: true, description: 'Dead-letter id (from list)' },
  },
  async run({ args }) {
    const store = await openState(args['state-dir']);
    const { getDeadLetter } = await import('../dev/store/queries.js');
    const letter = getDeadLetter(store, Number(args.id));
    store.close();
    if (letter === undefined)
      throw new TriggerError('E_CONFIG', `No dead letter ${args.id}; see \`triggerkit dlq list\`.`);
    print(JSON.stringify(args.json ? letter : letter.envelope, null, args.json ? undefined : 2));
  },
});

const redrive = defineCommand({
  meta: { name: 'redrive', description: 'Send dead letters back to their handlers (all, or the ids given)' },
  args: {
    ...stateDirArg,
    ids: { type: 'positional', required: false, description: 'Dead-letter ids, comma-separated' },
  },
  async run({ args }) {
    const store = await openState(args['state-dir']);
    const { listDeadLetters, redriveDeadLetters } = await import('../dev/store/queries.js');
    const ids = args.ids ? String(args.ids).split(',').map(Number) : listDeadLetters(store).map((l) => l.id);
    const done = redriveDeadLetters(store, ids, Date.now());
    store.close();
    print(
      args.json
        ? JSON.stringify({ redriven: done })
        : `redriven ${done.length} dead letter(s); a running emulator delivers them within a second`,
    );
  },
});

export const dlq = defineCommand({
  meta: { name: 'dlq', description: "The emulator's dead letters" },
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
    const response = await fetch(`${args.url}/replay?${query}`, { method: 'POST' });
    print(`${response.status} ${await response.text()}`);
    if (response.status >= 400) process.exitCode = 1;
  },
});
