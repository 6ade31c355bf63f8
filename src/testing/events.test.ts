/**
 * The `events` factories: typed as `aws-lambda` types the events, read back by `toCloudEvents` as their
 * source with the payload given; webhooks signed so that a handler's `verify` accepts them (and refuses
 * them once the body is changed); DynamoDB images marshalled as DynamoDB writes them.
 */
import type {
  APIGatewayProxyEventV2,
  DynamoDBStreamEvent,
  EventBridgeEvent,
  MSKEvent,
  S3Event,
  SelfManagedKafkaEvent,
  SQSEvent,
} from 'aws-lambda';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { defineHandler } from '../define-handler.js';
import type { WebhookProviderName } from '../sources/http/options.js';
import { toCloudEvents } from '../sources/index.js';
import { events } from './events.js';
import { invoke } from './index.js';

const order = { orderId: 'ord-1', total: 42.5 };
const dataOf = (raw: unknown) => toCloudEvents(raw).items.map((i) => i.event.data);

describe('events factories', () => {
  it('are typed as aws-lambda types the events', () => {
    expectTypeOf(events.sqs({ data: order })).toEqualTypeOf<SQSEvent>();
    expectTypeOf(events.s3({ bucket: 'b', key: 'k' })).toEqualTypeOf<S3Event>();
    expectTypeOf(events.dynamodb({ newImage: order })).toEqualTypeOf<DynamoDBStreamEvent>();
    expectTypeOf(events.http({ body: order })).toEqualTypeOf<APIGatewayProxyEventV2>();
    expectTypeOf(events.github({ secret: 's', payload: {} })).toEqualTypeOf<APIGatewayProxyEventV2>();
    expectTypeOf(
      events.eventBridge({ source: 'shop', detailType: 'Order Placed', detail: order }),
    ).toEqualTypeOf<EventBridgeEvent<'Order Placed', { orderId: string; total: number }>>();
    expectTypeOf(events.kafka({ data: order })).toEqualTypeOf<MSKEvent>();
    expectTypeOf(
      events.kafka({ data: order, cluster: 'self-managed' }),
    ).toEqualTypeOf<SelfManagedKafkaEvent>();
    expectTypeOf(events.chain('aws:s3/sns/sqs', { key: 'k' })).toEqualTypeOf<SQSEvent>();
    expectTypeOf(events.cloudEvent({ type: 't', source: '/s', data: order }).data).toEqualTypeOf<
      { orderId: string; total: number } | undefined
    >();
  });

  it('sqs: a body as is, data as JSON, attributes as the message attributes', () => {
    const raw = events.sqs({ body: 'plain', attributes: { tenant: 'acme', n: 2 }, queue: 'orders' });
    expect(raw.Records[0]?.body).toBe('plain');
    expect(raw.Records[0]?.messageAttributes.n).toMatchObject({ stringValue: '2', dataType: 'Number' });
    expect(raw.Records[0]?.eventSourceARN).toMatch(/:orders$/);
    const [item] = toCloudEvents(raw).items;
    expect(item?.event).toMatchObject({ data: 'plain', sqsattrtenant: 'acme' });
    expect(dataOf(events.sqs({ items: [order, { id: 2 }] }))).toEqual([order, { id: 2 }]);
  });

  it('s3: the key URL-encoded in the record, decoded in the event', () => {
    const raw = events.s3({
      bucket: 'photos',
      key: 'cats/tom 1.jpg',
      size: 10,
      eventName: 'ObjectRemoved:Delete',
    });
    expect(raw.Records[0]?.s3.object).toMatchObject({ key: 'cats/tom+1.jpg', size: 10 });
    expect(toCloudEvents(raw).items[0]?.event).toMatchObject({
      type: 'com.amazonaws.s3.ObjectRemoved:Delete',
      subject: 'cats/tom 1.jpg',
    });
  });

  it('dynamodb: images marshalled as DynamoDB writes them, MODIFY with both', () => {
    const oldImage = { id: 'o-1', total: 3, gift: false, tags: new Set(['a', 'b']), note: null };
    const newImage = { id: 'o-1', total: 4.5, lines: [{ sku: 'mug', qty: 2 }], blob: Buffer.from('hi') };
    const raw = events.dynamodb({ oldImage, newImage, table: 'orders' });
    const record = raw.Records[0];
    expect(record?.eventName).toBe('MODIFY');
    expect(record?.dynamodb?.Keys).toEqual({ id: { S: 'o-1' } });
    expect(record?.dynamodb?.OldImage).toEqual({
      id: { S: 'o-1' },
      total: { N: '3' },
      gift: { BOOL: false },
      tags: { SS: ['a', 'b'] },
      note: { NULL: true },
    });
    expect(record?.dynamodb?.NewImage).toEqual({
      id: { S: 'o-1' },
      total: { N: '4.5' },
      lines: { L: [{ M: { sku: { S: 'mug' }, qty: { N: '2' } } }] },
      blob: { B: 'aGk=' },
    });
    const [item] = toCloudEvents(
      events.dynamodb({ oldImage: order, newImage: { ...order, total: 50 } }),
    ).items;
    expect(item?.event.data).toMatchObject({ before: order, after: { ...order, total: 50 } });
    expect(events.dynamodb({ oldImage: order }).Records[0]?.eventName).toBe('REMOVE');
    expect(() => events.dynamodb({ eventName: 'INSERT', oldImage: order })).toThrow(
      /INSERT record needs newImage/,
    );
  });

  it('eventBridge and http: the detail and the body are the data', () => {
    const eb = events.eventBridge({ source: 'com.shop', detailType: 'Order Placed', detail: order });
    expect(toCloudEvents(eb).items[0]?.event).toMatchObject({
      type: 'Order Placed',
      source: 'com.shop',
      data: order,
    });
    const request = events.http({
      method: 'put',
      path: '/orders/1',
      body: order,
      headers: { 'X-Tenant': 'acme' },
      query: { a: ['1', '2'] },
    });
    expect(request).toMatchObject({
      routeKey: 'PUT /orders/1',
      rawQueryString: 'a=1&a=2',
      headers: { 'x-tenant': 'acme' },
    });
    expect(dataOf(request)).toEqual([order]);
    expect(dataOf(events.restApi({ body: 'text' }))).toEqual(['text']);
    expect(toCloudEvents(events.alb({ body: order })).source).toBe('aws:alb');
    expect(toCloudEvents(events.functionUrl({ body: order })).source).toBe('aws:lambda-url');
  });

  it('http with a route: the routeKey and pathParameters API Gateway sends for a templated route', () => {
    const v2 = events.http({ method: 'get', path: '/orders/42', route: '/orders/{id}' });
    expect(v2).toMatchObject({
      routeKey: 'GET /orders/{id}',
      rawPath: '/orders/42',
      pathParameters: { id: '42' },
      requestContext: { routeKey: 'GET /orders/{id}', http: { path: '/orders/42' } },
    });
    const v1 = events.restApi({ path: '/files/a/b.txt', route: '/files/{proxy+}' });
    expect(v1).toMatchObject({
      resource: '/files/{proxy+}',
      path: '/files/a/b.txt',
      pathParameters: { proxy: 'a/b.txt' },
      requestContext: { resourcePath: '/files/{proxy+}' },
    });
    expect(events.http({ path: '/health' })).not.toHaveProperty('pathParameters');
    expect(() => events.http({ path: '/users/1', route: '/orders/{id}' })).toThrow(
      'route /orders/{id} does not match path /users/1',
    );
  });

  it('alibaba, debezium, mq and chains read back as their source', () => {
    expect(toCloudEvents(events.oss({ bucket: 'b', key: '发票.pdf' })).items[0]?.event.subject).toContain(
      'b/发票.pdf',
    );
    expect(toCloudEvents(events.mns({ data: order })).source).toBe('alibaba:mns');
    expect(dataOf(events.rocketmq({ items: [order] }))).toEqual([order]);
    expect(toCloudEvents(events.alibabaEventBridge({ data: order })).source).toBe('alibaba:eventbridge');
    expect(toCloudEvents(events.sls({ project: 'p', logstore: 'l' })).source).toBe('alibaba:sls');
    expect(dataOf(events.debezium({ row: order, op: 'd' }))).toMatchObject([
      { before: order, after: null, op: 'd' },
    ]);
    expect(dataOf(events.mq({ data: order, broker: 'rabbitmq' }))).toEqual([order]);
    expect(toCloudEvents(events.chain('aws:eventbridge/sqs', { data: order })).items[0]?.event.awsvia).toBe(
      'sqs',
    );
    expect(toCloudEvents(events.s3EventBridge({ key: 'a.txt' })).items[0]?.event.type).toBe(
      'com.amazonaws.s3.ObjectCreated:Put',
    );
    expect(toCloudEvents(events.schedule({ rule: 'nightly' })).items[0]?.event).toMatchObject({
      type: 'Scheduled Event',
      source: 'aws.events',
    });
  });
});

