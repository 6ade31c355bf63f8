import { describe, expect, it } from 'vitest';
import { isTriggerError } from '../errors.js';
import { awsWiring } from './aws/wiring.js';
import { mergeWiring, type ServiceConfig } from './merge.js';

const queueSource = { type: 'aws:sqs', queue: 'orders', batchSize: 5 };
const wiringFor = (sources: Record<string, unknown>[]) =>
  awsWiring(
    [
      {
        key: 'q',
        definition: { sources, idempotency: false, retry: { maxAttempts: 1 } },
        timeoutSeconds: 6,
        hasOwnEvents: true,
      },
    ],
    { service: 's', stage: 'dev' },
  );
const service = (events: Record<string, unknown>[], extra: Partial<ServiceConfig> = {}): ServiceConfig => ({
  provider: {},
  functions: { q: { handler: 'q.handler', events, environment: { LOG_LEVEL: 'debug' } } },
  ...extra,
});
const failure = (run: () => void) => {
  try {
    run();
  } catch (error) {
    if (isTriggerError(error)) return error.message;
    throw error;
  }
  throw new Error('expected an E_CONFIG error');
};

describe('mergeWiring', () => {
  it('adds the generated events, environment, resources and statements beside what serverless.yml says', () => {
    const config = service([]);
    mergeWiring(config, wiringFor([queueSource]), { q: ['aws:sqs'] });
    expect(config.functions.q?.events).toEqual([
      {
        sqs: {
          arn: { 'Fn::GetAtt': ['OrdersQueue', 'Arn'] },
          batchSize: 5,
          functionResponseType: 'ReportBatchItemFailures',
        },
      },
    ]);
    expect(config.functions.q?.environment).toEqual({
      TRIGGERKIT_DLQ_URL: { Ref: 'QDeadLetterQueue' },
      LOG_LEVEL: 'debug',
    });
    expect(Object.keys(config.resources?.Resources ?? {})).toEqual(['QDeadLetterQueue', 'OrdersQueue']);
    expect(config.provider.iam).toEqual({
      role: { statements: [expect.objectContaining({ Action: 'sqs:SendMessage' })] },
    });
  });

  it('lets a hand-written event of a declared source add settings, and a hand-written resource win', () => {
    const config = service([{ sqs: { arn: 'arn:aws:sqs:us-east-1:1:orders', enabled: false } }], {
      resources: {
        Resources: { OrdersQueue: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 300 } } },
      },
    });
    mergeWiring(config, wiringFor([queueSource]), { q: ['aws:sqs'] });
    expect(config.functions.q?.events).toEqual([
      {
        sqs: {
          arn: { 'Fn::GetAtt': ['OrdersQueue', 'Arn'] },
          enabled: false,
          batchSize: 5,
          functionResponseType: 'ReportBatchItemFailures',
        },
      },
    ]);
    expect(config.resources?.Resources?.OrdersQueue?.Properties).toMatchObject({
      QueueName: 'orders',
      VisibilityTimeout: 300,
    });
  });

  it('refuses a hand-written event that listens somewhere else than the sources say, naming both', () => {
    const config = service([{ sqs: { arn: 'arn:aws:sqs:us-east-1:1:payments' } }]);
    expect(failure(() => mergeWiring(config, wiringFor([queueSource]), { q: ['aws:sqs'] }))).toBe(
      "functions.q.events[0] listens to sqs payments, but the handler's sources say sqs orders: change the source in the handler, or remove the event (triggerkit generates it from sources).",
    );
  });

  it('names only the declared sources, not the retry queue, when a hand-written event contradicts them', () => {
    const retrying = awsWiring(
      [
        {
          key: 'q',
          definition: { sources: [queueSource], idempotency: false },
          timeoutSeconds: 6,
          hasOwnEvents: true,
        },
      ],
      { service: 's', stage: 'dev' },
    );
    const config = service([{ sqs: { arn: 'arn:aws:sqs:us-east-1:1:payments' } }]);
    expect(failure(() => mergeWiring(config, retrying, { q: ['aws:sqs'] }))).toMatch(
      /^functions\.q\.events\[0\] listens to sqs payments, but the handler's sources say sqs orders:/,
    );
  });

  it('refuses a hand-written setting the definition gives otherwise', () => {
    const config = service([{ sqs: { arn: 'arn:aws:sqs:us-east-1:1:orders', batchSize: 10 } }]);
    expect(failure(() => mergeWiring(config, wiringFor([queueSource]), { q: ['aws:sqs'] }))).toBe(
      "functions.q.events[0] (sqs orders) sets batchSize to 10, but the handler's definition gives 5: set it in the handler (its sources or filter), the one place triggerkit reads it from, and remove it here.",
    );
  });

  it('refuses a hand-written event of a kind the handler does not declare', () => {
    const config = service([{ sns: 'alerts' }]);
    expect(failure(() => mergeWiring(config, wiringFor([queueSource]), { q: ['aws:sqs'] }))).toBe(
      "functions.q.events[0] (sns alerts) is no source the handler declares (aws:sqs), so the handler would refuse its events: add it to the handler's sources, or remove the event.",
    );
  });

  it('keeps a hand-written Kafka event for a declared Kafka source, and a chosen HTTP front door instead of httpApi', () => {
    const kafka = service([{ msk: { arn: 'arn:aws:kafka:…', topic: 'orders' } }]);
    mergeWiring(kafka, wiringFor([{ type: 'aws:kafka', topic: 'orders' }]), { q: ['aws:kafka'] });
    expect(kafka.functions.q?.events).toEqual([{ msk: { arn: 'arn:aws:kafka:…', topic: 'orders' } }]);

    const rest = service([{ http: { method: 'post', path: '/hook' } }]);
    mergeWiring(rest, wiringFor([{ type: 'http', path: '/hook', method: 'POST' }]), { q: ['http'] });
    expect(rest.functions.q?.events).toEqual([{ http: { method: 'post', path: '/hook' } }]);
  });

  it('refuses to add statements to a role of the user’s own', () => {
    const config = service([], { provider: { iam: { role: 'arn:aws:iam::1:role/mine' } } });
    expect(failure(() => mergeWiring(config, wiringFor([queueSource]), { q: ['aws:sqs'] }))).toMatch(
      /^provider\.iam\.role names a role of your own \(arn:aws:iam::1:role\/mine\), so triggerkit cannot add/,
    );
  });
});
