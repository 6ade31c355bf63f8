/**
 * One function, two names — its key (serverless.yml, the file) and its handler's `name` — both accepted
 * wherever the emulator takes a function's name, and both shown by `GET /`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fixture } from '../../test/support/fixtures.js';
import { createCloudEvent } from '../cloud-event.js';
import { defineHandler } from '../define-handler.js';
import { manualClock } from './clock.js';
import { createEmulator, type Emulator } from './emulator.js';
import { bothNames, functionsNamed, resolveFunction } from './function-names.js';

const open: Emulator[] = [];
afterEach(async () => {
  for (const emulator of open.splice(0)) await emulator.close();
});

const orders = {
  name: 'ordersQueue',
  handler: defineHandler({
    name: 'orders-queue',
    sources: [{ type: 'aws:sqs', queue: 'shop-orders' }],
    handle: () => {
      throw new Error('db down');
    },
  }),
};
const audit = { name: 'audit', handler: defineHandler({ handle: () => {} }) };
// The same handler deployed twice under two keys: its name alone is ambiguous.
const shared = defineHandler({ name: 'mirror', handle: () => {} });
const functions = [
  orders,
  audit,
  { name: 'mirrorEu', handler: shared },
  { name: 'mirrorUs', handler: shared },
];

async function start() {
  const clock = manualClock();
  const emulator = createEmulator({ functions, clock, log: () => {}, onTrace: () => {} });
  open.push(emulator);
  const url = await emulator.listen(0);
  const idle = () => emulator.runUntilIdle((at) => clock.set(at));
  return { emulator, url, idle };
}

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const json = async (response: Response | Promise<Response>) => (await (await response).json()) as never;

describe('function names', () => {
  it('resolves a key first, then a handler name, and refuses a handler name two functions share', () => {
    expect(bothNames(orders)).toBe('ordersQueue (orders-queue)');
    expect(bothNames(audit)).toBe('audit');
    expect(resolveFunction(functions, 'orders-queue')?.name).toBe('ordersQueue');
    expect(resolveFunction(functions, 'ordersQueue')?.name).toBe('ordersQueue');
    expect(resolveFunction(functions, 'nobody')).toBeUndefined();
    expect(functionsNamed(functions, 'mirror').map((fn) => fn.name)).toEqual(['mirrorEu', 'mirrorUs']);
    expect(() => resolveFunction(functions, 'mirror')).toThrow(
      '"mirror" is the handler name of mirrorEu, mirrorUs; name one of them by its key.',
    );
  });

  it('invokes by either name through the Invoke API, and stores the invocation like a bus event', async () => {
    const { url } = await start();
    const batch = fixture<{ Records: { messageId: string }[] }>('sqs/orders-batch.json');
    for (const name of ['ordersQueue', 'orders-queue']) {
      const answer = await post(`${url}/2015-03-31/functions/${name}/invocations`, batch);
      expect(answer.status).toBe(200);
      expect(((await answer.json()) as { batchItemFailures: unknown[] }).batchItemFailures).toHaveLength(
        batch.Records.length,
      );
    }
    const ambiguous = await post(`${url}/2015-03-31/functions/mirror/invocations`, {});
    expect(ambiguous.status).toBe(400);
    expect(ambiguous.headers.get('x-amzn-errortype')).toBe('InvalidParameterValueException');
    const [first] = batch.Records;
    const story = (await json(fetch(`${url}/events/${first?.messageId}`))) as {
      deliveries: { handler: string; status: string }[];
    };
    expect(story.deliveries).toEqual([
      { handler: 'ordersQueue', status: 'failed', attempts: 1, nextAt: null },
      { handler: 'ordersQueue', status: 'failed', attempts: 1, nextAt: null },
    ]);
  });

  it('lists events and dead letters by either name, and replays to a function named by its handler', async () => {
    const { emulator, url, idle } = await start();
    await post(`${url}/sources/aws:sqs`, { items: [{ n: 1 }] });
    emulator.publish(createCloudEvent({ id: 'a-1', source: '/t', type: 'audit.entry' }));
    await idle();
    const listed = async (query: string) =>
      (
        (await json(fetch(`${url}/events?${query}`))) as { id: string; deliveries: { handler: string }[] }[]
      ).map((e) => e.deliveries.map((d) => d.handler).join());
    expect(await listed('handler=ordersQueue')).toEqual(['ordersQueue']);
    expect(await listed('handler=orders-queue')).toEqual(['ordersQueue']);
    expect(await listed('limit=1')).toEqual(['audit,mirrorEu,mirrorUs']);
    expect((await fetch(`${url}/events?limit=0`)).status).toBe(400);
    const letters = async (handler: string) =>
      ((await json(fetch(`${url}/dead-letters?handler=${handler}`))) as { handler: string }[]).map(
        (l) => l.handler,
      );
    expect(await letters('ordersQueue')).toEqual(['ordersQueue']);
    expect(await letters('orders-queue')).toEqual(['ordersQueue']);
    expect(await letters('audit')).toEqual([]);
    const replay = await post(`${url}/replay?from=2000-01-01T00:00:00Z&handler=mirror`, {});
    expect(replay.status).toBe(400);
    const replayed = await post(`${url}/replay?from=2000-01-01T00:00:00Z&handler=audit`, {});
    expect(replayed.status).toBe(202);
    await idle();
    expect(await listed('handler=mirrorEu')).toEqual(['audit,mirrorEu,mirrorUs']);
    expect((await listed('handler=audit'))[0]).toBe('audit');
  });

  it('shows both names on GET /, and takes either for send --to', async () => {
    const { url } = await start();
    const described = (await json(fetch(`${url}/`))) as { functions: { name: string; handler: string }[] };
    expect(described.functions[0]).toMatchObject({ name: 'ordersQueue', handler: 'orders-queue' });
    const sent = await post(`${url}/sources/aws:sqs`, { items: [{ n: 1 }], to: 'orders-queue' });
    expect(((await sent.json()) as { reached: { function: string }[] }).reached).toEqual([
      expect.objectContaining({ function: 'ordersQueue' }),
    ]);
  });
});
