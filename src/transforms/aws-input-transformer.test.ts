import { describe, expect, it } from 'vitest';
import { fixture } from '../../test/support/fixtures.js';
import { createCloudEvent } from '../cloud-event.js';
import { isTriggerError, type TriggerError } from '../errors.js';
import { toCloudEvents } from '../sources/index.js';
import { compileTransform, type TransformSpec } from './compile.js';

/** The example Amazon EC2 event of "Transforming Amazon EventBridge target input". */
const ec2 = Object.freeze({
  version: '0',
  id: '7bf73129-1428-4cd3-a780-95db273d1602',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '123456789012',
  time: '2015-11-11T21:29:54Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111'],
  detail: { 'instance-id': 'i-0123456789', state: 'RUNNING' },
});

/** The documentation's Input Path. */
const InputPathsMap = {
  timestamp: '$.time',
  instance: '$.detail.instance-id',
  state: '$.detail.state',
  resource: '$.resources[0]',
};

const rule = { ruleName: 'example', ruleArn: 'arn:aws:events:us-east-2:123456789012:rule/example' };

const transformer = (InputTemplate: string, map: Record<string, string> = InputPathsMap) =>
  compileTransform({ InputTransformer: { InputPathsMap: map, InputTemplate } });

function invalid(spec: unknown): TriggerError {
  try {
    compileTransform(spec as TransformSpec);
  } catch (error) {
    if (isTriggerError(error)) return error;
    throw error;
  }
  throw new Error('expected E_TRANSFORM_INVALID, the spec compiled');
}

describe('EventBridge input transformer: the documented examples', () => {
  it('simple string', () => {
    expect(transformer('"instance <instance> is in <state>"')(ec2)).toBe(
      'instance i-0123456789 is in RUNNING',
    );
  });

  it('string with escaped quotes', () => {
    expect(transformer('"instance \\"<instance>\\" is in <state>"')(ec2)).toBe(
      'instance "i-0123456789" is in RUNNING',
    );
  });

  it('simple JSON: unquoted string variables are quoted for you', () => {
    expect(transformer('{\n  "instance" : <instance>,\n  "state": <state>\n}')(ec2)).toStrictEqual({
      instance: 'i-0123456789',
      state: 'RUNNING',
    });
  });

  it('JSON with strings and variables', () => {
    const template =
      '{\n "instance" : <instance>,\n "state": "<state>",\n "instanceStatus": "instance \\"<instance>\\" is in <state>"\n}';
    expect(transformer(template)(ec2)).toStrictEqual({
      instance: 'i-0123456789',
      state: 'RUNNING',
      instanceStatus: 'instance "i-0123456789" is in RUNNING',
    });
  });

  it('JSON with a mix of variables and static information', () => {
    const template =
      '{\n  "instance" : <instance>,\n  "state": [ 9, <state>, true ],\n  "Transformed" : "Yes"\n}';
    expect(transformer(template)(ec2)).toStrictEqual({
      instance: 'i-0123456789',
      state: [9, 'RUNNING', true],
      Transformed: 'Yes',
    });
  });

  it('including reserved variables in JSON', () => {
    const template =
      '{\n  "instance" : <instance>,\n  "state": <state>,\n  "ruleArn" : <aws.events.rule-arn>,\n  "ruleName" : <aws.events.rule-name>,\n  "originalEvent" : <aws.events.event>\n}';
    const { detail: _, 'detail-type': detailType, ...rest } = ec2;
    expect(transformer(template)(ec2, rule)).toStrictEqual({
      instance: 'i-0123456789',
      state: 'RUNNING',
      ruleArn: 'arn:aws:events:us-east-2:123456789012:rule/example',
      ruleName: 'example',
      originalEvent: { ...rest, detailType },
    });
  });

  it('including reserved variables in a string', () => {
    expect(transformer('"<aws.events.rule-name> triggered"')(ec2, rule)).toBe('example triggered');
  });

  it('CloudWatch log group (the printed output is not JSON; this is the JSON it stands for)', () => {
    const template =
      '{\n  "timestamp" : <timestamp>,\n  "message": "instance \\"<instance>\\" is in <state>"\n}';
    expect(transformer(template)(ec2)).toStrictEqual({
      timestamp: '2015-11-11T21:29:54Z',
      message: 'instance "i-0123456789" is in RUNNING',
    });
  });

  it('the API reference examples: a template without quotes is text, JSON may quote variables or not', () => {
    expect(transformer('<instance> is in state <state>')(ec2)).toBe('i-0123456789 is in state RUNNING');
    const json = transformer('{"myInstance": <instance>,"myStatus": "<instance> is in state \\"<state>\\""}');
    expect(json(ec2)).toStrictEqual({
      myInstance: 'i-0123456789',
      myStatus: 'i-0123456789 is in state "RUNNING"',
    });
  });

  it('array indices: $.resources[0]', () => {
    expect(transformer('{"resource": <resource>}')(ec2)).toStrictEqual({ resource: ec2.resources[0] });
  });
});

