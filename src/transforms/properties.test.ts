// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Alibaba templates spell placeholders ${name}.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toUriReference } from '../cloud-event.js';
import { isTriggerError } from '../errors.js';
import { toCloudEvents } from '../sources/index.js';
import { compileTransform, type Transform, type TransformSpec } from './compile.js';

/** One spec of every form and shape, each reading fields the generated events may or may not have. */
const SPECS: readonly TransformSpec[] = [
  { Input: '{"fixed":[1,{"a":null}]}' },
  { InputPath: '$' },
  { InputPath: '$.detail' },
  { InputPath: '$.detail.a.b[0]' },
  { InputPath: '$.detail.*' },
  { InputPath: '$.detail[*].x' },
  {
    InputTransformer: {
      InputPathsMap: { a: '$.detail.a', b: '$.detail.b[1]', all: '$.detail.*', type: '$.detail-type' },
      InputTemplate:
        '{"a": <a>, "b": [<b>, "<b>"], "text": "<a> <all> <type>", "event": <aws.events.event>, "json": <aws.events.event.json>, "t": <aws.events.event.ingestion-time>}',
    },
  },
  {
    InputTransformer: {
      InputPathsMap: { a: '$.detail.a' },
      InputTemplate: '"a is <a> (<aws.events.rule-name>)"',
    },
  },
  { InputTransformer: { InputPathsMap: { a: '$.detail.a' }, InputTemplate: '"<a>"\n"<a>"' } },
  { InputTransformer: { InputPathsMap: { a: '$.detail' }, InputTemplate: 'raw <a> text' } },
  { inputTransformer: { inputPathsMap: { a: '$.source' }, inputTemplate: '<a>' } },
  { form: 'ORIGINAL' },
  { form: 'JSONPATH', value: '$.data' },
  { form: 'JSONPATH', value: "$.data['a'][*]" },
  { form: 'CONSTANT', value: { on: true } },
  {
    form: 'TEMPLATE',
    value: { d: '$.data', a: '$.data.a', k: 'constant' },
    template: '{"d": ${d}, "s": "${a} ${k}"}',
  },
  { Form: 'TEMPLATE', Value: '{"a":"$.data.a"}', Template: 'a=${a}' },
];
const TRANSFORMS: readonly Transform[] = SPECS.map((spec) => compileTransform(spec));

const json = fc.jsonValue({ maxDepth: 4 });
const cloudEvent = fc.record(
  {
    specversion: fc.constant('1.0'),
    id: fc.string(),
    source: fc.string(),
    type: fc.string(),
    subject: fc.string(),
    time: fc.string(),
    awsregion: fc.string(),
    data: json,
  },
  { requiredKeys: ['specversion', 'id', 'source', 'type'] },
);
const envelope = fc.record({
  version: fc.constant('0'),
  id: fc.string(),
  'detail-type': fc.string(),
  source: fc.string(),
  resources: fc.array(fc.string(), { maxLength: 2 }),
  detail: json,
});
const anyEvent = fc.oneof(json, cloudEvent, envelope);
const context = fc.record(
  { ruleName: fc.string(), ruleArn: fc.string(), ingestionTime: fc.oneof(fc.string(), fc.date()) },
  { requiredKeys: [] },
);

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** Runs a transform; anything thrown must be a TriggerError E_TRANSFORM_FAILED. */
function runChecked(transform: Transform, event: unknown, ctx: object): void {
  try {
    transform(event, ctx);
  } catch (error) {
    expect(isTriggerError(error) && error.code).toBe('E_TRANSFORM_FAILED');
  }
}

describe('transform properties', () => {
  it('a compiled transform throws nothing but E_TRANSFORM_FAILED on any JSON event, frozen or not', () => {
    fc.assert(
      fc.property(anyEvent, context, (event, ctx) => {
        const frozen = deepFreeze(structuredClone(event));
        for (const transform of TRANSFORMS) runChecked(transform, frozen, ctx);
      }),
      { numRuns: 300 },
    );
  });

  it('a compiled transform never mutates the event', () => {
    fc.assert(
      fc.property(anyEvent, context, (event, ctx) => {
        // JSON text compares values and key order; the generated objects may have a null prototype.
        const before = JSON.stringify(event);
        for (const transform of TRANSFORMS) {
          try {
            transform(event, ctx);
          } catch {
            // a failure is covered above; only the event's state matters here
          }
        }
        expect(JSON.stringify(event)).toBe(before);
      }),
      { numRuns: 300 },
    );
  });

  it('any text as a path or template compiles or fails with E_TRANSFORM_INVALID, never otherwise', () => {
    const text = fc.oneof(fc.string(), fc.stringMatching(/^[$.[\]*'"<>{}a-z0-9_-]{0,24}$/));
    fc.assert(
      fc.property(text, (t) => {
        for (const spec of [
          { InputPath: t },
          { InputTransformer: { InputPathsMap: { a: '$.detail' }, InputTemplate: t } },
          { form: 'JSONPATH', value: t },
          { form: 'TEMPLATE', value: { a: '$.data' }, template: t },
        ] as const) {
          try {
            compileTransform(spec);
          } catch (error) {
            expect(isTriggerError(error) && error.code).toBe('E_TRANSFORM_INVALID');
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('EventBridge-form transforms give the same data on an envelope and on the CloudEvent made from it', () => {
    const spec: TransformSpec = {
      InputTransformer: {
        InputPathsMap: {
          type: '$.detail-type',
          source: '$.source',
          id: '$.id',
          r: '$.resources[0]',
          d: '$.detail',
        },
        InputTemplate:
          '{"type": <type>, "source": "<source>", "id": <id>, "r": <r>, "d": <d>, "text": "<d>"}',
      },
    };
    const transform = compileTransform(spec);
    const raw = fc.record({
      version: fc.constant('0'),
      id: fc.string({ minLength: 1 }),
      'detail-type': fc.string({ minLength: 1 }),
      // A CloudEvent's source is a URI-reference: other text is percent-encoded on the way (see below).
      source: fc.oneof(fc.string({ minLength: 1 }), fc.constantFrom('aws.ec2', 'com.shop.orders')),
      account: fc.constant('210987654321'),
      time: fc.constant('2025-11-23T12:40:00Z'),
      region: fc.constant('eu-west-1'),
      resources: fc.array(fc.string({ minLength: 1 }), { minLength: 1, maxLength: 1 }),
      detail: fc.dictionary(fc.string(), json),
    });
    fc.assert(
      fc.property(raw, (event) => {
        const [item] = toCloudEvents(event).items;
        expect(transform(item?.event)).toStrictEqual(
          transform({ ...event, source: toUriReference(event.source) }),
        );
      }),
      { numRuns: 200 },
    );
  });
});
