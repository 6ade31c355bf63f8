// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Alibaba templates spell placeholders ${name}.
import { describe, expect, it } from 'vitest';
import { createCloudEvent } from '../cloud-event.js';
import { compileDefinition, type HandlerContext } from '../definition.js';
import { isTriggerError, TriggerError } from '../errors.js';
import { runPipeline } from '../pipeline.js';
import { compileTransform, type TransformSpec } from './compile.js';

function rejection(spec: unknown): TriggerError {
  try {
    compileTransform(spec as TransformSpec, 'transform');
  } catch (error) {
    if (isTriggerError(error)) return error;
    throw error;
  }
  throw new Error('expected E_TRANSFORM_INVALID, the spec compiled');
}

const map = (InputPathsMap: unknown, InputTemplate: unknown = '"x"') => ({
  InputTransformer: { InputPathsMap, InputTemplate },
});
const template = (InputTemplate: unknown, InputPathsMap: unknown = { state: '$.detail.state' }) => ({
  InputTransformer: { InputPathsMap, InputTemplate },
});
const hundredAndOne = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`v${i}`, '$.detail']));

/** [why, spec, where the error points, a fragment of its message] */
const INVALID: readonly (readonly [string, unknown, string, string])[] = [
  ['not an object', 'InputPath', 'transform', 'must be a function (event) => data'],
  ['null', null, 'transform', 'got null'],
  ['an array', [{ form: 'ORIGINAL' }], 'transform', 'got an array'],
  ['no known key', { template: { id: '$.data.id' } }, 'transform', 'got an object with template'],
  // EventBridge target input
  [
    'two inputs',
    { Input: '{}', InputPath: '$' },
    'transform',
    'only one of Input, InputPath, InputTransformer',
  ],
  ['mixed spellings', { Input: '{}', inputPath: '$' }, 'transform', 'mixes the API spelling'],
  [
    'unknown key',
    { InputPath: '$.detail', Id: 'target-1' },
    'transform.Id',
    'not an EventBridge target input key',
  ],
  ['Input not JSON', { Input: '{status: ok}' }, 'transform.Input', 'must be valid JSON text'],
  ['Input too long', { Input: `"${'x'.repeat(8191)}"` }, 'transform.Input', 'EventBridge allows 8192'],
  ['Input not JSON at all', { input: () => 1 }, 'transform.input', 'must be a JSON value or JSON text'],
  ['InputPath not a string', { InputPath: 42 }, 'transform.InputPath', 'must be a JSONPath string'],
  [
    'path not from the root',
    { InputPath: 'detail.state' },
    'transform.InputPath',
    'must start at the event root "$"',
  ],
  ['bracket name', { InputPath: "$['detail']" }, 'transform.InputPath', 'accepts dot notation only'],
  ['recursive descent', { InputPath: '$..state' }, 'transform.InputPath', 'recursive descent'],
  [
    'filter',
    { InputPath: '$.detail.items[?(@.n>1)]' },
    'transform.InputPath',
    'filter expressions are not supported',
  ],
  ['slice', { InputPath: '$.detail.items[0:2]' }, 'transform.InputPath', 'array slices are not supported'],
  ['union', { InputPath: '$.detail.items[0,1]' }, 'transform.InputPath', 'unions are not supported'],
  ['negative index', { InputPath: '$.detail.items[-1]' }, 'transform.InputPath', 'negative array indices'],
  ['odd character', { InputPath: '$.detail.a b' }, 'transform.InputPath', 'unexpected " " at character 11'],
  ['__proto__', { InputPath: '$.detail.__proto__.x' }, 'transform.InputPath', 'may never read __proto__'],
  ['constructor', { InputPath: '$.constructor' }, 'transform.InputPath', 'steps into `constructor`'],
  [
    'prototype',
    map({ p: '$.detail.prototype' }),
    'transform.InputTransformer.InputPathsMap.p',
    '`prototype`',
  ],
  ['path too long', { InputPath: `$.${'a'.repeat(255)}` }, 'transform.InputPath', 'at most 256'],
  ['transformer not an object', { InputTransformer: '"x"' }, 'transform.InputTransformer', 'must be {'],
  [
    'transformer key',
    { InputTransformer: { InputTemplate: '"x"', InputPath: '$' } },
    'transform.InputTransformer.InputPath',
    'not an input transformer key',
  ],
  [
    'paths map not an object',
    map(['$.detail']),
    'transform.InputTransformer.InputPathsMap',
    'must be an object',
  ],
  ['101 variables', map(hundredAndOne), 'transform.InputTransformer.InputPathsMap', 'allows at most 100'],
  [
    'reserved name',
    map({ 'aws.events.rule-name': '$.detail' }),
    'transform.InputTransformer.InputPathsMap.aws.events.rule-name',
    'redefines the reserved variable',
  ],
  [
    'bad variable name',
    map({ 'my var': '$.detail' }),
    'transform.InputTransformer.InputPathsMap.my var',
    'not a valid variable name',
  ],
  [
    'template missing',
    { InputTransformer: { InputPathsMap: {} } },
    'transform.InputTransformer.InputTemplate',
    'is required',
  ],
  ['template empty', map({}, ''), 'transform.InputTransformer.InputTemplate', 'is required'],
  [
    'template too long',
    template(`"${'x'.repeat(8191)}"`),
    'transform.InputTransformer.InputTemplate',
    'EventBridge allows 8192',
  ],
  [
    'undefined placeholder',
    template('"<state> <stat>"'),
    'transform.InputTransformer.InputTemplate',
    'invalid placeholder <stat>',
  ],
  [
    'placeholder as key',
    template('{<state>: 1}'),
    'transform.InputTransformer.InputTemplate',
    'cannot be used as an object key',
  ],
  [
    'placeholder in a key',
    template('{"s-<state>": 1}'),
    'transform.InputTransformer.InputTemplate',
    'cannot be used as an object key',
  ],
  [
    'bad JSON template',
    template('{"state": <state>,}'),
    'transform.InputTransformer.InputTemplate',
    'is not valid JSON: expected a quoted object key at character 19',
  ],
  [
    'unterminated JSON',
    template('{"state": "<state>'),
    'transform.InputTransformer.InputTemplate',
    'unterminated string',
  ],
  [
    'event JSON inside a string',
    template('"got <aws.events.event.json>"'),
    'transform.InputTransformer.InputTemplate',
    'can only be the value of a JSON field',
  ],
  [
    'event inside a JSON string',
    template('{"e": "<aws.events.event>"}'),
    'transform.InputTransformer.InputTemplate',
    'can only be the value of a JSON field',
  ],
  // Alibaba
  [
    'unknown form',
    { form: 'PARTIAL', value: '$.data' },
    'transform.form',
    'must be one of ORIGINAL, JSONPATH, CONSTANT, TEMPLATE',
  ],
  ['lower-case form', { form: 'template' }, 'transform.form', "write it in capitals: 'TEMPLATE'"],
  [
    'unknown Alibaba key',
    { form: 'ORIGINAL', target: 'x' },
    'transform.target',
    'not a key of an Alibaba transform',
  ],
  ['ORIGINAL with a value', { form: 'ORIGINAL', value: '$.data' }, 'transform.value', 'not used by ORIGINAL'],
  [
    'template outside TEMPLATE',
    { form: 'JSONPATH', value: '$.data', template: '${x}' },
    'transform.template',
    'only used by the TEMPLATE form',
  ],
  ['JSONPATH without a path', { form: 'JSONPATH' }, 'transform.value', 'must be a JSONPath string'],
  ['JSONPATH filter', { Form: 'JSONPATH', Value: '$.data[?(@.a)]' }, 'transform.Value', 'filter expressions'],
  [
    'JSONPATH __proto__',
    { form: 'JSONPATH', value: "$.data['__proto__']" },
    'transform.value',
    'may never read __proto__',
  ],
  ['CONSTANT without a value', { form: 'CONSTANT' }, 'transform.value', 'is required by CONSTANT'],
  ['CONSTANT too long', { form: 'CONSTANT', value: 'x'.repeat(10_241) }, 'transform.value', 'allows 10240'],
  [
    'CONSTANT not JSON',
    { form: 'CONSTANT', value: 10n },
    'transform.value',
    'must be a string or a JSON value',
  ],
  [
    'TEMPLATE value not JSON',
    { form: 'TEMPLATE', value: '{name: $.data.name}', template: '${name}' },
    'transform.value',
    'must be a JSON object of variables',
  ],
  [
    'TEMPLATE value an array',
    { form: 'TEMPLATE', value: ['$.data'], template: '' },
    'transform.value',
    'must be an object of variables',
  ],
  [
    'nested variable',
    { form: 'TEMPLATE', value: { a: { b: '$.data' } }, template: '${a}' },
    'transform.value.a',
    'nested variables are not supported',
  ],
  [
    'empty variable name',
    { form: 'TEMPLATE', value: { ' ': '$.data' }, template: '' },
    'transform.value.',
    'not a usable variable name',
  ],
  [
    'name declared twice',
    { form: 'TEMPLATE', value: { a: '$.x', ' a ': '$.y' }, template: '${a}' },
    'transform.value.a',
    'declared twice',
  ],
  [
    'variable path',
    { form: 'TEMPLATE', value: { a: '$.data..x' }, template: '${a}' },
    'transform.value.a',
    'recursive descent',
  ],
  [
    'variable constant too long',
    { form: 'TEMPLATE', value: { a: 'x'.repeat(10_241) }, template: '${a}' },
    'transform.value.a',
    'allows 10240',
  ],
  [
    'template missing (Alibaba)',
    { form: 'TEMPLATE', value: {} },
    'transform.template',
    'is required by TEMPLATE',
  ],
  [
    'template too long (Alibaba)',
    { form: 'TEMPLATE', value: {}, template: 'x'.repeat(10_241) },
    'transform.template',
    'allows 10240',
  ],
  [
    'undeclared variable',
    { form: 'TEMPLATE', value: { a: '$.data' }, template: '${a} ${b}' },
    'transform.template',
    'uses ${b}, which transform.value does not declare',
  ],
  [
    'nested placeholders',
    { form: 'TEMPLATE', value: { a: '$.data' }, template: '${a${a}}' },
    'transform.template',
    'nested variables are not supported',
  ],
  [
    'empty placeholder',
    { form: 'TEMPLATE', value: {}, template: 'x ${ } y' },
    'transform.template',
    'needs a variable name',
  ],
  [
    'bad JSON template (Alibaba)',
    { form: 'TEMPLATE', value: { a: '$.data' }, template: '{"a": ${a}' },
    'transform.template',
    'is not valid JSON',
  ],
  [
    'Alibaba placeholder as key',
    { form: 'TEMPLATE', value: { a: '$.data' }, template: '{"${a}": 1}' },
    'transform.template',
    'cannot be used as an object key',
  ],
];