describe('EventBridge input transformer: behaviour recorded against AWS (LocalStack parity snapshots)', () => {
  const detail = { command: 'update-account', payload: { acc_id: '0a787ecb-4015', sf_id: 'baz' } };
  const event = {
    ...ec2,
    'detail-type': 'core.update-account-command',
    source: 'core.update-account-command',
    detail,
  };
  const map = { 'detail-type': '$.detail-type', timestamp: '$.time', command: '$.detail.command' };
  const missing = { ...map, command: '$.detail.notinmessage' };

  it('a missing path leaves nothing in a string template', () => {
    const template =
      '"Event of <detail-type> type, at time <timestamp>, info extracted from detail <command>"';
    expect(transformer(template, map)(event)).toBe(
      'Event of core.update-account-command type, at time 2015-11-11T21:29:54Z, info extracted from detail update-account',
    );
    expect(transformer(template, missing)(event)).toBe(
      'Event of core.update-account-command type, at time 2015-11-11T21:29:54Z, info extracted from detail ',
    );
  });

  it('a missing path becomes "" as an unquoted JSON value', () => {
    const template = '{"detailType": <detail-type>,  "time": <timestamp>, "command": <command>}';
    expect(transformer(template, missing)(event)).toStrictEqual({
      detailType: 'core.update-account-command',
      time: '2015-11-11T21:29:54Z',
      command: '',
    });
  });

  it('a string template may start with JSON-looking characters', () => {
    const template = '"{[/Check with special starting characters for event of <detail-type> type"';
    expect(transformer(template, map)(event)).toBe(
      '{[/Check with special starting characters for event of core.update-account-command type',
    );
  });

  it('an undefined placeholder is refused when the target is defined', () => {
    const error = invalid({
      InputTransformer: {
        InputPathsMap: map,
        InputTemplate: '"Event of <detail-type> type, with not defined key <notdefinedkey>"',
      },
    });
    expect(error.code).toBe('E_TRANSFORM_INVALID');
    expect(error.message).toContain('contains invalid placeholder <notdefinedkey>');
    expect(error.path).toBe('transform.InputTransformer.InputTemplate');
  });

  it('predefined variables in a string, and <aws.events.event> / <aws.events.event.json> as JSON values', () => {
    const text = compileTransform({
      InputTransformer: {
        InputTemplate:
          '"Message containing all pre defined variables <aws.events.rule-arn> <aws.events.rule-name> <aws.events.event.ingestion-time>"',
      },
    });
    expect(text(event, rule)).toBe(
      `Message containing all pre defined variables ${rule.ruleArn} example 2015-11-11T21:29:54Z`,
    );
    const json = compileTransform({
      InputTransformer: {
        InputTemplate: '{"originalEvent": <aws.events.event>, "originalEventJson": <aws.events.event.json>}',
      },
    });
    const output = json(event) as { originalEvent: object; originalEventJson: object };
    expect(Object.keys(output.originalEvent)).toStrictEqual([
      'id',
      'account',
      'detailType',
      'time',
      'source',
      'region',
      'resources',
      'version',
    ]);
    expect(output.originalEventJson).toStrictEqual(event);
  });

  it('InputPath selects part of the event; a string stays a string', () => {
    expect(compileTransform({ InputPath: '$.detail' })(event)).toStrictEqual(detail);
    expect(compileTransform({ InputPath: '$.detail.payload' })(event)).toStrictEqual(detail.payload);
    expect(compileTransform({ InputPath: '$.detail.payload.sf_id' })(event)).toBe('baz');
  });

  it('only one of Input, InputPath and InputTransformer', () => {
    const error = invalid({ InputPath: '$.detail', InputTransformer: { InputTemplate: '"x"' } });
    expect(error.message).toContain('only one of Input, InputPath, InputTransformer must be provided');
  });
});

