import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import type { DefinitionFacts } from '../../build/standalone.js';
import { alibabaRulePattern } from './eventbridge.js';
import { streamRunOptions } from './retry.js';
import { fcFunctionName, serverlessDevsProject } from './s-yaml.js';
import { ACCOUNT, REGION } from './vars.js';

/** The fc3 component's own props schema, validated the way the component validates before a deploy. */
const schema = JSON.parse(
  readFileSync(new URL('../../../test/fixtures/fc3/props.schema.json', import.meta.url), 'utf8'),
) as { definitions: Record<string, object> };
const ajv = new Ajv({ allErrors: true, strictSchema: true, validateSchema: true });
const validateProps = ajv.compile(schema);
/** `triggerConfig` is an `anyOf` that takes any object; each trigger type's own definition is checked too. */
const CONFIG_OF: Record<string, string> = {
  http: 'IHttpTriggerConfig',
  oss: 'IOssTriggerConfig',
  log: 'ILogTriggerConfig',
  eventbridge: 'IEventBridge',
  mns_topic: 'IMnsTriggerConfig',
  timer: 'ITimerTriggerConfig',
  cdn_events: 'ICdnTriggerConfig',
  tablestore: 'IOtsConfig',
};
const configValidator = (type: string) =>
  ajv.compile({ definitions: schema.definitions, $ref: `#/definitions/${CONFIG_OF[type]}` });

/** What `s deploy` substitutes before the component sees the props. */
const resolved = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value).replaceAll(REGION, 'cn-hangzhou').replaceAll(ACCOUNT, '1234567890123456'));

const facts = (over: Partial<DefinitionFacts>): DefinitionFacts => ({
  sources: [],
  idempotency: false,
  ...over,
});

const thumbnails = facts({
  name: 'thumbnails',
  sources: [
    { type: 'alibaba:oss', bucket: 'uploads', prefix: 'images/', suffix: '.jpg' },
    { type: 'http', path: '/thumbnails', method: 'POST' },
    { type: 'http', path: '/thumbnails/{id}', method: ['GET', 'DELETE'] },
    { type: 'alibaba:eventbridge' },
  ],
  filter: { source: ['acs.oss'], type: [{ prefix: 'oss:ObjectCreated' }] },
  filterDialect: 'alibaba',
  retry: 'alibaba-exponential-decay',
  deadLetter: { queue: 'thumbnails-failed' },
});
/** An event stream from ApsaraMQ for RocketMQ and one from an MNS queue, with the stream settings under test. */
const ROCKETMQ = {
  type: 'alibaba:eventbridge',
  stream: 'rocketmq',
  instance: 'MQ_INST_1',
  topic: 'orders',
  group: 'GID_o',
};
const MNS_QUEUE = { type: 'alibaba:eventbridge', stream: 'mns', queue: 'orders-queue' };
const streaming = (sources: DefinitionFacts['sources']) =>
  facts({
    sources,
    filter: { type: ['order.created'] },
    filterDialect: 'alibaba',
    retry: 'alibaba-backoff',
    onError: 'block',
  });
const logs = facts({
  sources: [{ type: 'alibaba:sls', project: 'shop', logstore: 'access', triggerInterval: 30 }],
  retry: { maxAttempts: 5 },
});

