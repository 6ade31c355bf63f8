// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Alibaba templates spell placeholders ${name}.
import { describe, expect, it } from 'vitest';
import { createCloudEvent } from '../cloud-event.js';
import { compileTransform } from './compile.js';

/** The sample event of Alibaba Cloud EventBridge's "Event transformation" page. */
const oss = Object.freeze({
  id: '7adc8c1a-645d-4476-bdef-5d6fb57f****',
  source: 'acs.oss',
  specversion: '1.0',
  type: 'oss:ObjectCreated:PostObject',
  datacontenttype: 'application/json',
  dataschema: 'http://example.com/test.json',
  subject: 'acs:oss:cn-hangzhou:1234567:xls-papk/game_apk/123.jpg',
  time: '2020-08-17T16:04:46.149Asia/Shanghai',
  aliyuneventbusname: 'demo-bus',
  aliyunregionid: 'Shanghai',
  data: { name: 'test', scope: 100 },
});

/**
 * The sample event of Apache RocketMQ EventBridge's Transform examples (docs/cn, Alibaba's open-source
 * EventBridge). There `data` is JSON text with datacontenttype application/json; a normalized CloudEvent
 * carries it parsed, which is what the paths read.
 */
const rocketmq = (data: unknown) => ({
  id: '123',
  source: 'testSource1',
  subject: 'dolor mollit reprehenderit velit est',
  type: 'testSourceType1',
  time: '2020-08-17T16:04:46.149Z',
  data,
  datacontenttype: 'application/json',
});

describe('Alibaba EventBridge transforms: the documented examples', () => {
  it('complete event (ORIGINAL) delivers the CloudEvent unchanged', () => {
    expect(compileTransform({ form: 'ORIGINAL' })(oss)).toBe(oss);
  });

  it('partial event (JSONPATH) extracts one value', () => {
    expect(compileTransform({ form: 'JSONPATH', value: '$.data.name' })(oss)).toBe('test');
    const event = rocketmq({ name: 'test1', 'source-ips': ['10.0.0.123', '10.0.0.124'] });
    expect(compileTransform({ form: 'JSONPATH', value: '$.data.name' })(event)).toBe('test1');
    expect(compileTransform({ form: 'JSONPATH', value: '$.data.source-ips' })(event)).toStrictEqual([
      '10.0.0.123',
      '10.0.0.124',
    ]);
  });

  it('constant (CONSTANT) delivers a fixed value whatever the event', () => {
    const t = compileTransform({ form: 'CONSTANT', value: 'constantValue' });
    expect(t(oss)).toBe('constantValue');
    expect(t(rocketmq({}))).toBe('constantValue');
  });

  it('template (TEMPLATE) to a string; blanks around names are ignored, value may be JSON text', () => {
    const t = compileTransform({
      form: 'TEMPLATE',
      value: '{"name  ":"$.data.name","ip":"$.data.source-ip"}',
      template: '"i am ${name}, my ip is ${  ip  }."',
    });
    expect(t(rocketmq({ name: 'test1', 'source-ip': '10.0.0.123' }))).toBe(
      'i am test1, my ip is 10.0.0.123.',
    );
  });

  it('template to JSON objects, with constants and arrays around the variables', () => {
    const value = '{"name  ":"$.data.name","ip":"$.data.source-ip"}';
    const event = rocketmq({ name: 'test1', 'source-ip': '10.0.0.123' });
    const object = compileTransform({
      form: 'TEMPLATE',
      value,
      template: '{"name": "${name}", "ip": "${  ip  }"}',
    });
    expect(object(event)).toStrictEqual({ name: 'test1', ip: '10.0.0.123' });
    const withArray = compileTransform({
      form: 'TEMPLATE',
      value,
      template: '{"name": "${name}", "ips": ["${  ip  }", "10.251.11.1"], "cc":"bb"}',
    });
    expect(withArray(event)).toStrictEqual({ name: 'test1', ips: ['10.0.0.123', '10.251.11.1'], cc: 'bb' });
  });

  it('template with an unquoted variable holding an array of objects', () => {
    const t = compileTransform({
      form: 'TEMPLATE',
      value: '{"name  ":"$.data.name","ips":"$.data.ips"}',
      template: '{"name": "${name}", "ips": ${  ips  }}',
    });
    const ips = [{ host: '10.0.0.123', port: '8080' }];
    expect(t(rocketmq({ name: 'test1', ips }))).toStrictEqual({ name: 'test1', ips });
  });

  it('template as plain text, mixing a JSONPath variable with a constant one', () => {
    const t = compileTransform({
      form: 'TEMPLATE',
      value: { name: '$.data.name', constant: 'Please deal with it timely.' },
      template: 'The instance is broken, which name is ${name}, ${constant}',
    });
    expect(t(oss)).toBe('The instance is broken, which name is test, Please deal with it timely.');
    const price = compileTransform({ form: 'TEMPLATE', value: { p: '$5 off' }, template: '${p}' });
    expect(price(oss)).toBe('$5 off');
  });
});

