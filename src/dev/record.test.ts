/**
 * `--record`: every raw event that reaches a handler is one redacted fixture, and replaying it with
 * `triggerkit/testing`'s `invoke` gives the outcome the emulator gave.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixture } from '../../test/support/fixtures.js';
import { defineHandler } from '../define-handler.js';
import type { TraceRecord } from '../runtime/hooks.js';
import { events, invoke, loadEvent } from '../testing/index.js';
import { createEmulator, type Emulator } from './emulator.js';
import { createRecorder } from './record.js';

const SECRET = 'gh-secret';
const functions = [
  {
    name: 'githubIssues',
    handler: defineHandler({
      name: 'github-issues',
      sources: [
        {
          type: 'http',
          path: '/webhooks/github',
          method: 'POST',
          verify: { provider: 'github', secret: SECRET },
        },
      ],
      handle: (event) => ({ seen: event.type }),
    }),
  },
  {
    name: 'ordersQueue',
    handler: defineHandler({
      name: 'orders-queue',
      sources: [{ type: 'aws:sqs', queue: 'shop-orders' }],
      handle: (event) => {
        if ((event.data as { total?: unknown }).total === 15) throw new Error('declined');
        return { ok: event.id };
      },
    }),
  },
  {
    name: 'orderCreated',
    handler: defineHandler({ filter: { type: ['com.example.order.created'] }, handle: (e) => e.id }),
  },
];
const handlerOf = (name: string) => functions.find((fn) => fn.name === name)?.handler as never;

const open: Emulator[] = [];
afterEach(async () => {
  for (const emulator of open.splice(0)) await emulator.close();
});

const outcomes = (traces: readonly TraceRecord[]) =>
  traces.map((t) => `${t.event.id} ${t.outcome.status}`).sort();

describe('triggerkit dev --record', () => {
  it('writes a webhook request, an Invoke API call and a bus event, redacted, replayable with invoke', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'triggerkit-record-'));
    const traces: TraceRecord[] = [];
    const emulator = createEmulator({
      functions,
      record: dir,
      log: () => {},
      onTrace: (t) => traces.push(t),
    });
    open.push(emulator);
    const url = await emulator.listen();

    const signed = events.github({
      secret: SECRET,
      event: 'issues',
      payload: { action: 'opened', issue: { number: 7 } },
    });
    const headers = {
      ...signed.headers,
      authorization: 'Bearer live-token',
      cookie: 'session=abc',
    } as Record<string, string>;
    const answer = await fetch(`${url}/webhooks/github`, {
      method: 'POST',
      headers,
      body: signed.body ?? '',
    });
    expect(answer.status).toBe(200);
    const batch = fixture('sqs/orders-batch.json');
    await fetch(`${url}/2015-03-31/functions/orders-queue/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(batch),
    });
    const bus = fixture('cloudevents/order-created.json');
    emulator.publish(bus as never);
    await emulator.settle();

    const files = readdirSync(dir).sort();
    expect(files).toEqual([
      '0001-githubIssues-aws-apigateway-v2.json',
      '0002-ordersQueue-aws-sqs.json',
      '0003-orderCreated-bus.json',
    ]);
    const webhook = (await loadEvent(join(dir, files[0] as string))) as {
      headers: Record<string, string>;
      cookies: string[];
      body: string;
    };
    expect(webhook.headers).toMatchObject({
      authorization: '[redacted]',
      'x-hub-signature-256': '[redacted]',
      'x-github-event': 'issues',
    });
    expect(webhook.cookies).toEqual(['[redacted]']);
    expect(await loadEvent(join(dir, files[1] as string))).toEqual(batch);

    // The batch and the bus event replay to the outcomes the emulator traced.
    for (const [file, name] of [
      [files[1], 'ordersQueue'],
      [files[2], 'orderCreated'],
    ] as const) {
      const replayed = await invoke(handlerOf(name), await loadEvent(join(dir, file as string)));
      const handler = functions.find((fn) => fn.name === name)?.handler.definition.name ?? name;
      expect(outcomes(replayed.traces)).toEqual(outcomes(traces.filter((t) => t.handler === handler)));
    }
    // The redacted webhook fails its signature check, as a forged one would; signed again, it is delivered.
    const unsigned = await invoke(handlerOf('githubIssues'), webhook);
    expect((unsigned.response as { statusCode: number }).statusCode).toBe(401);
    const resigned = events.github({ secret: SECRET, event: 'issues', payload: JSON.parse(webhook.body) });
    expect((await invoke(handlerOf('githubIssues'), resigned)).delivered).toHaveLength(1);
  });

  it('numbers on from the files already in the folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'triggerkit-record-'));
    createRecorder(dir, () => {}).record('a', fixture('sqs/orders-batch.json'));
    const second = createRecorder(dir, () => {}).record('b c', { anything: 1 });
    expect(second).toBe(join(dir, '0002-b-c-unknown.json'));
  });
});