describe('EventBridge target input: quoting rules and the rest', () => {
  it('objects and arrays inside a string lose their quotes; outside they stay JSON', () => {
    const t = transformer('{"text": "Detail is <detail>", "detail": <detail>}', { detail: '$.detail' });
    expect(t(ec2)).toStrictEqual({
      text: 'Detail is {instance-id:i-0123456789,state:RUNNING}',
      detail: ec2.detail,
    });
  });

  it('numbers, booleans and null keep their type unquoted and read as text inside a string', () => {
    const event = { detail: { n: 5, ok: false, none: null } };
    const t = transformer('{"n": <n>, "ok": <ok>, "none": <none>, "text": "<n> <ok> <none>"}', {
      n: '$.detail.n',
      ok: '$.detail.ok',
      none: '$.detail.none',
    });
    expect(t(event)).toStrictEqual({ n: 5, ok: false, none: null, text: '5 false null' });
  });

  it('a value with quotes inside a string stays intact (EventBridge would send broken JSON)', () => {
    const t = transformer('{"message": "order <name>"}', { name: '$.detail.name' });
    expect(t({ detail: { name: 'the "big" one' } })).toStrictEqual({ message: 'order the "big" one' });
  });

  it('wildcards gather every match into an array', () => {
    const event = { detail: { items: [{ sku: 'a' }, { sku: 'b' }, { other: 1 }] } };
    expect(compileTransform({ InputPath: '$.detail.items[*].sku' })(event)).toStrictEqual(['a', 'b']);
    expect(transformer('"skus: <skus>"', { skus: '$.detail.items[*].sku' })(event)).toBe('skus: [a,b]');
    expect(compileTransform({ InputPath: '$.detail.*' })({ detail: { a: 1, b: 2 } })).toStrictEqual([1, 2]);
  });

  it('quoted lines make a multi-line string', () => {
    const t = transformer('"Instance <instance>"\n"is now <state>"');
    expect(t(ec2)).toBe('Instance i-0123456789\nis now RUNNING');
  });

  it('a bare placeholder is the value itself', () => {
    expect(
      compileTransform({ InputTransformer: { InputTemplate: '<aws.events.event.json>' } })(ec2),
    ).toStrictEqual(ec2);
    expect(transformer('<state>')(ec2)).toBe('RUNNING');
  });

  it('a missing InputPath gives no data; a missing rule name leaves nothing', () => {
    expect(compileTransform({ InputPath: '$.detail.nothing' })(ec2)).toBeUndefined();
    expect(transformer('"rule <aws.events.rule-name>!"')(ec2)).toBe('rule !');
  });

  it('ingestion time comes from the context (string or Date), else the event time', () => {
    const t = transformer('"<aws.events.event.ingestion-time>"');
    expect(t(ec2, { ingestionTime: '2024-01-02T03:04:05Z' })).toBe('2024-01-02T03:04:05Z');
    expect(t(ec2, { ingestionTime: new Date(Date.UTC(2024, 0, 2)) })).toBe('2024-01-02T00:00:00.000Z');
    expect(t(ec2)).toBe('2015-11-11T21:29:54Z');
    expect(() => t(ec2, { ingestionTime: new Date(Number.NaN) })).toThrow(
      expect.objectContaining({ code: 'E_TRANSFORM_FAILED' }),
    );
  });

  it('Input is constant JSON text, delivered as its value and frozen', () => {
    const t = compileTransform({ Input: '{"action":"refresh","ids":[1,2]}' });
    const first = t(ec2);
    expect(first).toStrictEqual({ action: 'refresh', ids: [1, 2] });
    expect(t({ other: true })).toBe(first);
    expect(Object.isFrozen((first as { ids: number[] }).ids)).toBe(true);
  });

  it('accepts the serverless.yml spelling: input, inputPath, inputTransformer', () => {
    expect(compileTransform({ input: { action: 'refresh' } })(ec2)).toStrictEqual({ action: 'refresh' });
    expect(compileTransform({ inputPath: '$.detail.state' })(ec2)).toBe('RUNNING');
    const t = compileTransform({
      inputTransformer: { inputPathsMap: { state: '$.detail.state' }, inputTemplate: '{"state": <state>}' },
    });
    expect(t(ec2)).toStrictEqual({ state: 'RUNNING' });
  });
});

describe('which event an EventBridge-form transform sees', () => {
  const raw = fixture('eventbridge/order-placed.json');
  const [item] = toCloudEvents(raw).items;
  const cloudEvent = item?.event;

  it('a rule copied from an EventBridge target gives the same data on the normalized CloudEvent', () => {
    const specs: TransformSpec[] = [
      { InputPath: '$.detail' },
      { InputPath: '$.detail.items[0].sku' },
      {
        InputTransformer: {
          InputPathsMap: {
            type: '$.detail-type',
            source: '$.source',
            region: '$.region',
            account: '$.account',
            bus: '$.resources[0]',
            id: '$.detail.orderId',
          },
          InputTemplate:
            '{"what": "<type> from <source>", "where": [<region>, <account>, <bus>], "order": <id>}',
        },
      },
    ];
    for (const spec of specs) {
      const t = compileTransform(spec);
      expect(t(cloudEvent)).toStrictEqual(t(raw));
    }
  });

  it('<aws.events.event.json> of a CloudEvent is its EventBridge envelope', () => {
    const event = createCloudEvent({
      id: 'c-1',
      source: 'com.shop',
      type: 'Order Placed',
      subject: 'order/42',
      data: { total: 5 },
    });
    const t = compileTransform({ InputTransformer: { InputTemplate: '{"event": <aws.events.event.json>}' } });
    expect(t(event)).toStrictEqual({
      event: {
        version: '0',
        id: 'c-1',
        'detail-type': 'Order Placed',
        source: 'com.shop',
        resources: ['order/42'],
        detail: { total: 5 },
      },
    });
  });
});
