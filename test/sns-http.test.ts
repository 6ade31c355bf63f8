/**
 * Amazon SNS HTTP(S) subscriptions end to end: signed deliveries through the Lambda adapter (a function URL
 * event, via `invoke`) and through the emulator's HTTP route, with the same answers. The certificate fetch
 * and the confirmation GET are injected: their real targets are on amazonaws.com only.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEmulator, type Emulator } from '../src/dev/emulator.js';
import { defineHandler } from '../src/index.js';
import type { SnsHttpVerification } from '../src/sources/http/options.js';
import { invoke } from '../src/testing/index.js';
import {
  functionUrlEvent,
  type SnsMessageType,
  signSnsMessage,
  snsMessage,
  snsRequest,
  TEST_CERTIFICATE,
  TOPIC_ARN,
} from './support/sns-signing.js';

function setup(verify: Partial<SnsHttpVerification> = {}) {
  const fetchCertificate = vi.fn(async (_url: string) => TEST_CERTIFICATE.certificatePem);
  const confirmSubscription = vi.fn(async (_url: string) => {});
  const handle = vi.fn(async (event: { data: unknown }) => ({ stored: event.data }));
  const handler = defineHandler({
    name: 'shop-alerts',
    sources: [
      {
        type: 'http',
        path: '/sns/shop-alerts',
        method: 'POST',
        verify: { provider: 'sns', topicArns: [TOPIC_ARN], fetchCertificate, confirmSubscription, ...verify },
      },
    ],
    handle,
  });
  return { handler, handle, fetchCertificate, confirmSubscription };
}

// The real clock: invoke and the emulator read it, and the test certificate is valid until 2036.
const signed = (type: SnsMessageType, changes: Record<string, unknown> = {}) =>
  signSnsMessage(snsMessage(type, { Timestamp: new Date().toISOString(), ...changes }));

type Answer = { statusCode: number; body: string };

describe('SNS HTTP subscription through the Lambda adapter (function URL)', () => {
  it('a signed Notification runs the handler and answers its result', async () => {
    const { handler, handle } = setup();
    const result = await invoke(handler, functionUrlEvent(snsRequest(signed('Notification'))));
    expect(result.response).toMatchObject({ statusCode: 200 });
    expect(JSON.parse((result.response as Answer).body)).toEqual({
      stored: { sku: 'lamp', left: 2, warehouse: 'berlin' },
    });
    expect(result.delivered.map((e) => e.source)).toEqual([TOPIC_ARN]);
    expect(handle).toHaveBeenCalledTimes(1);
  });

  it('a SubscriptionConfirmation is confirmed once and answered 200; the handler never runs', async () => {
    const { handler, handle, confirmSubscription } = setup();
    const message = signed('SubscriptionConfirmation');
    const result = await invoke(handler, functionUrlEvent(snsRequest(message)));
    expect(result.response).toMatchObject({ statusCode: 200 });
    expect(confirmSubscription).toHaveBeenCalledExactlyOnceWith(message.SubscribeURL);
    expect(handle).not.toHaveBeenCalled();
    expect(result.traces).toEqual([]);
  });

  it('a tampered Notification is 403 signature_invalid and the handler never runs', async () => {
    const { handler, handle } = setup();
    const tampered = { ...signed('Notification'), Message: '{"sku":"lamp","left":0}' };
    const result = await invoke(handler, functionUrlEvent(snsRequest(tampered)));
    expect(result.response).toMatchObject({ statusCode: 403 });
    expect(JSON.parse((result.response as Answer).body).error).toBe('signature_invalid');
    expect(handle).not.toHaveBeenCalled();
  });

  it('a certificate that cannot be fetched is 503, so SNS retries', async () => {
    const { handler, handle, fetchCertificate } = setup();
    fetchCertificate.mockRejectedValueOnce(new Error('getaddrinfo EAI_AGAIN'));
    const result = await invoke(handler, functionUrlEvent(snsRequest(signed('Notification'))));
    expect(result.response).toMatchObject({ statusCode: 503 });
    expect(handle).not.toHaveBeenCalled();
  });
});

describe("SNS HTTP subscription through the emulator's HTTP route", () => {
  const open: Emulator[] = [];
  afterEach(async () => {
    for (const emulator of open.splice(0)) await emulator.close();
  });

  async function serve(fixture: ReturnType<typeof setup>) {
    const emulator = createEmulator({
      functions: [{ name: 'shopAlerts', handler: fixture.handler }],
      log: () => {},
    });
    open.push(emulator);
    const url = await emulator.listen();
    return (message: Record<string, unknown>) => {
      const { headers, body } = snsRequest(message);
      return fetch(`${url}/sns/shop-alerts`, { method: 'POST', headers, body });
    };
  }

  it('confirms a subscription, then delivers a notification, and refuses a forged one', async () => {
    const fixture = setup();
    const post = await serve(fixture);
    const confirmation = signed('SubscriptionConfirmation');

    const confirmed = await post(confirmation);
    expect(confirmed.status).toBe(200);
    expect(await confirmed.json()).toEqual({ confirmed: TOPIC_ARN });
    expect(fixture.confirmSubscription).toHaveBeenCalledExactlyOnceWith(confirmation.SubscribeURL);
    expect(fixture.handle).not.toHaveBeenCalled();

    const delivered = await post(signed('Notification'));
    expect(delivered.status).toBe(200);
    expect(fixture.handle).toHaveBeenCalledTimes(1);

    const forged = await post({
      ...signed('Notification'),
      TopicArn: 'arn:aws:sns:eu-west-1:210987654321:billing',
    });
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as { error: string }).error).toBe('topic_denied');
    expect(fixture.handle).toHaveBeenCalledTimes(1);
    // One certificate URL, fetched once for both messages that reached the signature check.
    expect(fixture.fetchCertificate).toHaveBeenCalledTimes(1);
  });

  it('answers exactly what the Lambda adapter answers', async () => {
    const fixture = setup();
    const post = await serve(fixture);
    const messages = [
      signed('SubscriptionConfirmation'),
      signed('Notification'),
      { ...signed('Notification'), Subject: 'Plenty of stock' },
      signed('Notification', { Timestamp: '2026-11-30T00:00:00.000Z' }),
      signed('UnsubscribeConfirmation'),
    ];
    for (const message of messages) {
      const lambda = (await invoke(fixture.handler, functionUrlEvent(snsRequest(message))))
        .response as Answer;
      const emulator = await post(message);
      expect({ status: emulator.status, body: JSON.parse(await emulator.text()) }).toEqual({
        status: lambda.statusCode,
        body: JSON.parse(lambda.body),
      });
    }
    expect(fixture.handle).toHaveBeenCalledTimes(2);
    expect(fixture.confirmSubscription).toHaveBeenCalledTimes(2);
  });

  it('an unsigned request to the SNS route is 403 signature_missing', async () => {
    const fixture = setup();
    const post = await serve(fixture);
    const answer = await post({ ...signed('Notification'), Signature: undefined });
    expect(answer.status).toBe(403);
    expect(((await answer.json()) as { error: string }).error).toBe('signature_missing');
    expect(fixture.handle).not.toHaveBeenCalled();
  });
});
