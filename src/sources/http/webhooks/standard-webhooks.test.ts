import { createHmac, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../../../test/support/fixtures.js';
import { cloudEventProblems } from '../../../cloud-event.js';
import { toCloudEvents } from '../../index.js';
import type { Batch } from '../../types.js';
import type { HttpSourceOptions } from '../options.js';

type Raw = { headers: Record<string, string>; body: string };

const raw = fixture<Raw>('webhooks/standard-webhooks-invoice.json');

// Test-only keys: `whsec_` + base64 of the key bytes, as the spec serializes them.
const KEY = Buffer.from('triggerkit-test-key-0123456789ab');
const SECRET = `whsec_${KEY.toString('base64')}`;
const OTHER_KEY = Buffer.from('triggerkit-other-key-abcdefghij');
const NOW = Date.parse('2025-11-23T12:00:05Z');
const ID = 'msg_2nXbq8ZC4dRlF1t5v7w9y0zAbC';
const TS = '1763899198';
const OPTIONS: HttpSourceOptions = {
  path: '/webhooks/billing',
  verify: { provider: 'standard-webhooks', secret: SECRET },
};

const v1 = (key: Buffer, id = ID, ts = TS, body = raw.body) =>
  `v1,${createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest('base64')}`;
const withHeaders = (headers: Record<string, string>, body = raw.body): Raw => ({
  ...raw,
  body,
  headers: { ...raw.headers, 'webhook-timestamp': TS, ...headers },
});
const run = (request: Raw, http: HttpSourceOptions = OPTIONS): Batch =>
  toCloudEvents(request, { http, now: NOW });

function refusedWith(batch: Batch, code: string): string {
  expect(batch.items).toEqual([]);
  expect(batch.control?.statusCode).toBe(401);
  const body = JSON.parse(batch.control?.body ?? '{}');
  expect(body.error).toBe(code);
  return body.message;
}

describe('Standard Webhooks: valid signatures', () => {
  it('maps the delivery: id = webhook-id, type = payload type, time = payload timestamp, source = path', () => {
    const [item] = run(withHeaders({ 'webhook-signature': v1(KEY) })).items;
    expect(item?.event).toStrictEqual({
      specversion: '1.0',
      id: ID,
      source: '/webhooks/billing',
      type: 'invoice.paid',
      time: '2025-11-23T11:59:59.512Z',
      datacontenttype: 'application/json',
      data: JSON.parse(raw.body),
    });
    expect(cloudEventProblems(item?.event)).toEqual([]);
  });

  it('tries every signature of the space-separated list, skipping unknown versions (v1a)', () => {
    const header = `v1a,${Buffer.alloc(64).toString('base64')} ${v1(OTHER_KEY)} ${v1(KEY)}`;
    expect(run(withHeaders({ 'webhook-signature': header })).items).toHaveLength(1);
  });

  it('accepts a secret without the whsec_ prefix, and rotation lists', () => {
    const bare: HttpSourceOptions = {
      ...OPTIONS,
      verify: {
        provider: 'standard-webhooks',
        secret: [`whsec_${OTHER_KEY.toString('base64')}`, KEY.toString('base64')],
      },
    };
    expect(run(withHeaders({ 'webhook-signature': v1(KEY) }), bare).items).toHaveLength(1);
  });

  it('reads Svix headers (svix-id, svix-timestamp, svix-signature), the same scheme', () => {
    const { 'webhook-id': _, 'webhook-timestamp': __, 'webhook-signature': ___, ...rest } = raw.headers;
    const svix = {
      ...raw,
      headers: { ...rest, 'svix-id': ID, 'svix-timestamp': TS, 'svix-signature': v1(KEY) },
    };
    expect(run(svix).items[0]?.event.id).toBe(ID);
  });
});

describe('Standard Webhooks: refused (401)', () => {
  it('tampered body', () => {
    const tampered = raw.body.replace('4900', '49');
    expect(
      refusedWith(run(withHeaders({ 'webhook-signature': v1(KEY) }, tampered)), 'signature_invalid'),
    ).toBe('no v1 signature in webhook-signature matches the body');
  });

  it('a signature for another message id (the id is signed too)', () => {
    refusedWith(run(withHeaders({ 'webhook-signature': v1(KEY, 'msg_other') })), 'signature_invalid');
  });

  it('keyed with the secret text instead of its decoded bytes', () => {
    refusedWith(run(withHeaders({ 'webhook-signature': v1(Buffer.from(SECRET)) })), 'signature_invalid');
  });

  it('expired', () => {
    const old = String(Math.floor(NOW / 1000) - 600);
    const header = v1(KEY, ID, old);
    refusedWith(
      run(withHeaders({ 'webhook-timestamp': old, 'webhook-signature': header })),
      'signature_expired',
    );
  });

  it('missing id, timestamp or signature', () => {
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const { [name]: _, ...headers } = withHeaders({ 'webhook-signature': v1(KEY) }).headers;
      expect(refusedWith(run({ ...raw, headers }), 'signature_missing')).toBe(`no ${name} header`);
    }
  });

  it('a list with no v1 entry', () => {
    refusedWith(run(withHeaders({ 'webhook-signature': 'v2,abc= v1a,xyz=' })), 'signature_invalid');
  });
});

