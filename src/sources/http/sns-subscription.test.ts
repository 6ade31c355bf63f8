import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import {
  CERT_URL,
  functionUrlEvent,
  type SnsMessageType,
  signSnsMessage,
  snsMessage,
  snsRequest,
  TEST_CERTIFICATE,
  TOPIC_ARN,
} from '../../../test/support/sns-signing.js';
import { toCloudEvents } from '../index.js';
import type { Batch } from '../types.js';
import type { HttpSourceOptions, SnsHttpVerification } from './options.js';
import { settleHttpBatch } from './sns-subscription.js';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const SENT = '2026-12-01T11:59:58.250Z';

/** A fresh source each time: certificates are cached per fetcher, and each test counts its own fetches. */
function source(verify: Partial<SnsHttpVerification> = {}) {
  const fetchCertificate = vi.fn(async (_url: string) => TEST_CERTIFICATE.certificatePem);
  const confirmSubscription = vi.fn(async (_url: string) => {});
  const options: HttpSourceOptions = {
    path: '/sns/shop-alerts',
    verify: { provider: 'sns', fetchCertificate, confirmSubscription, ...verify },
  };
  return { options, fetchCertificate, confirmSubscription };
}

const signed = (type: SnsMessageType, changes: Record<string, unknown> = {}) =>
  signSnsMessage(snsMessage(type, { Timestamp: SENT, ...changes }));

async function deliver(message: Record<string, unknown>, options: HttpSourceOptions): Promise<Batch> {
  return settleHttpBatch(
    toCloudEvents(functionUrlEvent(snsRequest(message)), { http: options, now: NOW }),
    NOW,
  );
}

function answer(batch: Batch) {
  expect(batch.items).toEqual([]);
  return { status: batch.control?.statusCode, body: JSON.parse(batch.control?.body ?? 'null') };
}

describe('SNS HTTP subscription: verified deliveries', () => {
  it.each(['1', '2'])('a Notification signed with SignatureVersion %s gives its event', async (version) => {
    const { options, fetchCertificate } = source();
    const batch = await deliver(signed('Notification', { SignatureVersion: version }), options);
    expect(batch.control).toBeUndefined();
    expect(batch.items.map((i) => i.event)).toMatchObject([
      {
        id: 'a1b2c3d4-0004-5e6f-8a9b-0c1d2e3f4a5b',
        source: TOPIC_ARN,
        type: 'com.amazonaws.sns.Notification',
        subject: 'Low stock',
        time: SENT,
        data: { sku: 'lamp', left: 2, warehouse: 'berlin' },
      },
    ]);
    expect(fetchCertificate).toHaveBeenCalledExactlyOnceWith(CERT_URL);
  });

  it('before settleHttpBatch the batch runs nothing: 500 signature_unchecked', () => {
    const { options, fetchCertificate } = source();
    const raw = functionUrlEvent(snsRequest(signed('Notification')));
    const batch = toCloudEvents(raw, { http: options, now: NOW });
    expect(answer(batch)).toMatchObject({ status: 500, body: { error: 'signature_unchecked' } });
    expect(fetchCertificate).not.toHaveBeenCalled();
  });

  it('a SubscriptionConfirmation is confirmed with one GET of its SubscribeURL, answered 200, no event', async () => {
    const { options, confirmSubscription } = source();
    const message = signed('SubscriptionConfirmation');
    expect(answer(await deliver(message, options))).toEqual({ status: 200, body: { confirmed: TOPIC_ARN } });
    expect(confirmSubscription).toHaveBeenCalledExactlyOnceWith(message.SubscribeURL);
  });

  it('an UnsubscribeConfirmation is answered 200 and confirms nothing', async () => {
    const { options, confirmSubscription } = source();
    expect(answer(await deliver(signed('UnsubscribeConfirmation'), options))).toEqual({
      status: 200,
      body: { unsubscribed: TOPIC_ARN },
    });
    expect(confirmSubscription).not.toHaveBeenCalled();
  });

  it('a certificate is fetched once per URL, then cached', async () => {
    const { options, fetchCertificate } = source();
    await deliver(signed('Notification'), options);
    const second = await deliver(signed('Notification', { MessageId: 'a1b2c3d4-0007' }), options);
    expect(second.items).toHaveLength(1);
    expect(fetchCertificate).toHaveBeenCalledTimes(1);
  });

  it('a topic on the topicArns list is accepted', async () => {
    const { options } = source({ topicArns: [TOPIC_ARN] });
    expect((await deliver(signed('Notification'), options)).items).toHaveLength(1);
  });

  it('any other batch (here an HTTP source without verify) is returned as it is', async () => {
    const batch = toCloudEvents(functionUrlEvent(snsRequest(signed('Notification'))), { now: NOW });
    expect(await settleHttpBatch(batch, NOW)).toBe(batch);
  });
});

