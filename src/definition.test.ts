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
  ])('%j → E_CONFIG at %s', (definition, path, message) => {
    const error = definitionError(definition);
    expect(error.code).toBe('E_CONFIG');
    expect(error.path).toBe(path);
    expect(error.message).toMatch(message);
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