describe('serverlessDevsProject', () => {
  const { document, byHand, deadLetterQueues } = serverlessDevsProject(
    [
      { key: 'thumbnails', definition: thumbnails, code: './thumbnails', handler: 'index.handler' },
      {
        key: 'accessLog',
        definition: logs,
        code: './accessLog',
        handler: 'index.handler',
        timeoutSeconds: 30,
      },
      {
        key: 'housekeeping',
        definition: facts({
          sources: [
            {
              type: 'alibaba:timer',
              cronExpression: '@every 5m',
              triggerName: 'every-5m',
              payload: { scope: 'all' },
            },
            { type: 'alibaba:tablestore', instance: 'shop', table: 'orders' },
            { type: 'alibaba:cdn', domain: 'cdn.example.com' },
            { type: 'alibaba:mns', topic: 'order-events' },
          ],
        }),
        code: './housekeeping',
        handler: 'index.handler',
      },
      {
        key: 'onBus',
        definition: facts({ filter: { type: ['order.created'] } }),
        code: '.',
        handler: 'on-bus.handler',
      },
      {
        key: 'streams',
        definition: streaming([
          ROCKETMQ,
          {
            type: 'alibaba:eventbridge',
            stream: 'kafka',
            instance: 'alikafka_1',
            topic: 'clicks',
            group: 'fc',
          },
          MNS_QUEUE,
        ]),
        code: './streams',
        handler: 'index.handler',
      },
      {
        key: 'orders',
        definition: facts({
          sources: [
            { type: 'rocketmq' },
            { type: 'aws:sqs', queue: 'orders' },
            { type: 'alibaba:eventbridge', stream: 'kafka', topic: 'clicks' },
          ],
        }),
        code: './orders',
        handler: 'index.handler',
      },
    ],
    { name: 'shop', region: 'cn-shanghai' },
  );
  const resources = document.resources as Record<
    string,
    { component: string; props: Record<string, unknown> }
  >;

  it('writes a Serverless Devs 3.0 project of fc3 resources whose props the component accepts', () => {
    expect(document).toMatchObject({ edition: '3.0.0', name: 'shop', vars: { region: 'cn-shanghai' } });
    for (const [key, resource] of Object.entries(resources)) {
      expect(resource.component).toBe('fc3');
      const props = resolved(resource.props) as Record<string, unknown>;
      expect(validateProps(props), `${key}: ${JSON.stringify(validateProps.errors)}`).toBe(true);
      for (const trigger of (props.triggers ?? []) as { triggerType: string; triggerConfig: unknown }[]) {
        const validate = configValidator(trigger.triggerType);
        expect(
          validate(trigger.triggerConfig),
          `${key} ${trigger.triggerType}: ${JSON.stringify(validate.errors)}`,
        ).toBe(true);
      }
    }
  });

  it('maps each source to its trigger, and one HTTP trigger with every method', () => {
    const props = resources.thumbnails?.props ?? {};
    expect(props).toMatchObject({
      functionName: 'shop-thumbnails',
      runtime: 'nodejs20',
      handler: 'index.handler',
    });
    const triggers = props.triggers as { triggerType: string; triggerConfig: Record<string, unknown> }[];
    expect(triggers.map((t) => t.triggerType)).toEqual(['http', 'oss', 'eventbridge']);
    expect(triggers[0]?.triggerConfig.methods).toEqual(['POST', 'GET', 'DELETE']);
    expect(triggers[1]).toMatchObject({
      sourceArn: `acs:oss:${REGION}:${ACCOUNT}:uploads`,
      triggerConfig: {
        events: ['oss:ObjectCreated:*'],
        filter: { key: { prefix: 'images/', suffix: '.jpg' } },
      },
    });
    // The alibaba-dialect filter is the rule's pattern as written.
    expect(JSON.parse(triggers[2]?.triggerConfig.eventRuleFilterPattern as string)).toEqual(
      thumbnails.filter,
    );
    expect(resources.accessLog?.props.triggers).toMatchObject([
      {
        triggerType: 'log',
        triggerConfig: {
          sourceConfig: { logstore: 'access' },
          jobConfig: { triggerInterval: '30', maxRetryTime: '4' },
        },
      },
    ]);
  });

  it('turns retry and deadLetter into the async invocation config, within what FC allows', () => {
    // alibaba-exponential-decay asks for 176 retries within a day: FC retries at most 8 times.
    expect(resources.thumbnails?.props.asyncInvokeConfig).toEqual({
      maxAsyncRetryAttempts: 8,
      maxAsyncEventAgeInSeconds: 86_400,
      destinationConfig: {
        onFailure: {
          destination: `acs:mns:${REGION}:${ACCOUNT}:/queues/thumbnails-failed/messages`,
        },
      },
    });
    // An SLS trigger runs the function synchronously: its retries are the trigger's, no async config.
    expect(resources.accessLog?.props).not.toHaveProperty('asyncInvokeConfig');
    expect(deadLetterQueues).toEqual([
      'thumbnails-failed',
      'shop-dev-housekeeping-dlq',
      'shop-dev-onBus-dlq',
      // An event stream dead-letters to the function's queue too.
      'shop-dev-streams-dlq',
    ]);
  });

  it('maps time, Tablestore, CDN and MNS topic triggers, and a function without sources to the default bus', () => {
    expect(resources.housekeeping?.props.triggers).toMatchObject([
      {
        triggerName: 'every-5m',
        triggerType: 'timer',
        triggerConfig: { cronExpression: '@every 5m', enable: true, payload: '{"scope":"all"}' },
      },
      {
        triggerType: 'tablestore',
        sourceArn: `acs:ots:${REGION}:${ACCOUNT}:instance/shop/table/orders`,
        triggerConfig: {},
      },
      {
        triggerType: 'cdn_events',
        triggerConfig: { eventName: 'LogFileCreated', filter: { domain: ['cdn.example.com'] } },
      },
      {
        triggerType: 'mns_topic',
        sourceArn: `acs:mns:${REGION}:${ACCOUNT}:/topics/order-events`,
        triggerConfig: { notifyContentFormat: 'JSON', notifyStrategy: 'BACKOFF_RETRY' },
      },
    ]);
    expect(resources.onBus?.props.triggers).toMatchObject([
      { triggerType: 'eventbridge', triggerConfig: { eventSourceConfig: { eventSourceType: 'Default' } } },
    ]);
  });

  it('names what it cannot generate, one line per source', () => {
    expect(byHand).toEqual([
      expect.stringMatching(
        /^orders: sources\[0\] \(rocketmq\): a self-managed Apache RocketMQ cluster has no Function Compute trigger; for ApsaraMQ for RocketMQ declare \{ type: 'alibaba:eventbridge', stream: 'rocketmq',.*runOptions \{"mode":"event-streaming","retryStrategy":\{"PushRetryStrategy":"BACKOFF_RETRY","MaximumRetryAttempts":2,"MaximumEventAgeInSeconds":21600\},"errorsTolerance":"ALL","deadLetterQueue":\{"Arn":"acs:mns:.*:\/queues\/shop-dev-orders-dlq"\}\}\.$/,
      ),
      expect.stringMatching(
        /^orders: sources\[1\] \(aws:sqs\): Function Compute has no trigger for this source/,
      ),
      "orders: sources[2] (alibaba:eventbridge): an EventBridge kafka stream needs instance, group; declare { type: 'alibaba:eventbridge', stream: 'kafka', instance: '…', topic: '…', group: '…' }.",
    ]);
    expect(resources.orders?.props).not.toHaveProperty('triggers');
  });
});

describe('EventBridge event streams into a function', () => {
  const { document } = serverlessDevsProject(
    [
      {
        key: 'streams',
        definition: streaming([ROCKETMQ, MNS_QUEUE]),
        code: './streams',
        handler: 'index.handler',
      },
    ],
    { name: 'shop', region: 'cn-shanghai' },
  );
  const props = (document.resources as Record<string, { props: { triggers: unknown[] } }>).streams?.props;

  it('reads RocketMQ and MNS queues through EventBridge, with the stream settings from retry, onError and deadLetter', () => {
    const runOptions = {
      mode: 'event-streaming',
      retryStrategy: {
        PushRetryStrategy: 'BACKOFF_RETRY',
        MaximumRetryAttempts: 3,
        MaximumEventAgeInSeconds: 86_400,
      },
      errorsTolerance: 'NONE',
      deadLetterQueue: { Arn: `acs:mns:${REGION}:${ACCOUNT}:/queues/shop-dev-streams-dlq` },
    };
    expect(props?.triggers).toEqual([
      {
        triggerName: 'rocketmq-1',
        triggerType: 'eventbridge',
        qualifier: 'LATEST',
        triggerConfig: {
          triggerEnable: true,
          asyncInvocationType: false,
          eventRuleFilterPattern: '{"type":["order.created"]}',
          eventSourceConfig: {
            eventSourceType: 'RocketMQ',
            eventSourceParameters: {
              sourceRocketMQParameters: {
                RegionId: REGION,
                InstanceId: 'MQ_INST_1',
                Topic: 'orders',
                GroupID: 'GID_o',
                Tag: '*',
              },
            },
          },
          eventSinkConfig: { deliveryOption: { mode: 'event-streaming', eventSchema: 'CloudEvents' } },
          runOptions,
        },
      },
      expect.objectContaining({
        triggerName: 'mns-2',
        triggerConfig: expect.objectContaining({
          eventSourceConfig: {
            eventSourceType: 'MNS',
            eventSourceParameters: {
              sourceMNSParameters: { QueueName: 'orders-queue', IsBase64Decode: false },
            },
          },
          runOptions,
        }),
      }),
    ]);
  });
});

describe('alibabaRulePattern', () => {
  it('pushes an alibaba-dialect filter over kept attributes, and widens the rest', () => {
    expect(alibabaRulePattern(facts({ filter: { type: ['a'] }, filterDialect: 'alibaba' }))).toEqual({
      pattern: { type: ['a'] },
      exact: true,
    });
    expect(
      alibabaRulePattern(
        facts({ filter: { type: ['a'], time: [{ exists: true }] }, filterDialect: 'alibaba' }),
      ),
    ).toEqual({ pattern: { type: ['a'] }, exact: false });
    // An AWS-dialect filter matches differently on Alibaba's bus: the rule takes every event.
    expect(alibabaRulePattern(facts({ filter: { type: ['a'] } }))).toEqual({
      pattern: { source: [{ prefix: '' }] },
      exact: false,
    });
    expect(alibabaRulePattern(facts({}))).toEqual({ pattern: { source: [{ prefix: '' }] }, exact: true });
  });
});

describe('fcFunctionName', () => {
  it('keeps FC function names valid', () => {
    expect(fcFunctionName('shop', 'orders.created')).toBe('shop-orders-created');
    expect(fcFunctionName('9lives', 'x')).toBe('_9lives-x');
    expect(fcFunctionName('a'.repeat(70), 'b')).toHaveLength(64);
  });
});

describe('streamRunOptions', () => {
  it('takes the preset strategy, the retries within its cap, and blocks on onError block', () => {
    const decay = streamRunOptions(facts({ retry: 'alibaba-exponential-decay', onError: 'block' }), 'q');
    expect(decay).toMatchObject({
      retryStrategy: {
        PushRetryStrategy: 'EXPONENTIAL_DECAY_RETRY',
        MaximumRetryAttempts: 176,
        MaximumEventAgeInSeconds: 86_400,
      },
      errorsTolerance: 'NONE',
    });
    // Ten attempts are more than BACKOFF_RETRY's three retries: the decaying strategy covers them.
    expect(streamRunOptions(facts({ retry: { maxAttempts: 10 } }), 'q').retryStrategy).toMatchObject({
      PushRetryStrategy: 'EXPONENTIAL_DECAY_RETRY',
      MaximumRetryAttempts: 9,
    });
    expect(streamRunOptions(facts({ retry: 'alibaba-backoff' }), 'q').retryStrategy).toMatchObject({
      PushRetryStrategy: 'BACKOFF_RETRY',
      MaximumRetryAttempts: 3,
    });
  });
});
