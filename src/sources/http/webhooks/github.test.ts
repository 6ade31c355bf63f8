import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../../../test/support/fixtures.js';
import { type CloudEvent, cloudEventProblems } from '../../../cloud-event.js';
import { toCloudEvents } from '../../index.js';
import type { Batch } from '../../types.js';
import type { HttpSourceOptions } from '../options.js';

type Raw = { headers: Record<string, string>; body: string; isBase64Encoded: boolean };

const bodyOf = (raw: Raw) => Buffer.from(raw.body, raw.isBase64Encoded ? 'base64' : 'utf8');
const withHeaders = (raw: Raw, headers: Record<string, string>): Raw => ({
  ...raw,
  headers: { ...raw.headers, ...headers },
});

// Test-only secrets, never real ones.
const SECRET = 'test-github-secret-1';
const OLD_SECRET = 'test-github-secret-0';
const OPTIONS: HttpSourceOptions = {
  path: '/webhooks/github',
  verify: { provider: 'github', secret: SECRET },
};
const NOW = Date.parse('2025-11-23T12:00:05Z');

const sign = (body: Buffer | string, secret = SECRET) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
const signed = (raw: Raw, secret = SECRET) =>
  withHeaders(raw, { 'x-hub-signature-256': sign(bodyOf(raw), secret) });
const run = (raw: Raw, http: HttpSourceOptions | undefined = OPTIONS): Batch =>
  toCloudEvents(raw, { http, now: NOW });

function only(batch: Batch): CloudEvent {
  expect(batch.control).toBeUndefined();
  expect(batch.items).toHaveLength(1);
  const [item] = batch.items;
  if (item === undefined) throw new Error('no item');
  expect(item.ref).toBe(item.event.id);
  expect(cloudEventProblems(item.event)).toEqual([]);
  return item.event;
}

function refused(batch: Batch, code: string) {
  expect(batch.items).toEqual([]);
  expect(batch.control?.statusCode).toBe(401);
  expect(batch.control?.headers['www-authenticate']).toBe('Signature realm="github"');
  const body = JSON.parse(batch.control?.body ?? '{}');
  expect(body.error).toBe(code);
  return body.message as string;
}

describe('GitHub: valid signatures, mapped as the CloudEvents GitHub adapter says', () => {
  it('push: id = X-GitHub-Delivery, type com.github.push, source repository.url, subject ref, data = body', () => {
    const raw = fixture<Raw>('webhooks/github-push.json');
    expect(only(run(signed(raw)))).toStrictEqual({
      specversion: '1.0',
      id: '5d3f9a80-c85a-11f0-8e1b-2a6d9b1f0c11',
      source: 'https://github.com/acme/storefront',
      type: 'com.github.push',
      subject: 'refs/heads/main',
      // The adapter says "current time": the request's arrival time, deterministic for a recorded request.
      time: '2025-11-23T12:00:04.321Z',
      datacontenttype: 'application/json',
      data: JSON.parse(raw.body),
    });
  });

  it('pull_request: type com.github.pull_request.<action>, subject number, time pull_request.updated_at', () => {
    const event = only(run(signed(fixture<Raw>('webhooks/github-pull-request.json'))));
    expect(event).toMatchObject({
      type: 'com.github.pull_request.opened',
      source: 'https://api.github.com/repos/acme/storefront',
      subject: '42',
      time: '2025-11-23T11:58:31Z',
    });
  });

  it('create: type com.github.create.<ref_type>, subject ref', () => {
    const event = only(run(signed(fixture<Raw>('webhooks/github-create-tag.json'))));
    expect(event).toMatchObject({ type: 'com.github.create.tag', subject: 'v2.4.0' });
  });

  it('workflow_run: type com.github.workflow_run.<action>, subject workflow.name', () => {
    const event = only(run(signed(fixture<Raw>('webhooks/github-workflow-run.json'))));
    expect(event).toMatchObject({ type: 'com.github.workflow_run.completed', subject: 'CI' });
  });

  it('form-encoded payload= bodies (base64 from API Gateway): the HMAC covers the raw form body', () => {
    const raw = fixture<Raw>('webhooks/github-issues-form.json');
    const form = bodyOf(raw).toString('utf8');
    expect(form.startsWith('payload=')).toBe(true);
    const payload = JSON.parse(new URLSearchParams(form).get('payload') ?? '');
    const event = only(run(signed(raw)));
    expect(event).toMatchObject({
      type: 'com.github.issues.opened',
      subject: '57',
      time: '2025-11-23T11:57:02Z',
      datacontenttype: 'application/json',
      data: payload,
    });
    // A signature over the JSON inside the form is not a signature over what was sent.
    const overJson = withHeaders(raw, { 'x-hub-signature-256': sign(JSON.stringify(payload)) });
    refused(run(overJson), 'signature_invalid');
  });

  it('ping is answered 200 by the transport, with no event for the handler', () => {
    const batch = run(signed(fixture<Raw>('webhooks/github-ping.json')));
    expect(batch.items).toEqual([]);
    expect(batch.control).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"ok":true,"event":"ping","hook_id":512345678}',
    });
  });

  it('normalizing the same delivery twice gives the same event; the input is not mutated', () => {
    const raw = signed(fixture<Raw>('webhooks/github-push.json'));
    const copy = structuredClone(raw);
    expect(run(raw).items).toStrictEqual(run(raw).items);
    expect(raw).toStrictEqual(copy);
  });
});

