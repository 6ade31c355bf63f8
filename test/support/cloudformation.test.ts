// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Fn::Sub spells its variables ${Name}.
import { describe, expect, it } from 'vitest';
import { validateTemplate } from './cloudformation.js';

const getAtt = (id: string, attribute: string) => ({ 'Fn::GetAtt': [id, attribute] });

/** A small stack with the wiring a deploy plugin writes; a fresh copy on every call. */
const template = () => ({
  AWSTemplateFormatVersion: '2010-09-09',
  Parameters: { Stage: { Type: 'String', Default: 'dev' } },
  Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] } },
  Resources: {
    DeadLetterQueue: { Type: 'AWS::SQS::Queue', Properties: { MessageRetentionPeriod: 1209600 } },
    Queue: {
      Type: 'AWS::SQS::Queue',
      Properties: {
        QueueName: { 'Fn::Sub': '${AWS::StackName}-${Stage}-orders' },
        VisibilityTimeout: 60,
        RedrivePolicy: { deadLetterTargetArn: getAtt('DeadLetterQueue', 'Arn'), maxReceiveCount: 5 },
        Tags: [{ Key: 'service', Value: 'shop' }],
      },
    },
    Table: {
      Type: 'AWS::DynamoDB::Table',
      DeletionPolicy: 'Retain',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      },
    },
    Role: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        },
        Policies: [
          {
            PolicyName: 'handler',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Action: ['sqs:SendMessage'],
                  Resource: [getAtt('DeadLetterQueue', 'Arn')],
                },
                { Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: getAtt('Table', 'Arn') },
              ],
            },
          },
        ],
      },
    },
    Handler: {
      Type: 'AWS::Lambda::Function',
      DependsOn: ['Role'],
      Properties: {
        Runtime: 'nodejs22.x',
        Handler: 'index.handler',
        Role: getAtt('Role', 'Arn'),
        Code: { ZipFile: 'export const handler = async () => ({});' },
        Timeout: { 'Fn::If': ['IsProd', 30, 10] },
        Environment: { Variables: { TABLE: { Ref: 'Table' }, REGION: { Ref: 'AWS::Region' } } },
      },
    },
    QueueMapping: {
      Type: 'AWS::Lambda::EventSourceMapping',
      Properties: {
        EventSourceArn: getAtt('Queue', 'Arn'),
        FunctionName: { Ref: 'Handler' },
        BatchSize: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: 2 },
        FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ body: { type: ['order'] } }) }] },
      },
    },
    OrderCreatedRule: {
      Type: 'AWS::Events::Rule',
      Properties: {
        EventPattern: { source: ['com.example.shop'], 'detail-type': ['com.example.order.created'] },
        Targets: [{ Id: 'handler', Arn: getAtt('Handler', 'Arn') }],
      },
    },
    RulePermission: {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        FunctionName: getAtt('Handler', 'Arn'),
        Action: 'lambda:InvokeFunction',
        Principal: 'events.amazonaws.com',
        SourceArn: getAtt('OrderCreatedRule', 'Arn'),
      },
    },
    Seed: { Type: 'Custom::Seed', Properties: { ServiceToken: getAtt('Handler', 'Arn'), Rows: [1, 2] } },
  },
  Outputs: {
    QueueUrl: {
      Value: getAtt('Queue', 'QueueUrl'),
      Export: { Name: { 'Fn::Sub': '${Queue.QueueName}-url' } },
    },
  },
});

/** The problems of the template with `value` set at a dotted path (`undefined` deletes it). */
function problemsWith(...changes: [path: string, value: unknown][]) {
  const changed: unknown = template();
  for (const [path, value] of changes) {
    const keys = path.split('.');
    const last = keys.pop() ?? '';
    const parent = keys.reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], changed);
    if (value === undefined) delete (parent as Record<string, unknown>)[last];
    else (parent as Record<string, unknown>)[last] = value;
  }
  return validateTemplate(changed);
}

