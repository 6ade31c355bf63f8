/**
 * `serverless package` on the examples, as a user runs it (no AWS account): the triggerkit plugin builds
 * each handler and generates its wiring from the definition. Every resource of the template is checked
 * against the CloudFormation resource specification, and each function's generated wiring is pinned.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateTemplate } from './support/cloudformation.js';
import { linkCheckout } from './support/linked.js';
import { ROOT } from './support/processes.js';

interface Template {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}
interface State {
  service: {
    functions: Record<string, Record<string, unknown>>;
    resources: { Resources: Record<string, unknown> };
    provider: { iam: { role: { statements: unknown[] } } };
  };
}

let dir: string;
let template: Template;
let state: State;
let printed: string;

/** A copy of the project (its serverless.yml and examples), with `triggerkit` installed as a package. */
function project(): string {
  const at = mkdtempSync(join(tmpdir(), 'triggerkit-deploy-'));
  cpSync(join(ROOT, 'serverless.yml'), join(at, 'serverless.yml'));
  cpSync(join(ROOT, 'examples'), join(at, 'examples'), { recursive: true });
  linkCheckout(at);
  return at;
}

beforeAll(() => {
  dir = project();
  const env = { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' };
  const args = [
    join(ROOT, 'node_modules/serverless/bin/serverless.js'),
    'package',
    '--package',
    'out',
    '--verbose',
  ];
  const result = spawnSync(process.execPath, args, { cwd: dir, env, encoding: 'utf8' });
  printed = `${result.stdout}${result.stderr}`;
  if (result.status !== 0) throw new Error(`serverless package failed:\n${printed.slice(-4000)}`);
  template = JSON.parse(readFileSync(join(dir, 'out/cloudformation-template-update-stack.json'), 'utf8'));
  state = JSON.parse(readFileSync(join(dir, 'out/serverless-state.json'), 'utf8'));
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const byType = (type: string) =>
  Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);

describe('serverless package over the examples', () => {
  it('writes a template whose every resource the CloudFormation specification accepts', () => {
    expect(Object.keys(template.Resources).length).toBeGreaterThan(40);
    expect(validateTemplate(template)).toEqual([]);
  });

  it('says what it built and wired', () => {
    expect(printed).toContain('triggerkit: built and wired 19 functions');
    expect(printed).toContain(
      'triggerkit: ordersQueue ← sqs triggerkit-examples-dev-ordersQueue-retry, sqs shop-orders',
    );
    // No AWS trigger reads an Alibaba EventBridge rule or a Debezium feed: the plugin says so per function.
    for (const key of ['ossArchive', 'ossImport', 'ossReindex', 'ossNotify'])
      expect(printed).toMatch(new RegExp(`function ${key}: sources\\[0\\].*alibaba:eventbridge`));
    expect(printed).toMatch(/function productCache: sources\[0\].*debezium/);
  });

  it('creates the declared queue, topic and stream, and a dead-letter queue per function that can fail asynchronously', () => {
    const queues = byType('AWS::SQS::Queue').map(([, r]) => r.Properties?.QueueName);
    expect(queues.sort()).toEqual([
      'oss-notify-dlq',
      'shop-orders',
      ...[
        'clicks-dlq',
        'deployMain-dlq',
        'deployMain-retry',
        'forkBackup-dlq',
        'forkBackup-retry',
        'forkReplay-dlq',
        'forkReplay-retry',
        'forkSearchIndex-dlq',
        'forkSearchIndex-retry',
        'githubAuditLog-dlq',
        'githubAuditLog-retry',
        'hourlyReport-dlq',
        'hourlyReport-retry',
        'logAlerting-dlq',
        'logAlerting-retry',
        'orderCreated-dlq',
        'orderCreated-retry',
        'orderEvents-dlq',
        'orderEvents-retry',
        'ordersQueue-dlq',
        'ordersQueue-retry',
        'ossArchive-dlq',
        'ossArchive-retry',
        'ossImport-dlq',
        'ossImport-retry',
        'ossNotify-retry',
        'ossReindex-dlq',
        'ossReindex-retry',
        'productCache-dlq',
        'productCache-retry',
        'triageIssues-dlq',
        'triageIssues-retry',
      ].map((queue) => `triggerkit-examples-dev-${queue}`),
    ]);
    expect(byType('AWS::SNS::Topic').map(([, r]) => r.Properties?.TopicName)).toEqual([
      'order-events',
      'fork-events',
    ]);
    expect(byType('AWS::Kinesis::Stream').map(([, r]) => r.Properties?.Name)).toEqual(['clicks']);
    expect(byType('AWS::DynamoDB::Table').map(([, r]) => r.Properties?.TableName)).toEqual([
      'triggerkit-examples-dev-orderCreated-idempotency',
    ]);
  });

  it('puts the bus listener’s filter on its EventBridge rule, and the schedule on its own', () => {
    const patterns = byType('AWS::Events::Rule').map(
      ([, r]) => r.Properties?.EventPattern ?? r.Properties?.ScheduleExpression,
    );
    expect(patterns).toEqual(
      expect.arrayContaining(['rate(1 hour)', { 'detail-type': ['com.example.order.created'] }]),
    );
  });

  it('maps the queues and the stream with the definition’s settings', () => {
    const mappings = Object.fromEntries(
      byType('AWS::Lambda::EventSourceMapping').map(([, r]) => {
        const p = r.Properties ?? {};
        const source = JSON.stringify(p.EventSourceArn).match(/"(\w+?)(Queue|Stream)"/)?.[1];
        return [
          source,
          {
            BatchSize: p.BatchSize,
            FunctionResponseTypes: p.FunctionResponseTypes,
            Bisect: p.BisectBatchOnFunctionError,
          },
        ];
      }),
    );
    expect(mappings.ShopOrders).toEqual({
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(mappings.Clicks).toEqual({
      BatchSize: 100,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      Bisect: true,
    });
  });

  it('gives each function the environment and permissions its queues and table need', () => {
    const statements = JSON.stringify(state.service.provider.iam.role.statements);
    expect(statements).toContain('"dynamodb:PutItem"');
    expect(statements).toContain('"sqs:SendMessage"');
    expect(statements).toContain('"events:PutEvents"'); // written by hand in serverless.yml, kept
    for (const [key, fn] of Object.entries(state.service.functions)) {
      if (key === 'ordersWebhook') expect(fn.environment).toEqual({});
      else if (key === 'githubWebhook') expect(fn.environment).toEqual({ GITHUB_WEBHOOK_SECRET: '' });
      else expect(fn.environment).toHaveProperty('TRIGGERKIT_DLQ_URL');
    }
  });

  it('subscribes the fork pipelines to one topic and fans the GitHub bus events out by their filters', () => {
    expect(wiringOf('forkBackup').subscriptions).toEqual(wiringOf('forkSearchIndex').subscriptions);
    expect(wiringOf('forkBackup').subscriptions).toEqual([
      { TopicArn: { Ref: 'ForkEventsTopic' }, Protocol: 'lambda' },
    ]);
    const patterns = ['deployMain', 'triageIssues', 'githubAuditLog'].map(
      (key) => (wiringOf(key).rules[0] as { EventPattern?: unknown } | undefined)?.EventPattern,
    );
    expect(patterns).toEqual([
      {
        source: ['https://github.com'],
        'detail-type': ['com.github.push'],
        detail: { ref: ['refs/heads/main'] },
      },
      {
        source: ['https://github.com'],
        'detail-type': ['com.github.issues.opened'],
        detail: { issue: { labels: { name: ['bug'] } } },
      },
      { source: ['https://github.com'] },
    ]);
  });

  it('subscribes the log alerting to its log group with the declared filter pattern', () => {
    const filters = byType('AWS::Logs::SubscriptionFilter').map(([, r]) => r.Properties);
    expect(filters).toEqual([
      expect.objectContaining({
        LogGroupName: '/app/api',
        FilterPattern: '{ ($.level = "ERROR") || ($.durationMs > 1000) }',
      }),
    ]);
  });

  for (const key of [
    'ordersWebhook',
    'ordersQueue',
    'orderCreated',
    'orderEvents',
    'clicks',
    'hourlyReport',
    'forkBackup',
    'forkSearchIndex',
    'forkReplay',
    'githubWebhook',
    'deployMain',
    'triageIssues',
    'githubAuditLog',
    'logAlerting',
    'ossArchive',
    'ossImport',
    'ossReindex',
    'ossNotify',
    'productCache',
  ]) {
    it(`generates the wiring of ${key}`, () => {
      expect(wiringOf(key)).toMatchSnapshot();
    });
  }
});

/** Everything the template holds for one function: what triggers it, where it sends, what it is told. */
function wiringOf(key: string) {
  const id = key.charAt(0).toUpperCase() + key.slice(1);
  const fn = `${id}LambdaFunction`;
  const mentions = (value: unknown) => JSON.stringify(value).includes(`"${fn}"`);
  const pick = (type: string, keep: (p: Record<string, unknown>) => unknown) =>
    byType(type)
      .filter(([, r]) => mentions(r.Properties))
      .map(([, r]) => keep(r.Properties ?? {}));
  const lambda = template.Resources[fn]?.Properties ?? {};
  return {
    handler: lambda.Handler,
    runtime: lambda.Runtime,
    environment: (lambda.Environment as { Variables?: unknown } | undefined)?.Variables,
    mappings: pick('AWS::Lambda::EventSourceMapping', ({ FunctionName: _, ...p }) => p),
    rules: pick('AWS::Events::Rule', ({ EventPattern, ScheduleExpression }) => ({
      EventPattern,
      ScheduleExpression,
    })),
    subscriptions: pick('AWS::SNS::Subscription', ({ TopicArn, Protocol }) => ({ TopicArn, Protocol })),
    routes: byType('AWS::ApiGatewayV2::Route')
      .filter(([, r]) => JSON.stringify(r.Properties).includes(`HttpApiIntegration${id}`))
      .map(([, r]) => r.Properties?.RouteKey),
    asyncFailures: pick('AWS::Lambda::EventInvokeConfig', (p) => p.DestinationConfig),
    resources: Object.fromEntries(
      Object.entries(template.Resources)
        .filter(([rid]) => new RegExp(`^${id}(DeadLetterQueue|RetryQueue|IdempotencyTable)$`).test(rid))
        .map(([rid, r]) => [rid, r.Properties]),
    ),
  };
}