// Test-only ed25519 key pairs, made per run; `whpk_` + base64 of the 32 raw public key bytes, as the spec serializes them.
const pair = () => generateKeyPairSync('ed25519');
const SENDER = pair();
const STRANGER = pair();
const whpk = (key: KeyObject) =>
  `whpk_${key.export({ format: 'der', type: 'spki' }).subarray(-32).toString('base64')}`;
const v1a = (key: KeyObject, id = ID, ts = TS, body = raw.body) =>
  `v1a,${sign(null, Buffer.from(`${id}.${ts}.${body}`), key).toString('base64')}`;
const ASYMMETRIC: HttpSourceOptions = {
  path: '/webhooks/billing',
  verify: { provider: 'standard-webhooks', secret: whpk(SENDER.publicKey) },
};

describe('Standard Webhooks v1a (ed25519)', () => {
  it('a v1a signature checked with the whpk_ public key verifies', () => {
    const [item] = run(withHeaders({ 'webhook-signature': v1a(SENDER.privateKey) }), ASYMMETRIC).items;
    expect(item?.event.id).toBe(ID);
  });

  it('rotation lists may mix whsec_ secrets and whpk_ keys: each checks its own version', () => {
    const mixed: HttpSourceOptions = {
      ...ASYMMETRIC,
      verify: { provider: 'standard-webhooks', secret: [SECRET, whpk(SENDER.publicKey)] },
    };
    expect(run(withHeaders({ 'webhook-signature': v1a(SENDER.privateKey) }), mixed).items).toHaveLength(1);
    expect(run(withHeaders({ 'webhook-signature': v1(KEY) }), mixed).items).toHaveLength(1);
    const both = `${v1(OTHER_KEY)} ${v1a(STRANGER.privateKey)}`;
    expect(refusedWith(run(withHeaders({ 'webhook-signature': both }), mixed), 'signature_invalid')).toBe(
      'no v1 or v1a signature in webhook-signature matches the body',
    );
  });

  it('tampered body → 401 signature_invalid', () => {
    const tampered = raw.body.replace('4900', '49');
    const request = withHeaders({ 'webhook-signature': v1a(SENDER.privateKey) }, tampered);
    expect(refusedWith(run(request, ASYMMETRIC), 'signature_invalid')).toBe(
      'no v1a signature in webhook-signature matches the body',
    );
  });

  it('expired → 401 signature_expired', () => {
    const old = String(Math.floor(NOW / 1000) - 600);
    const request = withHeaders({
      'webhook-timestamp': old,
      'webhook-signature': v1a(SENDER.privateKey, ID, old),
    });
    refusedWith(run(request, ASYMMETRIC), 'signature_expired');
  });

  it('missing signature → 401 signature_missing', () => {
    const { 'webhook-signature': _, ...headers } = withHeaders({}).headers;
    expect(refusedWith(run({ ...raw, headers }, ASYMMETRIC), 'signature_missing')).toBe(
      'no webhook-signature header',
    );
  });

  it('signed by another key → 401 signature_invalid', () => {
    const request = withHeaders({ 'webhook-signature': v1a(STRANGER.privateKey) });
    refusedWith(run(request, ASYMMETRIC), 'signature_invalid');
  });

  it('a v1-only header with a whpk_ key → 401: a public key never checks an HMAC', () => {
    // Even an HMAC keyed with the public key's own bytes is refused: anyone could compute it.
    const publicBytes = Buffer.from(whpk(SENDER.publicKey).slice(5), 'base64');
    const request = withHeaders({ 'webhook-signature': `${v1(publicBytes)} ${v1(KEY)}` });
    expect(refusedWith(run(request, ASYMMETRIC), 'signature_invalid')).toBe(
      'webhook-signature has no v1a,<base64> signature',
    );
  });

  it('a v1a entry is not checked by a whsec_ secret', () => {
    const request = withHeaders({ 'webhook-signature': v1a(SENDER.privateKey) });
    expect(refusedWith(run(request), 'signature_invalid')).toBe(
      'webhook-signature has no v1,<base64> signature',
    );
  });
});