describe('compileTransform refuses bad specs at definition time', () => {
  it.each(INVALID)('%s', (_why, spec, path, fragment) => {
    const error = rejection(spec);
    expect(error.code).toBe('E_TRANSFORM_INVALID');
    expect(error.path).toBe(path);
    expect(error.message).toContain(fragment);
  });

  it('says where with the `where` argument', () => {
    expect(() => compileTransform({ InputPath: 'x' }, 'handlers[2].transform')).toThrow(
      expect.objectContaining({ path: 'handlers[2].transform.InputPath' }),
    );
  });
});

describe('compileTransform: functions', () => {
  const event = createCloudEvent({ id: 'e-7', source: '/shop', type: 'order', data: { total: 3 } });

  it('calls a function with the event and the context', () => {
    const t = compileTransform((e, context) => ({
      total: (e.data as { total: number }).total,
      rule: context?.ruleName,
    }));
    expect(t(event, { ruleName: 'r' })).toStrictEqual({ total: 3, rule: 'r' });
  });

  it('turns anything a function throws into E_TRANSFORM_FAILED, with the cause and the event id', () => {
    const boom = new RangeError('boom');
    for (const thrown of [boom, 'text', Object.create(null), new TriggerError('E_NON_RETRYABLE', 'no')]) {
      const t = compileTransform(() => {
        throw thrown;
      });
      let caught: unknown;
      try {
        t(event);
      } catch (error) {
        caught = error;
      }
      expect(caught).toMatchObject({
        code: 'E_TRANSFORM_FAILED',
        path: 'transform',
        eventId: 'e-7',
        cause: thrown,
      });
    }
  });

  it('passes an E_TRANSFORM_FAILED through unchanged', () => {
    const failure = new TriggerError('E_TRANSFORM_FAILED', 'bad row');
    const t = compileTransform(() => {
      throw failure;
    });
    expect(() => t(event)).toThrow(failure);
  });
});

