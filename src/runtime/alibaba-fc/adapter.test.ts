/** The same defineHandler module as an FC event handler: Buffer events, FC's context, FC's answers. */
import { describe, expect, it } from 'vitest';
import { FC_EVENTS, fcEventBytes } from '../../../test/support/fc-events.js';
import { fixture } from '../../../test/support/fixtures.js';
import { type CloudEvent, cloudEventProblems } from '../../cloud-event.js';
import { defineHandler } from '../../define-handler.js';
import type { HandlerContext } from '../../definition.js';
import { NonRetryableError } from '../../errors.js';
import { toCloudEvents } from '../../sources/index.js';
import { createLocalContext } from '../aws-lambda/context.js';
import { createLocalFcContext, isFcContext } from './context.js';
import { decodeFcEvent } from './decode.js';

const fc = createLocalFcContext({
  functionName: 'orders-fc',
  requestId: 'c2f5a0e1-4c3b-4d9e-8a10-000000000001',
});
type Call = (event: unknown, context: unknown, callback?: unknown) => Promise<unknown> | undefined;

function recorder() {
  const seen: { event: CloudEvent; ctx: HandlerContext }[] = [];
  const handler = defineHandler({
    name: 'fc-recorder',
    async handle(event, ctx) {
      seen.push({ event, ctx });
    },
  });
  return { seen, call: handler as unknown as Call };
}

describe('FC event handler: every trigger, Buffer-wrapped', () => {
  it.each(FC_EVENTS.map((e) => [`${e.trigger}: ${e.path}`, e] as const))(
    '%s normalizes to valid CloudEvents through the FC adapter',
    async (_, recorded) => {
      const { seen, call } = recorder();
      const answer = await call(fcEventBytes(recorded), fc);
      const expected = toCloudEvents(fixture(recorded.path)).items.map((i) => i.event);
      expect(seen.map((s) => s.event)).toEqual(expected);
      expect(seen.length).toBeGreaterThan(0);
      for (const { event, ctx } of seen) {
        expect(cloudEventProblems(event)).toEqual([]);
        expect(ctx.transport).toBe(recorded.kind);
        expect(ctx.fc).toBe(fc);
        expect(ctx.lambda).toMatchObject({ functionName: 'orders-fc', awsRequestId: fc.requestId });
      }
      if (recorded.kind === 'alibaba:fc-http') expect(answer).toMatchObject({ statusCode: 200 });
    },
  );

  it('reads the Tablestore trigger from the CBOR bytes FC delivers, exactly as its JSON form', () => {
    const recorded = FC_EVENTS.find((e) => e.encoding === 'cbor');
    if (recorded === undefined) throw new Error('no CBOR event');
    const bytes = decodeFcEvent(fcEventBytes(recorded));
    expect(Buffer.isBuffer(bytes)).toBe(true);
    expect(toCloudEvents(bytes)).toEqual(toCloudEvents(fixture(recorded.path)));
    expect(() => toCloudEvents(Buffer.from([0xa1, 0x61]))).toThrow(/not valid CBOR at byte 2/);
  });

  it('refuses an empty event and broken JSON with a message naming the fix', async () => {
    const { call } = recorder();
    await expect(call(Buffer.alloc(0), fc)).rejects.toThrow(/FC event is empty/);
    await expect(call(Buffer.from('{"triggerName":'), fc)).rejects.toThrow(/does not parse/);
    await expect(call(Buffer.from('hello'), fc)).rejects.toMatchObject({ code: 'E_SOURCE_UNKNOWN' });
  });
});