describe('GitHub: refused deliveries (401, the handler never runs)', () => {
  it('tampered body', () => {
    const raw = signed(fixture<Raw>('webhooks/github-push.json'));
    const message = refused(run({ ...raw, body: raw.body.replace('main', 'evil') }), 'signature_invalid');
    expect(message).toBe('X-Hub-Signature-256 does not match the body');
  });

  it('signed with another secret', () => {
    refused(run(signed(fixture<Raw>('webhooks/github-push.json'), 'not-the-secret')), 'signature_invalid');
  });

  it('missing signature, and the SHA-1 header alone', () => {
    const raw = fixture<Raw>('webhooks/github-push.json');
    expect(refused(run(raw), 'signature_missing')).toBe('no X-Hub-Signature-256 header');
    const sha1 = withHeaders(raw, { 'x-hub-signature': 'sha1=0123456789abcdef0123456789abcdef01234567' });
    expect(refused(run(sha1), 'signature_missing')).toContain('SHA-1 X-Hub-Signature alone is not accepted');
  });

  it.each(['sha256=', 'sha1=abc', 'sha256=zz', `sha256=${'a'.repeat(63)}`])(
    'malformed header %j',
    (header) => {
      refused(
        run(withHeaders(fixture<Raw>('webhooks/github-push.json'), { 'x-hub-signature-256': header })),
        'signature_invalid',
      );
    },
  );

  it('GitHub signs no timestamp, so nothing expires: a redelivery verifies and keeps its id for deduplication', () => {
    const raw = signed(fixture<Raw>('webhooks/github-push.json'));
    const later = only(toCloudEvents(raw, { http: OPTIONS, now: NOW + 30 * 86_400_000 }));
    expect(later.id).toBe('5d3f9a80-c85a-11f0-8e1b-2a6d9b1f0c11');
  });
});

describe('GitHub: secret rotation', () => {
  const rotating: HttpSourceOptions = {
    ...OPTIONS,
    verify: { provider: 'github', secret: [SECRET, OLD_SECRET] },
  };

  it('accepts a delivery signed with any listed secret, and refuses one signed with neither', () => {
    expect(only(run(signed(fixture<Raw>('webhooks/github-push.json'), OLD_SECRET), rotating)).type).toBe(
      'com.github.push',
    );
    expect(only(run(signed(fixture<Raw>('webhooks/github-push.json'), SECRET), rotating)).type).toBe(
      'com.github.push',
    );
    refused(
      run(signed(fixture<Raw>('webhooks/github-push.json'), 'test-github-secret-9'), rotating),
      'signature_invalid',
    );
  });
});

describe('GitHub without verify', () => {
  it('is still recognized by X-GitHub-Event and mapped (no signature is checked)', () => {
    const event = only(toCloudEvents(fixture('webhooks/github-pull-request.json')));
    expect(event.type).toBe('com.github.pull_request.opened');
  });
});
