import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/support/fixtures.js';
import { toCloudEvents } from '../index.js';

type Raw = Record<string, unknown> & { headers: Record<string, string> };

describe('webhook abuse-protection handshake (CloudEvents http-webhook §4)', () => {
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

  it('sends WebHook-Allowed-Rate even when no rate was asked (SHOULD), as * (no limit)', () => {
    const raw = fixture<Raw>('apigw-http/webhook-handshake.json');
    const { 'webhook-request-rate': _, ...headers } = raw.headers;
    expect(toCloudEvents({ ...raw, headers }).control?.headers['webhook-allowed-rate']).toBe('*');
    const bad = { ...raw, headers: { ...headers, 'webhook-request-rate': 'fast' } };
    expect(toCloudEvents(bad).control?.headers['webhook-allowed-rate']).toBe('*');
  });

  it('grants in the response: a WebHook-Request-Callback needs no call, and the answer is the same', () => {
    const raw = fixture<Raw>('apigw-http/webhook-handshake.json');
    const callback = {
      ...raw,
      headers: {
        ...raw.headers,
        'webhook-request-callback': 'https://eventemitter.example.com/confirm?id=1&key=k',
      },
    };
    expect(toCloudEvents(callback).control).toEqual(toCloudEvents(raw).control);
  });

  it('is answered before the signature check (it is unsigned), and refused 403 for an origin not allowed', () => {
    const raw = fixture('apigw-http/webhook-handshake.json');
    const verify = { provider: 'github', secret: 'test-secret' } as const;
    const granted = toCloudEvents(raw, { http: { path: '/', method: 'POST', verify } });
    expect(granted.control?.statusCode).toBe(200);
    const refused = toCloudEvents(raw, {
      http: { path: '/', verify, allow: { origins: ['*.eventgrid.azure.net'] } },
    });
    expect(refused.control?.statusCode).toBe(403);
    expect(refused.control?.headers).not.toHaveProperty('webhook-allowed-origin');
  });
});
