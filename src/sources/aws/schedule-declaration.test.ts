/** The `aws:schedule` declaration: checked when the handler is defined, and it accepts scheduled events. */
import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/support/fixtures.js';
import { defineHandler } from '../../define-handler.js';
import type { HandlerDefinition } from '../../definition.js';
import { isTriggerError } from '../../errors.js';
import { invoke } from '../../testing/index.js';

const handle = async () => undefined;

function definitionError(sources: unknown) {
  try {
    defineHandler({ name: 'tick', sources, handle } as HandlerDefinition);
  } catch (error) {
    if (isTriggerError(error)) return error;
    throw error;
  }
  throw new Error('expected defineHandler to throw');
}

describe('aws:schedule declarations', () => {
  it('takes a valid expression', () => {
    for (const expression of [
      'rate(1 minute)',
      'rate(5 minutes)',
      'cron(0 12 * * ? *)',
      'cron(0 8 ? * 2#1 *)',
    ])
      expect(() => defineHandler({ sources: [{ type: 'aws:schedule', expression }], handle })).not.toThrow();
  });

  it.each([
    [
      [{ type: 'aws:schedule', expression: 'rate(1 minutes)' }],
      'sources[0].expression',
      'handler "tick": `sources[0].expression` must be an EventBridge schedule expression such as \'rate(5 minutes)\' or \'cron(0 12 * * ? *)\' (a rate of 1 takes the singular unit: rate(1 minute)); got "rate(1 minutes)".',
    ],
    [
      [{ type: 'aws:schedule', expression: 'cron(0 12 * * * *)' }],
      'sources[0].expression',
      /\(one of day-of-month and day-of-week must be \? .*e\.g\. cron\(0 12 \* \* \? \*\).*\); got "cron\(0 12 \* \* \* \*\)"\.$/,
    ],
    [
      [
        { type: 'http', path: '/x' },
        { type: 'aws:schedule', expression: 'every hour' },
      ],
      'sources[1].expression',
      /EventBridge takes rate\(value unit\) or cron\(fields\)/,
    ],
    [
      [{ type: 'aws:schedule', expression: 5 }],
      'sources[0].expression',
      /such as 'rate\(5 minutes\)' or 'cron\(0 12 \* \* \? \*\)' \(not a string\); got 5\./,
    ],
    [
      [{ type: 'aws:schedule' }],
      'sources[0].expression',
      "handler \"tick\": `sources[0]` needs `expression`, e.g. { type: 'aws:schedule', expression: 'rate(5 minutes)' }.",
    ],
    [
      [{ type: 'aws:schedule', expression: 'rate(5 minutes)', source: 'shop' }],
      'sources[0].source',
      /unknown key `sources\[0\].source` for a aws:schedule source; it takes expression/,
    ],
  ])('%j → E_CONFIG at %s', (sources, path, message) => {
    const error = definitionError(sources);
    expect(error.code).toBe('E_CONFIG');
    expect(error.path).toBe(path);
    if (typeof message === 'string') expect(error.message).toBe(message);
    else expect(error.message).toMatch(message);
  });

  it('accepts the Scheduled Event EventBridge sends, and refuses other sources', async () => {
    const handler = defineHandler({
      name: 'nightly',
      sources: [{ type: 'aws:schedule', expression: 'cron(0 13 * * ? *)' }],
      handle,
    });
    const scheduled = await invoke(handler, fixture('eventbridge/scheduled-event.json'));
    expect(scheduled.delivered.map((e) => [e.source, e.type])).toEqual([['aws.events', 'Scheduled Event']]);
    const sqs = await invoke(handler, fixture('sqs/orders-batch.json'));
    expect(String((sqs.error as Error)?.message)).toContain('it declares aws:schedule');
  });
});
