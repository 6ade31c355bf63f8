import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toCloudEvents } from '../index.js';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../../test/fixtures/events/${name}`, import.meta.url), 'utf8'));

describe('webhook abuse-protection handshake', () => {
  it('answers OPTIONS with WebHook-Request-Origin: 200, WebHook-Allowed-Origin and -Rate, no events', () => {
    const batch = toCloudEvents(fixture('apigw-http/webhook-handshake.json'));
    expect(batch.items).toEqual([]);
    expect(batch.control).toEqual({
      statusCode: 200,
      headers: {
        'webhook-allowed-origin': 'eventemitter.example.com',
        'webhook-allowed-rate': '120',
        allow: 'POST, OPTIONS',
      },
      body: '',
    });
  });

  it('matches WebHook-Request-Origin case-insensitively', () => {
    const raw = fixture('apigw-http/webhook-handshake.json');
    const batch = toCloudEvents({
      ...raw,
      headers: { 'WebHook-Request-Origin': 'eventemitter.example.com' },
    });
    expect(batch.control?.headers['webhook-allowed-origin']).toBe('eventemitter.example.com');
  });
});
