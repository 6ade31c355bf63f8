import { describe, expect, it } from 'vitest';
import { isSecretName, REDACTED, redactEvent } from './redact.js';

describe('redactEvent', () => {
  it('redacts credentials and signatures in headers, whatever their case, and keeps the rest', () => {
    const raw = {
      headers: {
        Authorization: 'Bearer abc',
        'x-hub-signature': 'sha1=1',
        'X-Hub-Signature-256': 'sha256=2',
        'stripe-signature': 't=1,v1=2',
        'x-slack-signature': 'v0=3',
        'svix-signature': 'v1,4',
        'webhook-signature': 'v1,5',
        'x-amz-security-token': 'tok',
        'x-gitlab-token': 'tok',
        'x-my-client-secret': 's',
        'x-api-key': 'k',
        cookie: 'session=1',
        'content-type': 'application/json',
        'x-github-event': 'push',
        'svix-id': 'msg_1',
      },
      multiValueHeaders: { authorization: ['Basic a', 'Basic b'], accept: ['*/*'] },
      cookies: ['session=1', 'theme=dark'],
      body: '{"token":"stays: bodies are the event"}',
    };
    expect(redactEvent(raw)).toEqual({
      headers: {
        Authorization: REDACTED,
        'x-hub-signature': REDACTED,
        'X-Hub-Signature-256': REDACTED,
        'stripe-signature': REDACTED,
        'x-slack-signature': REDACTED,
        'svix-signature': REDACTED,
        'webhook-signature': REDACTED,
        'x-amz-security-token': REDACTED,
        'x-gitlab-token': REDACTED,
        'x-my-client-secret': REDACTED,
        'x-api-key': REDACTED,
        cookie: REDACTED,
        'content-type': 'application/json',
        'x-github-event': 'push',
        'svix-id': 'msg_1',
      },
      multiValueHeaders: { authorization: [REDACTED, REDACTED], accept: ['*/*'] },
      cookies: [REDACTED, REDACTED],
      body: raw.body,
    });
    expect(raw.headers.Authorization).toBe('Bearer abc');
  });

  it('redacts signed query parameters, parsed and as sent, at any depth', () => {
    const raw = {
      Records: [
        {
          request: {
            queryStringParameters: { 'X-Amz-Signature': 'abc', page: '2' },
            rawQueryString: 'page=2&X-Amz-Credential=AKIA%2F1&X-Amz-Signature=abc&flag',
          },
        },
      ],
    };
    expect(redactEvent(raw)).toEqual({
      Records: [
        {
          request: {
            queryStringParameters: { 'X-Amz-Signature': REDACTED, page: '2' },
            rawQueryString: `page=2&X-Amz-Credential=${REDACTED}&X-Amz-Signature=${REDACTED}&flag`,
          },
        },
      ],
    });
  });

  it('names secrets by their header name', () => {
    for (const name of [
      'Proxy-Authorization',
      'Set-Cookie',
      'X-Auth-Token',
      'x-webhook-secret',
      'X-Password',
    ])
      expect(isSecretName(name), name).toBe(true);
    for (const name of ['content-type', 'x-github-delivery', 'user-agent', 'x-amz-date', 'x-request-id'])
      expect(isSecretName(name), name).toBe(false);
  });
});