describe('FC calling convention', () => {
  it('is told by the context: FC has requestId, function and credentials; Lambda has awsRequestId', () => {
    expect(isFcContext(fc)).toBe(true);
    expect(isFcContext(createLocalContext({ functionName: 'f', requestId: 'r' }))).toBe(false);
    expect(isFcContext({ ...fc, awsRequestId: 'r' })).toBe(false);
    expect(isFcContext({ requestId: 'r' })).toBe(false);
  });

  it('answers through the callback when FC passes one, and returns nothing then', async () => {
    const { call } = recorder();
    const answered = new Promise<unknown[]>((resolve) => {
      const returned = call(fcEventBytes(FC_EVENTS[0] as never), fc, (...args: unknown[]) => resolve(args));
      expect(returned).toBeUndefined();
    });
    const [error, response] = await answered;
    expect(error).toBeNull();
    expect(response).toMatchObject({ statusCode: 200, isBase64Encoded: false });
  });

  it('a failing asynchronous trigger fails the invocation (promise and callback), so FC retries it', async () => {
    const failing = defineHandler({
      name: 'fails',
      async handle() {
        throw new Error('downstream unavailable');
      },
    }) as unknown as Call;
    const timer = Buffer.from(JSON.stringify(fixture('fc/timer.json')));
    await expect(failing(timer, fc)).rejects.toThrow('downstream unavailable');
    const error = await new Promise((resolve) => failing(timer, fc, resolve));
    expect(error).toMatchObject({ message: 'downstream unavailable' });
  });

  it('a Lambda context keeps the promise even when a callback is passed', async () => {
    const { call } = recorder();
    const lambda = createLocalContext({ functionName: 'f', requestId: 'r' });
    const returned = call(fixture('sqs/orders-batch.json'), lambda, () => {});
    expect(returned).toBeInstanceOf(Promise);
    await returned;
  });
});

describe('FC HTTP trigger answers (as API Gateway does)', () => {
  const request = (body: unknown) => {
    const raw = fixture('fc/http-post-json.json');
    return Buffer.from(JSON.stringify({ ...raw, body: JSON.stringify(body) }));
  };
  const http = defineHandler({
    name: 'fc-http',
    sources: [{ type: 'http', path: '/webhooks/shop' }],
    filter: { data: { kind: ['order'] } },
    schema: {
      type: 'object',
      properties: { kind: { type: 'string' }, total: { type: 'number' } },
      required: ['total'],
    },
    async handle(event) {
      if (event.data.total < 0) throw new NonRetryableError('a negative total');
      if (event.data.total === 0) throw new Error('stock service down');
      return { accepted: event.data.total };
    },
  }) as unknown as Call;

  it.each([
    ['delivered: 200 with the handler result', { kind: 'order', total: 5 }, 200, { accepted: 5 }],
    ['filtered: 202', { kind: 'refund', total: 5 }, 202, undefined],
    ['invalid data: 422', { kind: 'order', total: 'five' }, 422, undefined],
    ['non-retryable handler error: 422', { kind: 'order', total: -1 }, 422, undefined],
    ['retryable handler error: 500', { kind: 'order', total: 0 }, 500, undefined],
  ])('%s', async (_, body, status, result) => {
    const answer = (await http(request(body), fc)) as Record<string, unknown>;
    expect(answer).toMatchObject({ statusCode: status, isBase64Encoded: false });
    expect(answer.headers).toEqual({ 'content-type': 'application/json' });
    if (result !== undefined) expect(JSON.parse(String(answer.body))).toEqual(result);
  });

  it('a malformed request is the caller mistake: 400 naming the problem, never a crashed function', async () => {
    const raw = fixture('fc/http-post-json.json');
    const bad = Buffer.from(JSON.stringify({ ...raw, body: '%%%', isBase64Encoded: true }));
    const answer = (await http(bad, fc)) as Record<string, unknown>;
    expect(answer).toMatchObject({ statusCode: 400, isBase64Encoded: false });
    expect(String(answer.body)).toMatch(/not base64/);
  });

  it('an undeclared path is refused as in Lambda (4xx), the handler never runs', async () => {
    const raw = fixture('fc/http-post-json.json');
    const other = Buffer.from(JSON.stringify({ ...raw, rawPath: '/elsewhere' }));
    const answer = (await http(other, fc)) as { statusCode: number };
    expect(answer.statusCode).toBeGreaterThanOrEqual(400);
    expect(answer.statusCode).toBeLessThan(500);
  });
});
