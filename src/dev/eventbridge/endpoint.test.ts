/** EventBridge PutEvents onto the emulator's bus, driven with the real SDK v3 client. */
import {
  DescribeEventBusCommand,
  EventBridgeClient,
  ListEventBusesCommand,
  PutEventsCommand,
  PutRuleCommand,
} from '@aws-sdk/client-eventbridge';
import { afterEach, describe, expect, it } from 'vitest';
import type { CloudEvent } from '../../cloud-event.js';
import { defineHandler } from '../../define-handler.js';
import type { HandlerDefinition } from '../../definition.js';
import { createEmulator, type Emulator } from '../emulator.js';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
let emulator: Emulator | undefined;
let client: EventBridgeClient | undefined;

afterEach(async () => {
  client?.destroy();
  await emulator?.close();
  emulator = undefined;
});

/** Starts the emulator with one function per definition; each records the events it receives. */
async function start(definitions: Record<string, Omit<HandlerDefinition, 'handle'>>) {
  const seen: Record<string, CloudEvent[]> = {};
  const functions = Object.entries(definitions).map(([name, definition]) => {
    seen[name] = [];
    const handle = async (event: CloudEvent) => {
      seen[name]?.push(event);
    };
    return { name, handler: defineHandler({ name, ...definition, handle } as HandlerDefinition) };
  });
  emulator = createEmulator({ functions, log: () => {}, onTrace: () => {} });
  const url = await emulator.listen(0);
  client = new EventBridgeClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 });
  return { client, seen, emulator };
}

const until = async (test: () => boolean, ms = 5_000) => {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};
const settle = () => new Promise((resolve) => setTimeout(resolve, 150));

const order = (total: number, more: Record<string, unknown> = {}) => ({
  Source: 'com.shop',
  DetailType: 'Order Placed',
  Detail: JSON.stringify({ id: `o-${total}`, total }),
  ...more,
});

describe('EventBridge PutEvents', () => {
  it('reaches the bus handler whose filter matches, committed before it answers, and not the other', async () => {
    const { client, seen, emulator } = await start({
      // An EventBridge envelope pattern, as docs/patterns.md shows it, on an aws:eventbridge handler.
      large: {
        sources: [{ type: 'aws:eventbridge' }],
        filter: {
          source: ['com.shop'],
          'detail-type': ['Order Placed'],
          detail: { total: [{ numeric: ['>', 100] }] },
        },
      },
      // The same rule written against the CloudEvent, on a bus handler.
      refunds: { filter: { type: ['Refund Issued'] } },
    });
    const time = new Date('2026-03-01T10:00:00Z');
    const answer = await client.send(
      new PutEventsCommand({ Entries: [order(250, { Time: time, Resources: ['arn:aws:s3:::receipts'] })] }),
    );
    expect(answer.FailedEntryCount).toBe(0);
    const id = answer.Entries?.[0]?.EventId as string;
    // Stored (and routed) before the answer: one delivery for the match, a filtered record for the other.
    const [story] = emulator.store.stories(id);
    expect(story?.deliveries.map((d) => [d.handler, d.status === 'filtered'])).toEqual([
      ['large', false],
      ['refunds', true],
    ]);
    await until(() => seen.large?.length === 1);
    expect(seen.large?.[0]).toMatchObject({
      id,
      source: 'com.shop',
      type: 'Order Placed',
      time: '2026-03-01T10:00:00Z',
      subject: 'arn:aws:s3:::receipts',
      data: { id: 'o-250', total: 250 },
      awsaccount: '000000000000',
      awsregion: 'us-east-1',
    });
    await client.send(new PutEventsCommand({ Entries: [order(50)] }));
    await settle();
    expect(seen.large).toHaveLength(1);
    expect(seen.refunds).toHaveLength(0);
  });

  it('fails a malformed entry alone, as EventBridge answers it', async () => {
    const { client, seen } = await start({
      all: { sources: [{ type: 'aws:eventbridge', source: 'com.shop' }] },
    });
    const answer = await client.send(
      new PutEventsCommand({
        Entries: [
          order(1),
          order(2, { Detail: '{"total": 2' }),
          order(3, { Detail: '[3]' }),
          { DetailType: 'Order Placed', Detail: '{}' },
          order(5, { Source: 'com.other' }),
        ],
      }),
    );
    expect(answer.FailedEntryCount).toBe(3);
    expect(answer.Entries?.map((e) => e.ErrorCode ?? 'ok')).toEqual([
      'ok',
      'MalformedDetail',
      'MalformedDetail',
      'InvalidArgument',
      'ok',
    ]);
    expect(answer.Entries?.[1]?.ErrorMessage).toBe('Detail is malformed.');
    expect(answer.Entries?.[3]?.ErrorMessage).toBe(
      'Parameter Source is not valid. Reason: Source is a required argument.',
    );
    // The declared `source` is the rule's: com.other is accepted on the bus but not routed here.
    await until(() => seen.all?.length === 1);
    await settle();
    expect(seen.all?.map((e) => e.data)).toEqual([{ id: 'o-1', total: 1 }]);
  });

  it('refuses more than 10 entries, or more than 256 KB, whole', async () => {
    const { client, seen } = await start({ all: {} });
    const eleven = Array.from({ length: 11 }, (_, i) => order(i));
    await expect(client.send(new PutEventsCommand({ Entries: eleven }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('Member must have length less than or equal to 10'),
    });
    const big = order(1, { Detail: JSON.stringify({ text: 'x'.repeat(256 * 1024) }) });
    await expect(client.send(new PutEventsCommand({ Entries: [big] }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Total size of the entries in the request is over the limit.',
    });
    await settle();
    expect(seen.all).toHaveLength(0);
  });

  it('lists and describes the default bus; other actions are refused with what it serves', async () => {
    const { client } = await start({});
    const buses = await client.send(new ListEventBusesCommand({}));
    expect(buses.EventBuses).toEqual([
      { Name: 'default', Arn: 'arn:aws:events:us-east-1:000000000000:event-bus/default' },
    ]);
    expect((await client.send(new DescribeEventBusCommand({}))).Name).toBe('default');
    await expect(client.send(new DescribeEventBusCommand({ Name: 'shop' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'Event bus shop does not exist.',
    });
    await expect(
      client.send(new PutRuleCommand({ Name: 'r', EventPattern: '{"source":["x"]}' })),
    ).rejects.toMatchObject({
      name: 'UnknownOperationException',
      message: expect.stringContaining('filter'),
    });
  });
});
