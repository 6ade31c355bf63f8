/** The emulator's Invoke API as the real AWS SDK (`@aws-sdk/client-lambda`) calls it. */
import { readFile } from 'node:fs/promises';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { defineHandler } from '../define-handler.js';
import { createEmulator, type Emulator } from './emulator.js';

const fixture = new URL('../../test/fixtures/events/sqs/cloudevent-body.json', import.meta.url);
const open: { emulator: Emulator; lambda: LambdaClient }[] = [];
afterEach(async () => {
  for (const { emulator, lambda } of open.splice(0)) {
    lambda.destroy();
    await emulator.close();
  }
});

async function setup() {
  let release: () => void = () => {};
  const gate = { wait: Promise.resolve() };
  const handled: string[] = [];
  const handler = defineHandler({
    name: 'orders',
    handle: async (event) => {
      console.log('handling order', event.id);
      await gate.wait;
      handled.push(event.id);
      return { ok: event.id };
    },
  });
  const emulator = createEmulator({
    functions: [{ name: 'orders', handler }],
    log: () => {},
    onTrace: () => {},
  });
  const url = await emulator.listen();
  const lambda = new LambdaClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  open.push({ emulator, lambda });
  const hold = () => {
    gate.wait = new Promise<void>((resolve) => {
      release = resolve;
    });
    return () => release();
  };
  return { url, lambda, handled, hold, payload: await readFile(fixture) };
}

const decode = (bytes: Uint8Array | undefined) => JSON.parse(Buffer.from(bytes ?? []).toString('utf8'));

describe('the Invoke API', () => {
  it('takes names, ARNs and partial ARNs, with a qualifier', async () => {
    const { lambda, handled, payload } = await setup();
    for (const [FunctionName, Qualifier, version] of [
      ['orders', undefined, '$LATEST'],
      ['arn:aws:lambda:us-east-1:123456789012:function:orders', undefined, '$LATEST'],
      ['123456789012:function:orders', undefined, '$LATEST'],
      ['arn:aws:lambda:eu-west-1:123456789012:function:orders:prod', undefined, '$LATEST'],
      ['orders:3', undefined, '3'],
      ['orders', '$LATEST', '$LATEST'],
    ] as const) {
      const answer = await lambda.send(new InvokeCommand({ FunctionName, Qualifier, Payload: payload }));
      expect([FunctionName, answer.StatusCode, answer.ExecutedVersion]).toEqual([FunctionName, 200, version]);
      expect(decode(answer.Payload)).toEqual({ batchItemFailures: [] });
    }
    expect(handled).toHaveLength(6);
  });

  it('answers errors as AWS does, with x-amzn-ErrorType', async () => {
    const { url, lambda, handled, payload } = await setup();
    const failure = (input: ConstructorParameters<typeof InvokeCommand>[0]) =>
      lambda.send(new InvokeCommand(input)).then(
        () => undefined,
        (error: { name: string; $metadata: { httpStatusCode?: number }; message: string }) => error,
      );
    expect(await failure({ FunctionName: 'nope', Payload: payload })).toMatchObject({
      name: 'ResourceNotFoundException',
      $metadata: { httpStatusCode: 404 },
      message: expect.stringContaining(
        'Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope',
      ),
    });
    expect(await failure({ FunctionName: 'orders', Payload: Buffer.from('{not json') })).toMatchObject({
      name: 'InvalidRequestContentException',
      $metadata: { httpStatusCode: 400 },
    });
    expect(await failure({ FunctionName: 'orders:1', Qualifier: '2', Payload: payload })).toMatchObject({
      name: 'InvalidParameterValueException',
    });
    expect(handled).toEqual([]);
    const raw = await fetch(`${url}/2015-03-31/functions/nope/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(raw.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
  });

  it('reports a function error as Unhandled, with the error in the payload', async () => {
    const { lambda } = await setup();
    const answer = await lambda.send(
      new InvokeCommand({ FunctionName: 'orders', Payload: Buffer.from('{"hello":"world"}') }),
    );
    expect(answer.StatusCode).toBe(200);
    expect(answer.FunctionError).toBe('Unhandled');
    expect(decode(answer.Payload)).toMatchObject({
      errorType: 'TriggerError',
      errorMessage: expect.any(String),
    });
  });

  it('runs nothing for DryRun (204)', async () => {
    const { lambda, handled, payload } = await setup();
    const answer = await lambda.send(
      new InvokeCommand({ FunctionName: 'orders', InvocationType: 'DryRun', Payload: payload }),
    );
    expect(answer.StatusCode).toBe(204);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(handled).toEqual([]);
  });

  it('answers Event with 202 at once and runs the function in the background', async () => {
    const { lambda, handled, hold, payload } = await setup();
    const release = hold();
    const answer = await lambda.send(
      new InvokeCommand({ FunctionName: 'orders', InvocationType: 'Event', Payload: payload }),
    );
    expect(answer.StatusCode).toBe(202);
    expect(handled).toEqual([]);
    release();
    for (let i = 0; i < 100 && handled.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(handled).toEqual(['b7e1c1d2-3f4a-4b5c-8d6e-7f8091a2b3c4']);
  });

  it('returns the tail of the log for --log-type Tail', async () => {
    const { lambda, payload } = await setup();
    const answer = await lambda.send(
      new InvokeCommand({ FunctionName: 'orders', LogType: 'Tail', Payload: payload }),
    );
    const log = Buffer.from(answer.LogResult ?? '', 'base64').toString('utf8');
    expect(log).toMatch(/^START RequestId: [\w-]+ Version: \$LATEST\n/);
    expect(log).toMatch(/\tINFO\thandling order b7e1c1d2-3f4a-4b5c-8d6e-7f8091a2b3c4\n/);
    expect(log).toMatch(/\nEND RequestId: [\w-]+\nREPORT RequestId: [\w-]+\tDuration: [\d.]+ ms/);
    const plain = await lambda.send(new InvokeCommand({ FunctionName: 'orders', Payload: payload }));
    expect(plain.LogResult).toBeUndefined();
  });
});