/** One delivery per provider, as the sender would sign it, and the type the handler sees. */
const WEBHOOKS: [
  WebhookProviderName,
  string,
  (secret: string, payload: unknown) => APIGatewayProxyEventV2,
  unknown,
  string,
][] = [
  [
    'github',
    'gh-secret',
    (secret, payload) => events.github({ secret, event: 'issues', payload }),
    { action: 'opened', issue: { number: 7 } },
    'com.github.issues.opened',
  ],
  [
    'gitlab',
    'gl-token',
    (secret, payload) => events.gitlab({ secret, payload }),
    { object_kind: 'push', ref: 'refs/heads/main' },
    'com.gitlab.push',
  ],
  [
    'stripe',
    'whsec_test',
    (secret, payload) => events.stripe({ secret, payload }),
    { id: 'evt_1', type: 'invoice.paid', created: 1 },
    'com.stripe.invoice.paid',
  ],
  [
    'slack',
    'slack-signing',
    (secret, payload) => events.slack({ secret, payload }),
    { type: 'event_callback', event_id: 'Ev1', event: { type: 'app_mention' } },
    'com.slack.app_mention',
  ],
  [
    'shopify',
    'shpss_1',
    (secret, payload) => events.shopify({ secret, topic: 'orders/paid', payload }),
    { id: 1 },
    'com.shopify.orders.paid',
  ],
  [
    'standard-webhooks',
    `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`,
    (secret, payload) => events.standardWebhooks({ secret, payload }),
    { type: 'invoice.paid', data: {} },
    'invoice.paid',
  ],
];

