/**
 * Function Compute's InvokeFunction against the emulator: every recorded FC event, sent as the bytes FC
 * hands a handler, gets the answer the same handler gives when called in process as FC calls it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FC_EVENTS, fcEventBytes } from '../../test/support/fc-events.js';
import { defineHandler } from '../define-handler.js';
import { createLocalFcContext } from '../runtime/alibaba-fc/context.js';
import { createEmulator, type Emulator } from './emulator.js';

const open: Emulator[] = [];
afterEach(async () => {
  for (const emulator of open.splice(0)) await emulator.close();
});

const handler = defineHandler({
  name: 'fc-all-triggers',
  sources: [
    { type: 'http', path: '/webhooks/shop' },
    { type: 'alibaba:timer' },
    { type: 'alibaba:tablestore' },
    { type: 'alibaba:cdn' },
    { type: 'alibaba:oss' },
    { type: 'alibaba:sls' },
    { type: 'alibaba:mns' },
    { type: 'alibaba:eventbridge' },
    { type: 'rocketmq' },
  ],
  async handle(event, ctx) {
    if (event.type === 'com.example.fail') throw new Error('cannot take it');
    return { id: event.id, type: event.type, function: ctx.fc?.function.name };
  },
});

async function setup() {
  const emulator = createEmulator({
    functions: [{ name: 'shop', handler }],
    log: () => {},
    onTrace: () => {},
  });
  open.push(emulator);
  const url = await emulator.listen();
  const invoke = (name: string, body: Buffer | string, headers: Record<string, string> = {}) =>
    fetch(`${url}/2023-03-30/functions/${name}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', ...headers },
      body,
    });
  return { emulator, invoke };
}

describe("Function Compute's InvokeFunction", () => {
  it('answers every recorded FC event as the handler called in process as FC does', async () => {
    const { invoke } = await setup();
    for (const recorded of FC_EVENTS) {
      const bytes = fcEventBytes(recorded);
      const response = await invoke('shop', bytes);
      expect(response.status, recorded.path).toBe(200);
      expect(response.headers.get('x-fc-error-type'), recorded.path).toBeNull();
      expect(response.headers.get('x-fc-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      const local = await handler(
        bytes,
        createLocalFcContext({ functionName: 'shop', requestId: 'local' }) as never,
      );
      expect(JSON.parse(await response.text()), recorded.path).toEqual(JSON.parse(JSON.stringify(local)));
    }
  });

  it('names an unhandled error, queues Async calls, and refuses an unknown function', async () => {
    const { invoke } = await setup();
    const failing = JSON.stringify({
      specversion: '1.0',
      id: 'f-1',
      source: 'acs.custom',
      type: 'com.example.fail',
      aliyunaccountid: '1',
      aliyunregionid: 'cn-hangzhou',
      aliyuneventbusname: 'default',
      data: {},
    });
    const failed = await invoke('shop', failing);
    expect(failed.status).toBe(200);
    expect(failed.headers.get('x-fc-error-type')).toBe('UnhandledInvocationError');
    expect(await failed.json()).toMatchObject({
      errorType: 'Error',
      errorMessage: expect.stringContaining('cannot take it'),
    });

    const queued = await invoke('shop', fcEventBytes(FC_EVENTS[1] as (typeof FC_EVENTS)[number]), {
      'x-fc-invocation-type': 'Async',
    });
    expect(queued.status).toBe(202);

    const unknown = await invoke('shoop', '{}');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({
      Code: 'FunctionNotFound',
      Message: expect.stringContaining("function 'shoop' does not exist"),
    });
  });
});