describe('in the pipeline', () => {
  const ctx = { attempt: 1, ref: 'r-1', transport: 'cloudevents' } as HandlerContext;
  const event = createCloudEvent({
    id: 'o-1',
    source: 'com.shop.orders',
    type: 'Order Placed',
    subject: 'arn:aws:events:eu-west-1:210987654321:event-bus/shop',
    awsregion: 'eu-west-1',
    data: { orderId: 'ord-4001', total: 310 },
  });

  it('the handler receives the transformed payload as data, attributes kept', async () => {
    const definition = compileDefinition({
      transform: {
        InputTransformer: {
          InputPathsMap: { id: '$.detail.orderId', total: '$.detail.total', region: '$.region' },
          InputTemplate: '{"order": <id>, "cents": <total>, "region": "<region>"}',
        },
      },
      handle: (e) => e,
    });
    const outcome = await runPipeline(definition, event, ctx);
    expect(outcome.status === 'delivered' && outcome.result).toStrictEqual({
      ...event,
      data: { order: 'ord-4001', cents: 310, region: 'eu-west-1' },
    });
  });

  it('a transform that fails on an event is a non-retryable failure', async () => {
    const definition = compileDefinition({
      transform: { form: 'JSONPATH', value: '$.data.orderId' },
      handle: () => 1,
    });
    const huge = createCloudEvent({
      id: 'o-2',
      source: 's',
      type: 't',
      data: { orderId: 'x'.repeat(20_000) },
    });
    const outcome = await runPipeline(definition, huge, ctx);
    expect(outcome).toMatchObject({ status: 'failed', stage: 'transform', retryable: false });
  });
});