describe('SNS HTTP subscription: refused, the handler never runs and nothing is confirmed', () => {
  it('a tampered body → 403 signature_invalid', async () => {
    const { options, confirmSubscription } = source();
    const message = signed('SubscriptionConfirmation');
    const tampered = { ...message, SubscribeURL: `${String(message.SubscribeURL)}0` };
    expect(answer(await deliver(tampered, options))).toEqual({
      status: 403,
      body: {
        error: 'signature_invalid',
        message: 'SNS SubscriptionConfirmation: the signature does not match',
      },
    });
    expect(confirmSubscription).not.toHaveBeenCalled();
  });

  it('a tampered Notification Message → 403 signature_invalid', async () => {
    const { options } = source();
    const tampered = { ...signed('Notification'), Message: '{"sku":"lamp","left":200}' };
    expect(answer(await deliver(tampered, options)).body.error).toBe('signature_invalid');
  });

  it('signed with another key → 403 signature_invalid', async () => {
    const { options } = source();
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const message = signSnsMessage(
      snsMessage('Notification', { Timestamp: SENT }),
      other.export({ type: 'pkcs8', format: 'pem' }).toString(),
    );
    expect(answer(await deliver(message, options))).toMatchObject({
      status: 403,
      body: { error: 'signature_invalid' },
    });
  });

  it('an expired Timestamp → 403 signature_expired, before any fetch', async () => {
    const { options, fetchCertificate, confirmSubscription } = source({ maxAgeSeconds: 600 });
    const old = signed('SubscriptionConfirmation', { Timestamp: '2026-12-01T11:49:00.000Z' });
    expect(answer(await deliver(old, options))).toMatchObject({
      status: 403,
      body: { error: 'signature_expired' },
    });
    expect(fetchCertificate).not.toHaveBeenCalled();
    expect(confirmSubscription).not.toHaveBeenCalled();
  });

  it('a missing Signature → 403 signature_missing', async () => {
    const { options, fetchCertificate } = source();
    const unsigned = { ...signed('Notification'), Signature: undefined };
    expect(answer(await deliver(unsigned, options))).toMatchObject({
      status: 403,
      body: { error: 'signature_missing' },
    });
    expect(fetchCertificate).not.toHaveBeenCalled();
  });

  it('a request without x-amz-sns-message-type → 403 signature_missing', () => {
    const { options } = source();
    const request = snsRequest(signed('Notification'));
    const { 'x-amz-sns-message-type': _, ...headers } = request.headers;
    const raw = { ...functionUrlEvent(request), headers };
    expect(answer(toCloudEvents(raw, { http: options, now: NOW }))).toMatchObject({
      status: 403,
      body: { error: 'signature_missing' },
    });
  });

  it.each([
    'https://sns.eu-west-1.amazonaws.com.attacker.example/SimpleNotificationService-1.pem',
    'https://attacker.example/SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem',
    'http://sns.eu-west-1.amazonaws.com/SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem',
  ])('SigningCertURL %s → 403 signature_invalid, nothing fetched', async (url) => {
    const { options, fetchCertificate } = source();
    const message = signed('Notification', { SigningCertURL: url });
    expect(answer(await deliver(message, options))).toMatchObject({
      status: 403,
      body: { error: 'signature_invalid', message: expect.stringContaining('SigningCertURL') },
    });
    expect(fetchCertificate).not.toHaveBeenCalled();
  });

  it('a topic not in topicArns → 403 topic_denied, nothing fetched or confirmed', async () => {
    const { options, fetchCertificate, confirmSubscription } = source({
      topicArns: ['arn:aws:sns:eu-west-1:210987654321:billing'],
    });
    expect(answer(await deliver(signed('SubscriptionConfirmation'), options))).toMatchObject({
      status: 403,
      body: { error: 'topic_denied' },
    });
    expect(fetchCertificate).not.toHaveBeenCalled();
    expect(confirmSubscription).not.toHaveBeenCalled();
  });

  it('a signed SubscribeURL on another host → 403 subscribe_url_denied, no GET', async () => {
    const { options, confirmSubscription } = source();
    const message = signed('SubscriptionConfirmation', {
      SubscribeURL: 'https://attacker.example/?Action=ConfirmSubscription&Token=1',
    });
    expect(answer(await deliver(message, options))).toMatchObject({
      status: 403,
      body: { error: 'subscribe_url_denied' },
    });
    expect(confirmSubscription).not.toHaveBeenCalled();
  });

  it('the certificate cannot be fetched → 503 certificate_unavailable; the next delivery fetches again', async () => {
    const { options, fetchCertificate } = source();
    fetchCertificate.mockRejectedValueOnce(new Error('connect ETIMEDOUT'));
    expect(answer(await deliver(signed('Notification'), options))).toEqual({
      status: 503,
      body: {
        error: 'certificate_unavailable',
        message: 'SNS Notification: the signing certificate could not be fetched (connect ETIMEDOUT)',
      },
    });
    expect((await deliver(signed('Notification'), options)).items).toHaveLength(1);
    expect(fetchCertificate).toHaveBeenCalledTimes(2);
  });

  it('the confirmation GET fails → 502 confirmation_failed (the subscription stays pending)', async () => {
    const { options, confirmSubscription } = source();
    confirmSubscription.mockRejectedValueOnce(
      new Error('GET https://sns.eu-west-1.amazonaws.com/ answered 500'),
    );
    expect(answer(await deliver(signed('SubscriptionConfirmation'), options))).toMatchObject({
      status: 502,
      body: { error: 'confirmation_failed', message: expect.stringContaining('answered 500') },
    });
    expect(confirmSubscription).toHaveBeenCalledTimes(1);
  });

  it('a body that is not an SNS message → E_SOURCE_INVALID (400) before anything is fetched', () => {
    const { options, fetchCertificate } = source();
    const raw = functionUrlEvent({ ...snsRequest(signed('Notification')), body: '{"hello":"world"}' });
    expect(() => toCloudEvents(raw, { http: options, now: NOW })).toThrow(/is not an SNS message/);
    expect(fetchCertificate).not.toHaveBeenCalled();
  });
});