describe('events webhooks, signed for real', () => {
  it.each(WEBHOOKS)(
    '%s: the handler verifying with the secret receives it',
    async (provider, secret, make, payload, type) => {
      const handler = defineHandler({
        name: `${provider}-hook`,
        sources: [{ type: 'http', path: `/webhooks/${provider}`, verify: { provider, secret } }],
        handle: (event) => event.type,
      });
      const result = await invoke(handler, make(secret, payload));
      expect(result.results).toEqual([type]);
      expect(result.delivered[0]?.data).toEqual(payload);
    },
  );

  it.each(WEBHOOKS)(
    '%s: a changed body or another secret is refused with 401',
    async (provider, secret, make, payload) => {
      const handler = defineHandler({
        name: `${provider}-hook`,
        sources: [{ type: 'http', path: `/webhooks/${provider}`, verify: { provider, secret } }],
        handle: () => 'ran',
      });
      const tampered = {
        ...make(secret, payload),
        body: JSON.stringify({ ...(payload as object), extra: 1 }),
      };
      // A whsec_ secret is base64: a suffix after its padding would decode to the same key.
      const otherSecret = secret.startsWith('whsec_')
        ? `whsec_${Buffer.from('another key').toString('base64')}`
        : `${secret}-other`;
      const other = make(otherSecret, payload);
      for (const raw of provider === 'gitlab' ? [other] : [tampered, other]) {
        const result = await invoke(handler, raw);
        expect(result.results).toEqual([]);
        expect(result.response).toMatchObject({ statusCode: 401 });
      }
    },
  );
});