describe('Alibaba EventBridge transforms: the rest of the rules', () => {
  it('reads the CloudEvent as it is: attributes at the top, payload under data', () => {
    const event = createCloudEvent({
      id: 'a-1',
      source: 'acs.oss',
      type: 'oss:ObjectCreated',
      subject: 's',
      data: { n: 1 },
    });
    const t = compileTransform({
      form: 'TEMPLATE',
      value: { subject: '$.subject', n: '$.data.n', type: '$.type' },
      template: '{"subject": "${subject}", "n": ${n}, "type": "${type}"}',
    });
    expect(t(event)).toStrictEqual({ subject: 's', n: 1, type: 'oss:ObjectCreated' });
  });

  it('a missing variable is empty text inside strings and null as a JSON value', () => {
    const t = compileTransform({
      form: 'TEMPLATE',
      value: { gone: '$.data.gone' },
      template: '{"text": "[${gone}]", "value": ${gone}}',
    });
    expect(t(oss)).toStrictEqual({ text: '[]', value: null });
    expect(compileTransform({ form: 'JSONPATH', value: '$.data.gone' })(oss)).toBeUndefined();
  });

  it('values inside text: objects and numbers as JSON, strings as they are', () => {
    const t = compileTransform({
      form: 'TEMPLATE',
      value: { data: '$.data', scope: '$.data.scope', name: '$.data.name' },
      template: 'data=${data} scope=${scope} name=${name}',
    });
    expect(t(oss)).toBe('data={"name":"test","scope":100} scope=100 name=test');
  });

  it('takes the API spelling: Form, Value, Template, ResourceKey', () => {
    const t = compileTransform({
      ResourceKey: 'Body',
      Form: 'TEMPLATE',
      Value: '{"key":"$.data.name","value":"$.data.scope"}',
      Template: 'The value of ${key} is ${value}!',
    });
    expect(t(oss)).toBe('The value of test is 100!');
  });

  it('a constant object is frozen; a string constant is delivered as it is', () => {
    const object = compileTransform({ form: 'CONSTANT', value: { refresh: true } })(oss);
    expect(object).toStrictEqual({ refresh: true });
    expect(Object.isFrozen(object)).toBe(true);
    expect(compileTransform({ form: 'CONSTANT', value: '{"a":1}' })(oss)).toBe('{"a":1}');
  });

  it('an extracted value over 10,240 characters fails the event', () => {
    const event = { data: { big: 'x'.repeat(10_241), list: Array.from({ length: 3000 }, () => 'abcd') } };
    for (const spec of [
      { form: 'JSONPATH', value: '$.data.big' },
      { form: 'JSONPATH', value: '$.data.list' },
      { form: 'TEMPLATE', value: { big: '$.data.big' }, template: '${big}' },
    ] as const) {
      expect(() => compileTransform(spec)(event)).toThrow(
        expect.objectContaining({ code: 'E_TRANSFORM_FAILED', message: expect.stringContaining('10240') }),
      );
    }
    expect(
      compileTransform({ form: 'JSONPATH', value: '$.data.big' })({ data: { big: 'x'.repeat(10_240) } }),
    ).toHaveLength(10_240);
  });
});
