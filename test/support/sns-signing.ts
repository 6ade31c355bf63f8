/**
 * SNS HTTP deliveries for tests: the recorded request shapes (test/fixtures/events/sns/http-*.json), signed
 * the way SNS signs them with the test-only certificate of test/fixtures/events/sns/, and wrapped in the
 * function URL event Lambda receives (test/fixtures/events/lambda-url/sns-delivery.json).
 */
import { sign } from 'node:crypto';
import { snsStringToSign } from '../../src/sources/aws/sns-signature.js';
import { fixture } from './fixtures.js';

export type SnsMessageType = 'Notification' | 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';

const RECORDED: Record<SnsMessageType, string> = {
  Notification: 'sns/http-notification.json',
  SubscriptionConfirmation: 'sns/http-subscription-confirmation.json',
  UnsubscribeConfirmation: 'sns/http-unsubscribe-confirmation.json',
};

/** Test-only: a self-signed certificate and its private key (see the README beside it). */
export const TEST_CERTIFICATE = fixture<{ certificatePem: string; privateKeyPem: string }>(
  'sns/test-signing-certificate.json',
);
export const TOPIC_ARN = 'arn:aws:sns:eu-west-1:210987654321:shop-alerts';
export const CERT_URL =
  'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem';

export interface SnsHttpRequest {
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** The recorded message of this type, with `changes` applied (`undefined` removes a field), unsigned. */
export function snsMessage(
  type: SnsMessageType,
  changes: Record<string, unknown> = {},
): Record<string, unknown> {
  const message: Record<string, unknown> = {
    ...JSON.parse(fixture<SnsHttpRequest>(RECORDED[type]).body),
    ...changes,
  };
  for (const [key, value] of Object.entries(changes)) if (value === undefined) delete message[key];
  return message;
}

/** Signs as SNS does: `SignatureVersion` 1 is SHA1withRSA, 2 SHA256withRSA, over the canonical text. */
export function signSnsMessage(
  message: Record<string, unknown>,
  privateKeyPem: string = TEST_CERTIFICATE.privateKeyPem,
): Record<string, unknown> {
  const text = snsStringToSign(message);
  if (!('text' in text)) throw new Error(text.problem);
  const algorithm = message.SignatureVersion === '1' ? 'sha1' : 'sha256';
  return {
    ...message,
    Signature: sign(algorithm, Buffer.from(text.text), privateKeyPem).toString('base64'),
  };
}

/** The request SNS posts for this message: the recorded headers of its type, the message as the body. */
export function snsRequest(message: Record<string, unknown>): SnsHttpRequest {
  const recorded = fixture<SnsHttpRequest>(RECORDED[message.Type as SnsMessageType] ?? RECORDED.Notification);
  const body = JSON.stringify(message, null, 2);
  return {
    headers: {
      ...recorded.headers,
      'x-amz-sns-message-type': String(message.Type),
      'x-amz-sns-message-id': String(message.MessageId),
      'x-amz-sns-topic-arn': String(message.TopicArn),
    },
    body,
  };
}

/** The function URL event Lambda receives for the request, at `path`. */
export function functionUrlEvent(
  request: SnsHttpRequest,
  path = '/sns/shop-alerts',
): Record<string, unknown> {
  const recorded = fixture<Record<string, unknown> & { headers: Record<string, string> }>(
    'lambda-url/sns-delivery.json',
  );
  const context = recorded.requestContext as { http: Record<string, unknown> };
  const { 'user-agent': _, 'content-type': __, ...snsHeaders } = request.headers;
  return {
    ...recorded,
    rawPath: path,
    headers: {
      ...recorded.headers,
      ...snsHeaders,
      'content-length': String(Buffer.byteLength(request.body)),
    },
    requestContext: { ...context, http: { ...context.http, path } },
    body: request.body,
  };
}
