import { describe, expect, it } from 'vitest';
import { runTransformCommand } from './transform-command.js';

const ec2 = {
  version: '0',
  id: '7bf73129-1428-4cd3-a780-95db273d1602',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  time: '2015-11-11T21:29:54Z',
  resources: [],
  detail: { 'instance-id': 'i-0123456789', state: 'RUNNING' },
};

describe('runTransformCommand', () => {
  it('prints a string output as it is', () => {
    const transform = {
      InputTransformer: {
        InputPathsMap: { instance: '$.detail.instance-id', state: '$.detail.state' },
        InputTemplate: '"instance \\"<instance>\\" is in <state>"',
      },
    };
    expect(runTransformCommand(transform, ec2)).toBe('instance "i-0123456789" is in RUNNING');
  });

  it('prints any other output as indented JSON, and nothing for a missing path', () => {
    expect(runTransformCommand({ InputPath: '$.detail' }, ec2)).toBe(
      '{\n  "instance-id": "i-0123456789",\n  "state": "RUNNING"\n}',
    );
    expect(runTransformCommand({ InputPath: '$.detail.gone' }, ec2)).toBe('');
    expect(runTransformCommand({ form: 'JSONPATH', value: '$.detail' }, ec2)).toBe(
      runTransformCommand({ InputPath: '$.detail' }, ec2),
    );
  });

  it('takes JSON text as well as parsed values, and the rule context', () => {
    const out = runTransformCommand(
      '{"InputTransformer":{"InputTemplate":"\\"<aws.events.rule-name> at <aws.events.event.ingestion-time>\\""}}',
      JSON.stringify(ec2),
      { ruleName: 'nightly', ingestionTime: '2024-05-01T00:00:00Z' },
    );
    expect(out).toBe('nightly at 2024-05-01T00:00:00Z');
  });

  it('says which argument is not JSON', () => {
    expect(() => runTransformCommand('{InputPath: $.detail}', ec2)).toThrow(
      expect.objectContaining({ code: 'E_TRANSFORM_INVALID', path: '--transform' }),
    );
    expect(() => runTransformCommand({ InputPath: '$.detail' }, '{not json')).toThrow(
      expect.objectContaining({ code: 'E_SOURCE_INVALID', path: '--event' }),
    );
    expect(() => runTransformCommand({ InputPath: 'detail' }, ec2)).toThrow(
      expect.objectContaining({ code: 'E_TRANSFORM_INVALID', path: '--transform.InputPath' }),
    );
  });
});
