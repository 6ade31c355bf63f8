import { describe, expect, it } from 'vitest';
import { defineHandler } from './define-handler.js';
import type { HandlerDefinition } from './definition.js';
import { isTriggerError } from './errors.js';

const handle = async () => undefined;

function definitionError(definition: unknown) {
  try {
    defineHandler(definition as HandlerDefinition);
  } catch (error) {
    if (isTriggerError(error)) return error;
    throw error;
  }
  throw new Error('expected defineHandler to throw');
}

describe('defineHandler validates the definition when it is defined', () => {
  it.each([
    [{ handle, filtr: {} }, 'filtr', /unknown key `filtr`; did you mean `filter`\?/],
    [{ name: 'x' }, 'handle', /`handle` is missing/],
    [{ handle: 'nope' }, 'handle', /`handle` is missing/],
    [{ handle, name: 'has space' }, 'name', /`name` must be 1-64 letters/],
    [{ handle, sources: {} }, 'sources', /`sources` must be an array/],
    [
      { handle, sources: [{ type: 'aws:sqs', queue: '' }] },
      'sources[0].queue',
      /must be a non-empty string naming the queue/,
    ],
    [
      { handle, sources: [{ type: 'aws:sqs', queu: 'orders' }] },
      'sources[0].queu',
      /unknown key `sources\[0\].queu` for a aws:sqs source; it takes queue/,
    ],
    [
      { handle, sources: [{ type: 'http', path: '/h', verify: { provider: 'acme' } }] },
      'sources[0].verify.provider',
      /provider/,
    ],
    [{ handle, sources: [{ type: 'http', path: 'hooks' }] }, 'sources[0].path', /starting with '\/'/],
    [
      { handle, sources: [{ type: 'kafka' }] },
      'sources[0].type',
      /must be one of bus, http, alibaba:eventbridge, cloudevents, aws:sqs, .*; got "kafka"/,
    ],
    [{ handle, filter: [] }, 'filter', /`filter` must be an event pattern object/],
    [
      { handle, retry: { maxAttempts: 0 } },
      'retry.maxAttempts',
      /Expected `retry.maxAttempts` to be a positive integer, got 0\./,
    ],
    [
      { handle, retry: { backoff: { type: 'random' } } },
      'retry.backoff.type',
      /'exponential', 'linear' or 'fixed'/,
    ],
    [{ handle, retry: { maxEventAge: '6 hours' } }, 'retry.maxEventAge', /duration such as '500ms'/],
    [{ handle, retry: { tries: 3 } }, 'retry.tries', /Unknown key `retry.tries`/],
    [{ handle, deadLetter: 'dlq' }, 'deadLetter', /`deadLetter` must be \{ queue/],
    [
      { handle, sources: [{ type: 'aws:sqs', queue: 'q', batchSize: 0 }] },
      'sources[0].batchSize',
      /`sources\[0\].batchSize` must be a whole number of messages from 1 to 10000; got 0\./,
    ],
    [
      { handle, sources: [{ type: 'aws:sqs', queue: 'q', batchSize: '10' }] },
      'sources[0].batchSize',
      /from 1 to 10000; got "10"/,
    ],
    [
      { handle, sources: [{ type: 'aws:sqs', queue: 'q', batchSize: 50 }] },
      'sources[0]',
      /a batchSize over 10 needs a maximumBatchingWindow of at least 1 second/,
    ],
    [
      { handle, sources: [{ type: 'aws:sqs', queue: 'q.fifo', batchSize: 20, maximumBatchingWindow: 5 }] },
      'sources[0]',
      /a FIFO queue takes a batchSize of at most 10; got 20/,
    ],
    [
      { handle, sources: [{ type: 'aws:kinesis', stream: 's', bisectBatchOnFunctionError: 'yes' }] },
      'sources[0].bisectBatchOnFunctionError',
      /must be true or false; got "yes"/,
    ],
    [
      { handle, sources: [{ type: 'aws:kinesis', stream: 's', maximumRecordAgeInSeconds: 30 }] },
      'sources[0]',
      /maximumRecordAgeInSeconds must be -1 or from 60 to 604800/,
    ],
    [
      { handle, sources: [{ type: 'aws:dynamodb', table: 't', startingPosition: 'AT_TIMESTAMP' }] },
      'sources[0].startingPosition',
      /must be 'LATEST' or 'TRIM_HORIZON'/,
    ],
    [
      { handle, sources: [{ type: 'alibaba:eventbridge', stream: 'pulsar', topic: 't' }] },
      'sources[0].stream',
      /rocketmq.*kafka.*mns.*pulsar/,
    ],
  ])('%j → E_CONFIG at %s', (definition, path, message) => {
    const error = definitionError(definition);
    expect(error.code).toBe('E_CONFIG');
    expect(error.path).toBe(path);
    expect(error.message).toMatch(message);
  });

  it('takes the event source mapping settings a source declares', () => {
    const handler = defineHandler({
      handle,
      sources: [
        { type: 'aws:sqs', queue: 'q', batchSize: 100, maximumBatchingWindow: 2, maximumConcurrency: 10 },
        { type: 'aws:kinesis', stream: 's', bisectBatchOnFunctionError: true, maximumRetryAttempts: -1 },
      ],
    });
    expect(handler.definition.sources?.[0]).toMatchObject({ batchSize: 100, maximumConcurrency: 10 });
  });

  it('rejects an invalid filter with E_RULE_INVALID', () => {
    const error = definitionError({ handle, filter: { type: 'com.x' } });
    expect(error.code).toBe('E_RULE_INVALID');
    expect(error.message).toContain('type');
  });

  it('rejects a schema ajv cannot compile with E_SCHEMA_INVALID', () => {
    const error = definitionError({ handle, schema: { type: 'objekt' } });
    expect(error.code).toBe('E_SCHEMA_INVALID');
    expect(error.message).toContain('not a valid JSON Schema');
  });

  it('rejects a schema file that does not exist with E_SCHEMA_INVALID naming it', () => {
    const error = definitionError({ handle, schema: './no/such/schema.json' });
    expect(error.code).toBe('E_SCHEMA_INVALID');
    expect(error.message).toContain('./no/such/schema.json');
  });

  it('returns a Lambda handler that carries its definition and accepts middy middleware', async () => {
    const handler = defineHandler({ name: 'ok', handle });
    expect(handler.definition.name).toBe('ok');
    const seen: unknown[] = [];
    handler.use({ before: (request) => void seen.push(request.event) });
    const event = { specversion: '1.0', id: '1', source: '/s', type: 't' };
    await handler(event, { getRemainingTimeInMillis: () => 1000 } as never);
    expect(seen).toEqual([event]);
  });
});