describe('validateTemplate', () => {
  it('finds nothing wrong with a valid stack of queues, mapping, rule, table, role and custom resource', () => {
    expect(validateTemplate(template())).toEqual([]);
  });

  it('reports an unknown property and suggests the near one', () => {
    expect(problemsWith(['Resources.Queue.Properties.VisibilityTimout', 60])).toEqual([
      {
        resource: 'Queue',
        path: 'Properties.VisibilityTimout',
        message: 'is not a property of AWS::SQS::Queue; did you mean VisibilityTimeout?',
      },
    ]);
  });

  it('reports a misspelt resource type', () => {
    expect(problemsWith(['Resources.Table.Type', 'AWS::DynamoDB::Tabel'])).toEqual([
      {
        resource: 'Table',
        path: 'Type',
        message:
          'AWS::DynamoDB::Tabel is not in the CloudFormation resource specification; did you mean AWS::DynamoDB::Table?',
      },
    ]);
  });

  it('reports the properties the spec requires (a Lambda function without Role and Code)', () => {
    const problems = problemsWith(
      ['Resources.Handler.Properties.Role', undefined],
      ['Resources.Handler.Properties.Code', undefined],
    );
    expect(problems).toEqual([
      { resource: 'Handler', path: 'Properties.Code', message: 'is required by AWS::Lambda::Function' },
      { resource: 'Handler', path: 'Properties.Role', message: 'is required by AWS::Lambda::Function' },
    ]);
  });

  it('reports a wrong value type at any depth: property, property type, array item, Fn::If branch', () => {
    const problems = problemsWith(
      ['Resources.Queue.Properties.VisibilityTimeout', '60'],
      ['Resources.QueueMapping.Properties.ScalingConfig.MaximumConcurrency', 2.5],
      ['Resources.QueueMapping.Properties.FilterCriteria.Filters.0.Pattern', { body: { type: ['order'] } }],
      ['Resources.Table.Properties.TimeToLiveSpecification.Enabled', 'true'],
      ['Resources.Handler.Properties.Timeout', { 'Fn::If': ['IsProd', '30', 10] }],
      ['Resources.Queue.Properties.Tags', [{ Key: 'service' }]],
    );
    expect(problems.map(({ resource, path, message }) => `${resource} ${path}: ${message}`)).toEqual([
      'Queue Properties.VisibilityTimeout: must be integer, got string "60"',
      'Queue Properties.Tags[0].Value: is required by Tag',
      'Table Properties.TimeToLiveSpecification.Enabled: must be boolean, got string "true"',
      'Handler Properties.Timeout.Fn::If[1]: must be integer, got string "30"',
      'QueueMapping Properties.ScalingConfig.MaximumConcurrency: must be integer, got number 2.5',
      'QueueMapping Properties.FilterCriteria.Filters[0].Pattern: must be string, got an object',
    ]);
  });

  it('reports a value outside the allowed ones', () => {
    expect(problemsWith(['Resources.Handler.Properties.PackageType', 'zip'])).toEqual([
      {
        resource: 'Handler',
        path: 'Properties.PackageType',
        message: 'must be one of Image, Zip, got string "zip"',
      },
    ]);
  });

  it('reports a GetAtt of an attribute the target type does not have', () => {
    expect(
      problemsWith([
        'Resources.Queue.Properties.RedrivePolicy.deadLetterTargetArn',
        getAtt('DeadLetterQueue', 'Url'),
      ]),
    ).toEqual([
      {
        resource: 'Queue',
        path: 'Properties.RedrivePolicy.deadLetterTargetArn.Fn::GetAtt',
        message: expect.stringMatching(/^AWS::SQS::Queue has no attribute Url; it has .*\bQueueUrl\b/),
      },
    ]);
  });

  it('reports every name that is not in the template: Ref, GetAtt, Sub, DependsOn, Condition, outputs', () => {
    const problems = problemsWith(
      ['Resources.Handler.Properties.Environment.Variables.TABLE', { Ref: 'Tabel' }],
      ['Resources.Handler.DependsOn', ['Role', 'Policy']],
      ['Resources.QueueMapping.Properties.EventSourceArn', { 'Fn::GetAtt': 'Queues.Arn' }],
      ['Resources.Queue.Properties.QueueName', { 'Fn::Sub': '${AWS::StackName}-${Stag}-${!Literal}' }],
      ['Resources.Seed.Condition', 'IsProduction'],
      ['Outputs.QueueUrl.Value', { Ref: 'Queue2' }],
    );
    expect(problems.map(({ resource, path, message }) => `${resource} ${path}: ${message}`)).toEqual([
      'Queue Properties.QueueName.Fn::Sub: names ${Stag}: not a resource, parameter or pseudo parameter of the template',
      'Handler DependsOn[1]: names string "Policy", not a resource here',
      'Handler Properties.Environment.Variables.TABLE.Ref: names string "Tabel": not a resource, parameter or pseudo parameter of the template',
      'QueueMapping Properties.EventSourceArn.Fn::GetAtt: names string "Queues", not a resource of the template',
      'Seed Condition: names string "IsProduction", not a condition of the template',
      'Outputs.QueueUrl Value.Ref: names string "Queue2": not a resource, parameter or pseudo parameter of the template',
    ]);
  });

  it('checks only the ServiceToken of a custom resource, and the names inside its properties', () => {
    expect(problemsWith(['Resources.Seed.Properties', { Anything: { Ref: 'Nowhere' } }])).toEqual([
      { resource: 'Seed', path: 'Properties.ServiceToken', message: 'is required by Custom::Seed' },
      {
        resource: 'Seed',
        path: 'Properties.Anything.Ref',
        message: 'names string "Nowhere": not a resource, parameter or pseudo parameter of the template',
      },
    ]);
  });

  it('reports a value that fits no member of a union, else the deep problems of the member it resembles', () => {
    const group = (topic: unknown) => ({
      Resources: {
        Group: {
          Type: 'AWS::AutoScaling::AutoScalingGroup',
          Properties: { MinSize: '0', MaxSize: '1', NotificationConfigurations: [{ TopicARN: topic }] },
        },
      },
    });
    const path = 'Properties.NotificationConfigurations[0].TopicARN';
    expect(validateTemplate(group('arn:aws:sns:us-east-1:1:t'))).toEqual([]);
    expect(validateTemplate(group(['arn:aws:sns:us-east-1:1:t']))).toEqual([]);
    expect(validateTemplate(group(42))).toEqual([
      { resource: 'Group', path, message: 'must be string or array of string, got number 42' },
    ]);
    expect(validateTemplate(group(['arn:aws:sns:us-east-1:1:t', 7]))).toEqual([
      { resource: 'Group', path: `${path}[1]`, message: 'must be string, got number 7' },
    ]);
  });
});
