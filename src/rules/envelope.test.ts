/**
 * EventBridge `resources` is a list, and a rule on any of its entries matches on AWS: the list must reach
 * patterns (single and indexed), transforms and `triggerkit test-pattern` whole, not only its first entry.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toCloudEvents } from '../sources/index.js';
import { compileTransform } from '../transforms/compile.js';
import { compilePattern } from './compile-pattern.js';
import { envelopeResources } from './envelope.js';
import { compileRuleIndex } from './rule-index.js';
import { testPattern } from './test-pattern.js';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(
    readFileSync(new URL(`../../test/fixtures/events/eventbridge/${name}`, import.meta.url), 'utf8'),
  ) as Record<string, unknown>;

const launch = fixture('autoscaling-launch.json');
const [GROUP, INSTANCE] = launch.resources as [string, string];
const normalized = () => {
  const event = toCloudEvents(launch).items[0]?.event;
  if (event === undefined) throw new Error('no event');
  return event;
};

describe('EventBridge resources: every entry, not only the first', () => {
  it('the event keeps the first as `subject` and the whole list in `awsresources`', () => {
    const event = normalized();
    expect(event.subject).toBe(GROUP);
    expect(event.awsresources).toBe(JSON.stringify([GROUP, INSTANCE]));
    expect(envelopeResources(event)).toEqual([GROUP, INSTANCE]);
  });

  it('one resource that is the subject adds nothing', () => {
    const event = toCloudEvents(fixture('order-placed.json')).items[0]?.event;
    expect(event).not.toHaveProperty('awsresources');
    expect(envelopeResources(event)).toEqual([event?.subject]);
  });

  it('a pattern on the second ARN matches, as on AWS', () => {
    const rule = { source: ['aws.autoscaling'], resources: [INSTANCE] };
    expect(compilePattern(rule).matches(normalized())).toBe(true);
    expect(compilePattern({ resources: [{ prefix: 'arn:aws:ec2:' }] }).matches(normalized())).toBe(true);
    expect(
      compilePattern({ resources: ['arn:aws:ec2:eu-west-1:1:instance/i-x'] }).matches(normalized()),
    ).toBe(false);
  });

  it('the rule index agrees', () => {
    const index = compileRuleIndex([
      { id: 'instance', pattern: { resources: [INSTANCE] } },
      { id: 'group', pattern: { resources: [GROUP], 'detail-type': ['EC2 Instance Launch Successful'] } },
      { id: 'other', pattern: { resources: ['arn:aws:ec2:us-west-2:123456789012:instance/i-other'] } },
    ]);
    expect(index.match(normalized())).toEqual(['instance', 'group']);
  });

  it('`exists: false` holds for an event without resources', () => {
    const rule = compilePattern({ resources: [{ exists: false }], source: ['shop'] });
    expect(rule.matches({ specversion: '1.0', id: '1', source: 'shop', type: 't' })).toBe(true);
    expect(rule.matches(normalized())).toBe(false);
  });

  it('an input transformer reads $.resources[1]', () => {
    const transform = compileTransform({
      InputTransformer: { InputPathsMap: { instance: '$.resources[1]' }, InputTemplate: '"<instance>"' },
    });
    expect(transform(normalized())).toBe(INSTANCE);
  });
});

describe('testPattern (triggerkit test-pattern)', () => {
  it('normalizes an EventBridge event first, as TestEventPattern is given one', () => {
    const pattern = {
      source: ['aws.autoscaling'],
      'detail-type': ['EC2 Instance Launch Successful'],
      detail: { AutoScalingGroupName: ['web-asg'] },
    };
    // Matched as it stands, the envelope's `detail` is not the CloudEvent's `data` the pattern reads.
    expect(compilePattern(pattern).matches(launch)).toBe(false);
    expect(testPattern(pattern, launch)).toEqual([true]);
    expect(testPattern({ ...pattern, detail: { AutoScalingGroupName: ['api-asg'] } }, launch)).toEqual([
      false,
    ]);
  });

  it('matches any other JSON as it is', () => {
    const event = { type: 'com.example.order.created', data: { total: 120 } };
    expect(testPattern({ data: { total: [{ numeric: ['>', 100] }] } }, event)).toEqual([true]);
  });
});
