/**
 * The live SQS trigger across a crash: 1,000 messages sent with the SDK's SendMessageBatch to a queue a
 * handler declares, `triggerkit dev` killed with SIGKILL while batches are in flight, then restarted on
 * the same state directory. Every message whose send was answered with a MessageId must reach the
 * handler at least once (a message in flight at the kill comes back when its visibility timeout ends,
 * as in SQS), and the queue must end empty: nothing visible, nothing in flight.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SendMessageBatchCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { CLI, type Running, start } from './support/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'triggerkit-crash-sqs-'));
const stateDir = join(dir, 'state');
const QUEUE = 'crash-orders';
const TOTAL = 1000;
const KILL_AFTER = 300;
const SENDERS = 4;
/** Seconds a received message stays invisible: what a message in flight at the kill waits after it. */
const VISIBILITY = 2;
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function startEmulator(run: string): Promise<{ dev: Running; sqs: SQSClient; queueUrl: string }> {
  const dev = start(
    process.execPath,
    [
      CLI,
      'dev',
      '--no-watch',
      '--port',
      '0',
      '--state-dir',
      stateDir,
      '--handler',
      'test/fixtures/crash/sqs-recorder.ts',
    ],
    { env: { CRASH_SQS_LOG: join(dir, `handled-${run}.log`) } },
  );
  const url = (await dev.waitFor(/listening on (http:\/\/[\d.:]+)/, 30_000))[1] as string;
  const sqs = new SQSClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 });
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: QUEUE }));
  return { dev, sqs, queueUrl: QueueUrl as string };
}

/** Sends ten messages; the MessageIds of the entries the emulator accepted (none when the call failed). */
async function sendBatch(sqs: SQSClient, queueUrl: string, batch: number): Promise<string[]> {
  try {
    const out = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Array.from({ length: 10 }, (_, k) => ({
          Id: `m${k}`,
          MessageBody: JSON.stringify({ order: batch * 10 + k }),
        })),
      }),
    );
    return (out.Successful ?? []).map((entry) => entry.MessageId as string);
  } catch {
    return [];
  }
}

const handled = (run: string): Set<string> => {
  const file = join(dir, `handled-${run}.log`);
  return new Set(existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);
};

const messagesLeft = (db: Database.Database, now: number) =>
  db
    .prepare(
      `SELECT id, receipt IS NOT NULL AND visible_at > ? AS inFlight FROM sqs_messages WHERE queue = ?`,
    )
    .all(now, QUEUE) as { id: string; inFlight: number }[];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('hands every accepted SQS message to its handler at least once across a kill -9 and a restart', async () => {
  // ── run 1: send in batches; once the handler ran for KILL_AFTER messages, with a batch in flight: SIGKILL ──
  const first = await startEmulator('1');
  await first.sqs.send(
    new SetQueueAttributesCommand({
      QueueUrl: first.queueUrl,
      Attributes: { VisibilityTimeout: String(VISIBILITY) },
    }),
  );
  const accepted = new Set<string>();
  const unsent: number[] = [];
  const exited = new Promise<void>((resolve) => first.dev.child.once('exit', () => resolve()));
  let killed = false;
  const watcher = (async () => {
    while (handled('1').size < KILL_AFTER) await sleep(2);
    // The store is read by a second connection while the emulator writes it (WAL allows this).
    const db = new Database(join(stateDir, 'state.db'), { readonly: true, fileMustExist: true });
    try {
      while (handled('1').size < TOTAL) {
        if (messagesLeft(db, Date.now()).some((m) => m.inFlight)) {
          process.kill(-(first.dev.child.pid as number), 'SIGKILL');
          killed = true;
          return;
        }
        await sleep(1);
      }
    } finally {
      db.close();
    }
  })();
  let next = 0;
  await Promise.all(
    Array.from({ length: SENDERS }, async () => {
      while (next < TOTAL / 10) {
        const batch = next++;
        const ids = killed ? [] : await sendBatch(first.sqs, first.queueUrl, batch);
        // A batch the kill cut short (or never sent) is sent again after the restart.
        if (ids.length === 0) unsent.push(batch);
        for (const id of ids) accepted.add(id);
      }
    }),
  );
  await watcher;
  first.sqs.destroy();
  if (!killed) await first.dev.stop();
  await exited;
  expect(killed, 'every message was handled before the kill could land on a batch in flight').toBe(true);
  expect(first.dev.child.signalCode).toBe('SIGKILL');

  // What the store held when the process died: messages in flight (taken, not deleted) and waiting ones.
  const before = new Database(join(stateDir, 'state.db'), { readonly: true, fileMustExist: true });
  const leftAtKill = messagesLeft(before, Date.now());
  before.close();
  expect(leftAtKill.filter((m) => m.inFlight).length).toBeGreaterThan(0);
  const handledBeforeKill = handled('1');
  expect(handledBeforeKill.size).toBeGreaterThanOrEqual(KILL_AFTER);

  // ── run 2: restart on the same state dir, send what was never sent, wait until the queue is empty ──
  const second = await startEmulator('2');
  try {
    for (const batch of unsent) {
      const ids = await sendBatch(second.sqs, second.queueUrl, batch);
      expect(ids, `batch ${batch} after the restart`).toHaveLength(10);
      for (const id of ids) accepted.add(id);
    }
    for (let waited = 0; ; waited += 50) {
      const { Attributes = {} } = await second.sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: second.queueUrl, AttributeNames: ['All'] }),
      );
      const counts = [
        Attributes.ApproximateNumberOfMessages,
        Attributes.ApproximateNumberOfMessagesNotVisible,
        Attributes.ApproximateNumberOfMessagesDelayed,
      ];
      if (counts.every((n) => n === '0')) break;
      if (waited > 30_000) throw new Error(`queue not empty after 30 s (${counts}):\n${second.dev.output()}`);
      await sleep(50);
    }
  } finally {
    second.sqs.destroy();
    await second.dev.stop();
  }

  const handledAfterRestart = handled('2');
  // None lost: every accepted MessageId reached the handler, before the kill or after the restart.
  const lost = [...accepted].filter((id) => !handledBeforeKill.has(id) && !handledAfterRestart.has(id));
  expect(lost, `${lost.length} accepted messages never reached the handler`).toEqual([]);
  // Everything the store still held at the kill (in flight included) ran after the restart.
  for (const m of leftAtKill)
    expect(handledAfterRestart.has(m.id), `message ${m.id} left in the store at the kill`).toBe(true);
  // The state ends empty: no message visible, delayed or in flight.
  const after = new Database(join(stateDir, 'state.db'), { readonly: true, fileMustExist: true });
  try {
    expect(messagesLeft(after, Date.now())).toEqual([]);
  } finally {
    after.close();
  }
  const ranTwice = [...handledBeforeKill].filter((id) => handledAfterRestart.has(id)).length;
  console.log(
    `crash test (SQS): ${accepted.size} accepted (${unsent.length * 10} after the restart); at the kill ` +
      `${handledBeforeKill.size} handled, ${leftAtKill.length} left in the store ` +
      `(${leftAtKill.filter((m) => m.inFlight).length} in flight); ${ranTwice} handled again after the restart`,
  );
}, 90_000);