describe('SNS HTTP subscription: the default fetch (global fetch stubbed: its real targets are on amazonaws.com)', () => {
  const certUrl = (name: string) =>
    `https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-${name}.pem`;
  const stub = (answer: (url: string) => Response) => {
    const fetch = vi.fn(async (url: string, _init?: RequestInit) => answer(url));
    vi.stubGlobal('fetch', fetch);
    return fetch;
  };
  const plain: HttpSourceOptions = { path: '/sns/shop-alerts', verify: { provider: 'sns' } };

  it('fetches the certificate and GETs the SubscribeURL without following redirects, then caches the certificate', async () => {
    const fetch = stub(
      (url) => new Response(url.endsWith('.pem') ? TEST_CERTIFICATE.certificatePem : '<ok/>'),
    );
    try {
      const message = signed('SubscriptionConfirmation', { SigningCertURL: certUrl('default-1') });
      expect(answer(await deliver(message, plain)).status).toBe(200);
      expect(
        (await deliver(signed('Notification', { SigningCertURL: certUrl('default-1') }), plain)).items,
      ).toHaveLength(1);
      expect(fetch.mock.calls.map(([url, init]) => [url, init?.redirect])).toEqual([
        [certUrl('default-1'), 'error'],
        [message.SubscribeURL, 'error'],
      ]);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('an answer that is not a PEM certificate → 503, and it is not cached', async () => {
    const fetch = stub(() => new Response('<html>maintenance</html>'));
    try {
      const message = signed('Notification', { SigningCertURL: certUrl('default-2') });
      expect(answer(await deliver(message, plain))).toMatchObject({
        status: 503,
        body: {
          error: 'certificate_unavailable',
          message: expect.stringContaining('did not answer with a PEM certificate'),
        },
      });
      await deliver(message, plain);
      expect(fetch).toHaveBeenCalledTimes(2);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('a non-2xx answer to the confirmation GET → 502, naming the host and path but not the token', async () => {
    stub((url) =>
      url.endsWith('.pem')
        ? new Response(TEST_CERTIFICATE.certificatePem)
        : new Response('denied', { status: 403 }),
    );
    try {
      const message = signed('SubscriptionConfirmation', { SigningCertURL: certUrl('default-3') });
      const { status, body } = answer(await deliver(message, plain));
      expect(status).toBe(502);
      expect(body.message).toContain('GET https://sns.eu-west-1.amazonaws.com/ answered 403');
      expect(body.message).not.toContain(String(message.Token));
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
