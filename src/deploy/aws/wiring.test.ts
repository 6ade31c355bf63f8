import { describe, expect, it } from 'vitest';
import type { DefinitionFacts } from '../../build/standalone.js';
import { awsWiring, type DeployFunction } from './wiring.js';

const address = { service: 'shop', stage: 'prod' };
const fn = (key: string, definition: Partial<DefinitionFacts>, extra: Partial<DeployFunction> = {}) => ({
  key,
  definition: { sources: [], idempotency: false, ...definition },
  timeoutSeconds: 10,
  hasOwnEvents: false,
  ...extra,
});
const ids = (resources: object) => Object.keys(resources).sort();

describe('awsWiring', () => {
  it('gives an HTTP-only function its route and nothing to retry into', () => {
    const w = awsWiring(
      [fn('hook', { sources: [{ type: 'http', path: '/hook', method: 'POST' }] })],
      address,
    );
    expect(w.functions.hook).toEqual({
      events: [{ httpApi: { method: 'POST', path: '/hook' } }],
      ownEvents: 0,
      environment: {},
    });
    expect(w.resources).toEqual({});
    expect(w.statements).toEqual([]);
  });

  it('gives an SQS function its queue (redriven to its DLQ), a retry queue that triggers it, and the environment to find both', () => {
    const w = awsWiring(
      [fn('orders-queue', { sources: [{ type: 'aws:sqs', queue: 'orders', batchSize: 5 }] })],
      address,
    );
    expect(ids(w.resources)).toEqual([
      'OrdersDashqueueDeadLetterQueue',
      'OrdersDashqueueRetryQueue',
      'OrdersQueue',
    ]);
    expect(w.resources.OrdersQueue?.Properties).toMatchObject({
      QueueName: 'orders',
      VisibilityTimeout: 60,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': ['OrdersDashqueueDeadLetterQueue', 'Arn'] },
        maxReceiveCount: 5,
      },
    });
    expect(w.resources.OrdersDashqueueDeadLetterQueue?.Properties?.QueueName).toBe(
      'shop-prod-orders-queue-dlq',
    );
    expect(w.resources.OrdersDashqueueRetryQueue?.Properties?.QueueName).toBe('shop-prod-orders-queue-retry');
    expect(w.functions['orders-queue']?.events).toEqual([
      {
        sqs: {
          arn: { 'Fn::GetAtt': ['OrdersDashqueueRetryQueue', 'Arn'] },
          batchSize: 10,
          functionResponseType: 'ReportBatchItemFailures',
        },
      },
      {
        sqs: {
          arn: { 'Fn::GetAtt': ['OrdersQueue', 'Arn'] },
          batchSize: 5,
          functionResponseType: 'ReportBatchItemFailures',
        },
      },
    ]);
    expect(w.functions['orders-queue']?.environment).toEqual({
      TRIGGERKIT_DLQ_URL: { Ref: 'OrdersDashqueueDeadLetterQueue' },
      TRIGGERKIT_RETRY_QUEUE_URL: { Ref: 'OrdersDashqueueRetryQueue' },
    });
    expect(w.statements).toEqual([
      {
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: [
          { 'Fn::GetAtt': ['OrdersDashqueueDeadLetterQueue', 'Arn'] },
          { 'Fn::GetAtt': ['OrdersDashqueueRetryQueue', 'Arn'] },
        ],
      },
    ]);
  });

  it('gives an ordered source (a stream, a FIFO queue) a dead-letter queue but no retry queue, which would reorder it', () => {
    const w = awsWiring(
      [
        fn('clicks', {
          sources: [{ type: 'aws:kinesis', stream: 'clicks', bisectBatchOnFunctionError: true }],
        }),
        fn('jobs', { sources: [{ type: 'aws:sqs', queue: 'jobs.fifo' }] }),
      ],
      address,
    );
    expect(ids(w.resources)).toEqual([
      'ClicksDeadLetterQueue',
      'ClicksStream',
      'JobsDeadLetterQueue',
      'JobsFifoQueue',
    ]);
    expect(w.functions.clicks?.events[0]).toEqual({
      stream: {
        type: 'kinesis',
        arn: { 'Fn::GetAtt': ['ClicksStream', 'Arn'] },
        // Lambda's default for a stream, which the Framework would otherwise set to 10.
        batchSize: 100,
        startingPosition: 'LATEST',
        bisectBatchOnFunctionError: true,
        functionResponseType: 'ReportBatchItemFailures',
        destinations: { onFailure: { arn: { 'Fn::GetAtt': ['ClicksDeadLetterQueue', 'Arn'] }, type: 'sqs' } },
      },
    });
    expect(w.resources.JobsFifoQueue?.Properties).toEqual({
      QueueName: 'jobs.fifo',
      VisibilityTimeout: 60,
      FifoQueue: true,
    });
  });

  it('skips the retry queue when the retry policy makes one attempt', () => {
    const w = awsWiring(
      [fn('once', { sources: [{ type: 'aws:sns', topic: 't' }], retry: { maxAttempts: 1 } })],
      address,
    );
    expect(ids(w.resources)).toEqual(['OnceDeadLetterQueue', 'TTopic']);
  });

  it('puts a bus listener on an EventBridge rule with its filter pushed down, and sends failed async invocations to its DLQ', () => {
    const w = awsWiring([fn('created', { filter: { type: ['order.created'] }, idempotency: true })], address);
    expect(w.functions.created?.events.at(-1)).toEqual({
      eventBridge: { pattern: { 'detail-type': ['order.created'] } },
    });
    expect(w.functions.created?.destinations).toEqual({
      onFailure: { type: 'sqs', arn: { 'Fn::GetAtt': ['CreatedDeadLetterQueue', 'Arn'] } },
    });
    expect(w.resources.CreatedIdempotencyTable?.Properties).toMatchObject({
      TableName: 'shop-prod-created-idempotency',
    });
    expect(w.functions.created?.environment).toMatchObject({
      TRIGGERKIT_IDEMPOTENCY_TABLE: { Ref: 'CreatedIdempotencyTable' },
    });
  });

  it('leaves a function with no sources and hand-written events to them', () => {
    const w = awsWiring([fn('any', {}, { hasOwnEvents: true })], address);
    expect(w.functions.any?.events).toEqual([]);
    expect(w.resources).toEqual({});
  });

  it('uses a dead-letter queue given by URL instead of creating one', () => {
    const url = 'https://sqs.eu-west-1.amazonaws.com/123456789012/central-dlq';
    const w = awsWiring(
      [
        fn('t', {
          sources: [{ type: 'aws:schedule', expression: 'rate(1 hour)' }],
          deadLetter: { queue: url },
        }),
      ],
      address,
    );
    expect(ids(w.resources)).toEqual(['TRetryQueue']);
    expect(w.functions.t?.environment.TRIGGERKIT_DLQ_URL).toBe(url);
    expect(w.statements[0]?.Resource[0]).toBe('arn:aws:sqs:eu-west-1:123456789012:central-dlq');
  });

  it('reads from a queue, topic or stream defined by hand instead of creating it again', () => {
    const existing = { Mine: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'orders' } } };
    const w = awsWiring(
      [fn('q', { sources: [{ type: 'aws:sqs', queue: 'orders' }], retry: { maxAttempts: 1 } })],
      address,
      existing,
    );
    expect(ids(w.resources)).toEqual(['QDeadLetterQueue']);
    expect(w.functions.q?.events[0]).toMatchObject({ sqs: { arn: { 'Fn::GetAtt': ['Mine', 'Arn'] } } });
  });

  it('asks for the DynamoDB table by hand (its key schema is the application’s), then wires its stream', () => {
    const source = { type: 'aws:dynamodb', table: 'Orders', streamViewType: 'NEW_IMAGE' };
    expect(awsWiring([fn('cdc', { sources: [source] })], address).byHand).toEqual([
      'function cdc: sources[0] needs the DynamoDB table Orders: define it under resources.Resources (Type AWS::DynamoDB::Table, TableName Orders), and triggerkit wires its stream',
    ]);
    const existing = { OrdersTable: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'Orders' } } };
    const w = awsWiring([fn('cdc', { sources: [source] })], address, existing);
    expect(w.functions.cdc?.events[0]).toMatchObject({
      stream: { type: 'dynamodb', arn: { 'Fn::GetAtt': ['OrdersTable', 'StreamArn'] } },
    });
    expect(w.resources.OrdersTable?.Properties).toEqual({
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
    });
  });

  it('names what a Kafka or Debezium source needs by hand', () => {
    const w = awsWiring(
      [
        fn('k', {
          sources: [
            { type: 'aws:kafka', topic: 'orders' },
            { type: 'debezium', table: 'public.orders' },
          ],
        }),
      ],
      address,
    );
    expect(w.byHand).toEqual([
      'function k: sources[0] needs a Kafka cluster (write an `msk` or `kafka` event for its topic by hand)',
      'function k: sources[1] needs an event written by hand: AWS Lambda has no trigger for debezium',
    ]);
  });
});
