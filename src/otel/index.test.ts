import { AsyncLocalStorage } from 'node:async_hooks';
import {
  type Context,
  type ContextManager,
  context,
  ROOT_CONTEXT,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../../test/support/fixtures.js';
import { createCloudEvent } from '../cloud-event.js';
import { defineHandler } from '../define-handler.js';
import { virtualRuntime } from '../delivery/attempts.js';
import { createLocalContext } from '../runtime/aws-lambda/context.js';
import { openTelemetry } from './index.js';

/** What the user's SDK registers in Node.js (`AsyncLocalStorageContextManager`), in a few lines. */
class LocalContextManager implements ContextManager {
  readonly #storage = new AsyncLocalStorage<Context>();
  active = () => this.#storage.getStore() ?? ROOT_CONTEXT;
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    self?: ThisParameterType<F>,
    ...args: A
  ) {
    return this.#storage.run(ctx, () => fn.apply(self, args));
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable = () => this;
  disable = () => this;
}

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer = provider.getTracer('orders-test');
const XRAY = 'Root=1-6569f2a1-15a8c0b42e1b7f3c9d0a1b2c;Parent=1a2b3c4d5e6f7081;Sampled=1';

beforeAll(() => {
  context.setGlobalContextManager(new LocalContextManager());
  process.env._X_AMZN_TRACE_ID = XRAY;
});
afterAll(() => {
  context.disable();
  delete process.env._X_AMZN_TRACE_ID;
});
afterEach(() => exporter.reset());

const lambda = (hooks?: Parameters<typeof createLocalContext>[0]['hooks']) =>
  createLocalContext({ functionName: 'orders-fn', requestId: 'req-9', ...(hooks && { hooks }) });

describe('openTelemetry()', () => {
  it("makes a span per event, parented on the traceparent its source derived, else on the invocation's X-Ray trace", async () => {
    let calls = 0;
    const children: string[] = [];
    const handler = defineHandler({
      name: 'orders',
      sources: [{ type: 'aws:sqs' }],
      tracing: openTelemetry({ tracer }),
      handle: async () => {
        // The handler's own spans are children of the event's.
        tracer.startActiveSpan('db.insert', (span) => {
          children.push(span.spanContext().spanId);
          span.end();
        });
        if (++calls === 2) throw new Error('db down');
      },
    });
    await handler(fixture('sqs/trace-and-attributes.json'), lambda());
    const spans = exporter.getFinishedSpans();
    const events = spans.filter((s) => s.name.startsWith('CloudEvents Process'));
    expect(events).toHaveLength(2);
    const [first, second] = events;
    expect(first?.spanContext().traceId).toBe('5759e988bd862e3fe1be46a994272793');
    expect(first?.parentSpanContext).toMatchObject({ spanId: '53995c3f42cd8ad8', isRemote: true });
    expect(first?.kind).toBe(4); // CONSUMER
    expect(first?.attributes).toMatchObject({
      'cloudevents.event_id': '5c1d2e3f-0009-4a5b-8c6d-7e8f9a0b1c2d',
      'cloudevents.event_type': first?.name.replace('CloudEvents Process ', ''),
      'cloudevents.event_spec_version': '1.0',
      'messaging.system': 'aws_sqs',
      'messaging.operation.type': 'process',
      'messaging.message.id': '5c1d2e3f-0009-4a5b-8c6d-7e8f9a0b1c2d',
      'faas.invocation_id': 'req-9',
      'triggerkit.handler': 'orders',
      'triggerkit.attempt': 1,
      'triggerkit.outcome': 'delivered',
    });
    expect(typeof first?.attributes['cloudevents.event_source']).toBe('string');
    expect(first?.status.code).toBe(SpanStatusCode.UNSET);
    // No Parent in the second record's header: the invocation's trace is continued.
    expect(second?.spanContext().traceId).toBe('6569f2a115a8c0b42e1b7f3c9d0a1b2c');
    expect(second?.parentSpanContext?.spanId).toBe('1a2b3c4d5e6f7081');
    expect(second?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'db down' });
    expect(second?.attributes).toMatchObject({
      'triggerkit.outcome': 'failed',
      'triggerkit.stage': 'handler',
      'error.type': 'Error',
    });
    expect(second?.events.map((e) => e.name)).toEqual(['exception']);
    const db = spans.filter((s) => s.name === 'db.insert');
    expect(db.map((s) => s.parentSpanContext?.spanId)).toEqual(events.map((s) => s.spanContext().spanId));
    expect(children).toHaveLength(2);
  });

  it('makes one span per attempt, and links the span that was active', async () => {
    const handler = defineHandler({
      name: 'flaky',
      retry: { maxAttempts: 3, backoff: { type: 'fixed', initialDelay: '1s' } },
      tracing: openTelemetry({ tracer }),
      handle: (_event, ctx) => {
        if (ctx.attempt < 3) throw new Error('timeout');
      },
    });
    const event = createCloudEvent({
      id: 'ord-7',
      source: '/shop',
      type: 'com.shop.order.created',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    const invocation = tracer.startSpan('orders-fn invoke');
    await context.with(trace.setSpan(context.active(), invocation), () =>
      handler(event, lambda({ attempts: () => virtualRuntime(0), now: () => 0 })),
    );
    invocation.end();
    const attempts = exporter
      .getFinishedSpans()
      .filter((s) => s.name === 'CloudEvents Process com.shop.order.created');
    expect(
      attempts.map((s) => [s.attributes['triggerkit.attempt'], s.attributes['triggerkit.outcome']]),
    ).toEqual([
      [1, 'failed'],
      [2, 'failed'],
      [3, 'delivered'],
    ]);
    for (const span of attempts) {
      expect(span.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
      expect(span.links.map((l) => l.context.spanId)).toEqual([invocation.spanContext().spanId]);
    }
  });

  it('is refused when tracing is not a tracer', () => {
    expect(() => defineHandler({ tracing: {} as never, handle: () => 1 })).toThrow(
      /`tracing` must be an event tracer such as openTelemetry\(\) from 'triggerkit\/otel'/,
    );
  });
});
