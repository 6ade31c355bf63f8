import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../../../test/support/fixtures.js';
import { cloudEventProblems } from '../../../cloud-event.js';
import { toCloudEvents } from '../../index.js';
import type { Batch } from '../../types.js';
import type { HttpSourceOptions } from '../options.js';

/** ALB events: `headers`, or `multiValueHeaders` when the target group turns them on. */
type Raw = { headers?: Record<string, string>; multiValueHeaders?: Record<string, string[]>; body: string };

const withHeaders = (raw: Raw, headers: Record<string, string>): Raw => {
  const copy = structuredClone(raw);
  for (const [name, value] of Object.entries(headers)) {
    if (copy.headers) copy.headers[name] = value;
    if (copy.multiValueHeaders) copy.multiValueHeaders[name] = [value];
  }
  return copy;
};

const SECRET = 'test-slack-signing-secret-8f14e45f';
const NOW = Date.parse('2025-11-23T12:00:05Z');
const OPTIONS: HttpSourceOptions = { path: '/slack/events', verify: { provider: 'slack', secret: SECRET } };

const sign = (timestamp: string, body: string, secret = SECRET) =>
  `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
const signed = (raw: Raw, timestamp = '1763899202', secret = SECRET) =>
  withHeaders(raw, {
    'x-slack-request-timestamp': timestamp,
    'x-slack-signature': sign(timestamp, raw.body, secret),
  });
const run = (raw: Raw, http: HttpSourceOptions = OPTIONS): Batch => toCloudEvents(raw, { http, now: NOW });

function refusedWith(batch: Batch, code: string): string {
  expect(batch.items).toEqual([]);
  expect(batch.control?.statusCode).toBe(401);
  const body = JSON.parse(batch.control?.body ?? '{}');
  expect(body.error).toBe(code);
  return body.message;
}

describe('Slack: valid signatures', () => {
  it('Events API callback (ALB, multi-value headers): id event_id, type com.slack.<event.type>, time event_time', () => {
    const raw = fixture<Raw>('webhooks/slack-app-mention.json');
    const batch = run(signed(raw));
    expect(batch.source).toBe('aws:alb');
    const [item] = batch.items;
    expect(item?.event).toStrictEqual({
      specversion: '1.0',
      id: 'Ev0T1U2V3W4X',
      source: 'https://slack.com/apps/A0K9J8H7G',
      type: 'com.slack.app_mention',
      subject: 'C0P1Q2R3S',
      time: '2025-11-23T11:59:57.000Z',
      slackteam: 'T0A1B2C3D',
      datacontenttype: 'application/json',
      data: JSON.parse(raw.body),
    });
    expect(cloudEventProblems(item?.event)).toEqual([]);
  });

  it('url_verification: the challenge is echoed 200 by the transport, the handler never runs', () => {
    const raw = fixture<Raw>('webhooks/slack-url-verification.json');
    const batch = run(signed(raw));
    expect(batch.items).toEqual([]);
    expect(batch.control).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}',
    });
  });

  it('a url_verification with a bad signature is refused, not answered', () => {
    const raw = signed(
      fixture<Raw>('webhooks/slack-url-verification.json'),
      '1763899202',
      'test-slack-other-secret',
    );
    refusedWith(run(raw), 'signature_invalid');
  });

  it('slash command (form body): type com.slack.command, subject the command, id trigger_id, fields as data', () => {
    const batch = run(signed(fixture<Raw>('webhooks/slack-slash-command.json')));
    expect(batch.items[0]?.event).toMatchObject({
      id: '1763899197.1234.abcdef',
      type: 'com.slack.command',
      subject: '/ship',
      source: 'https://slack.com/apps/A0K9J8H7G',
      datacontenttype: 'application/json',
      data: { command: '/ship', text: 'ord-3001 express', team_id: 'T0A1B2C3D' },
    });
  });

  it('rotation: a list of secrets, any one verifies', () => {
    const rotating: HttpSourceOptions = {
      ...OPTIONS,
      verify: { provider: 'slack', secret: ['test-slack-new-secret', SECRET] },
    };
    expect(run(signed(fixture<Raw>('webhooks/slack-app-mention.json')), rotating).items).toHaveLength(1);
  });
});

describe('Slack: refused (401)', () => {
  it('tampered body', () => {
    const raw = signed(fixture<Raw>('webhooks/slack-app-mention.json'));
    refusedWith(run({ ...raw, body: raw.body.replace('ord-3001', 'ord-9999') }), 'signature_invalid');
  });

  it('expired: a timestamp more than 5 minutes from now, even with a valid signature', () => {
    const old = String(Math.floor(NOW / 1000) - 301);
    expect(
      refusedWith(run(signed(fixture<Raw>('webhooks/slack-app-mention.json'), old)), 'signature_expired'),
    ).toContain('X-Slack-Request-Timestamp');
    const future = String(Math.floor(NOW / 1000) + 301);
    refusedWith(run(signed(fixture<Raw>('webhooks/slack-app-mention.json'), future)), 'signature_expired');
  });

  it('a signature made for another timestamp than the one sent', () => {
    const raw = fixture<Raw>('webhooks/slack-app-mention.json');
    const replayed = withHeaders(raw, {
      'x-slack-request-timestamp': '1763899203',
      'x-slack-signature': sign('1763899202', raw.body),
    });
    refusedWith(run(replayed), 'signature_invalid');
  });

  it('missing signature or timestamp', () => {
    const raw = fixture<Raw>('webhooks/slack-url-verification.json');
    const { 'x-slack-signature': _, ...headers } = raw.headers ?? {};
    expect(refusedWith(run({ ...raw, headers }), 'signature_missing')).toBe('no X-Slack-Signature header');
    const { 'x-slack-request-timestamp': __, ...noTime } = signed(raw).headers ?? {};
    expect(refusedWith(run({ ...raw, headers: noTime }), 'signature_missing')).toBe(
      'no X-Slack-Request-Timestamp header',
    );
  });
});
