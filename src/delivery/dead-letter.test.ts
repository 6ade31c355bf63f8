import { describe, expect, it } from 'vitest';
import { fromStructured, toStructuredJson } from '../cloud-event.js';
import { deadLetterEnvelope } from './dead-letter.js';

describe('deadLetterEnvelope', () => {
  it('keeps a multi-line error on one line, so the envelope stays a valid CloudEvent', () => {
    const envelope = deadLetterEnvelope({
      event: { specversion: '1.0', id: 'e-1', source: '/shop', type: 'order.created' },
      reason: 'retries-exhausted',
      attempts: 3,
      error: new Error('insert failed:\nduplicate key\tvalue'),
      handler: 'orders',
      firstAttemptAt: 0,
      lastAttemptAt: 1_000,
    });
    expect(envelope.dlerror).toBe('insert failed: duplicate key value');
    expect(fromStructured(JSON.parse(toStructuredJson(envelope)))).toMatchObject({
      id: 'e-1',
      dlerror: 'insert failed: duplicate key value',
    });
  });
});
