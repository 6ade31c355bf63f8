import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { fixture } from '../../../test/support/fixtures.js';
import {
  fetchAndVerifySnsMessage,
  isSnsSigningCertUrl,
  isSnsSubscribeUrl,
  snsStringToSign,
  verifySnsMessage,
} from './sns-signature.js';

const notification = (): Record<string, unknown> =>
  JSON.parse(fixture<{ body: string }>('sns/http-notification.json').body);
const confirmation = (): Record<string, unknown> =>
  JSON.parse(fixture<{ body: string }>('sns/http-subscription-confirmation.json').body);
// Generated once with openssl for these tests: valid from 2026-11-23 for ten years.
const certificate = fixture<{ certificatePem: string; privateKeyPem: string }>(
  'sns/test-signing-certificate.json',
);
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicPem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();

/** Signs the message the way SNS does, with SignatureVersion 1 (SHA1) or 2 (SHA256). */
function signed(
  message: Record<string, unknown>,
  privateKey: Parameters<typeof sign>[2] = keys.privateKey,
): Record<string, unknown> {
  const version = String(message.SignatureVersion);
  const text = snsStringToSign(message);
  if (!('text' in text)) throw new Error(text.problem);
  const signature = sign(version === '1' ? 'sha1' : 'sha256', Buffer.from(text.text), privateKey);
  return { ...message, Signature: signature.toString('base64') };
}

describe('the string SNS signs', () => {
  it('Notification: Message, MessageId, Subject, Timestamp, TopicArn, Type as Name\\nValue\\n pairs', () => {
    const message = { ...notification(), Message: 'hi', Subject: 'S', Timestamp: 'T' };
    expect(snsStringToSign(message)).toEqual({
      text:
        'Message\nhi\nMessageId\na1b2c3d4-0004-5e6f-8a9b-0c1d2e3f4a5b\nSubject\nS\nTimestamp\nT\n' +
        'TopicArn\narn:aws:sns:eu-west-1:210987654321:shop-alerts\nType\nNotification\n',
    });
  });

  it('Subject is left out when absent or null (SQS-wrapped messages carry "Subject": null)', () => {
    const withNull = snsStringToSign({ ...notification(), Subject: null });
    const { Subject: _, ...without } = notification();
    expect(withNull).toEqual(snsStringToSign(without));
    expect('text' in withNull && withNull.text).not.toContain('Subject');
  });

  it('SubscriptionConfirmation includes SubscribeURL and Token', () => {
    const text = snsStringToSign({ ...confirmation(), Message: 'one line' });
    expect('text' in text && text.text.split('\n').filter((_, i) => i % 2 === 0)).toEqual([
      'Message',
      'MessageId',
      'SubscribeURL',
      'Timestamp',
      'Token',
      'TopicArn',
      'Type',
      '',
    ]);
  });
});

describe('verifySnsMessage', () => {
  it.each(['1', '2'])('accepts a message signed with SignatureVersion %s', (version) => {
    const message = signed({ ...notification(), SignatureVersion: version });
    expect(verifySnsMessage(message, publicPem)).toEqual({ valid: true });
  });

  it('accepts a subscription confirmation signed with SHA256', () => {
    expect(verifySnsMessage(signed(confirmation()), publicPem)).toEqual({ valid: true });
  });

  it('verifies against an X.509 certificate, and refuses it outside its validity period', () => {
    const message = signed(
      { ...notification(), Timestamp: '2030-01-01T00:00:00.000Z' },
      certificate.privateKeyPem,
    );
    const now = Date.parse('2030-01-01T00:01:00.000Z');
    expect(verifySnsMessage(message, certificate.certificatePem, { now })).toEqual({ valid: true });
    const later = { ...message, Timestamp: '2040-01-01T00:00:00.000Z' };
    const resigned = signed(later, certificate.privateKeyPem);
    const check = verifySnsMessage(resigned, certificate.certificatePem, {
      now: Date.parse('2040-01-01T00:01:00Z'),
    });
    expect(check).toMatchObject({ valid: false, reason: expect.stringContaining('not valid now') });
  });

  it.each([
    ['a changed Message', { Message: 'tampered' }, 'the signature does not match'],
    ['a changed Subject', { Subject: 'Urgent' }, 'the signature does not match'],
    ['SignatureVersion 3', { SignatureVersion: '3' }, 'unsupported SignatureVersion "3"'],
    [
      'a foreign certificate URL',
      { SigningCertURL: 'https://evil.example/sns.pem' },
      'SigningCertURL is not',
    ],
    ['a non-base64 Signature', { Signature: 'not base64!' }, '`Signature` must be a base64 string'],
    ['an unknown Type', { Type: 'Ping' }, 'unknown message Type "Ping"'],
  ])('refuses %s', (_, change, reason) => {
    const message = { ...signed(notification()), ...change };
    expect(verifySnsMessage(message, publicPem)).toEqual({
      valid: false,
      code: 'signature_invalid',
      reason: expect.stringContaining(reason),
    });
  });

  it.each([
    ['absent', undefined],
    ['null', null],
    ['empty', ''],
  ])('a Signature that is %s is missing, not invalid', (_, value) => {
    const message = { ...signed(notification()), Signature: value };
    expect(verifySnsMessage(message, publicPem)).toEqual({
      valid: false,
      code: 'signature_missing',
      reason: 'the message has no `Signature`',
    });
  });

  it('refuses a message signed by another key, and an unreadable certificate, without throwing', () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(verifySnsMessage(signed(notification(), other.privateKey), publicPem)).toMatchObject({
      valid: false,
    });
    expect(verifySnsMessage(signed(notification()), 'not a pem')).toMatchObject({
      valid: false,
      reason: expect.stringContaining('cannot be read'),
    });
  });

  it('with topicArns, refuses messages from other topics', () => {
    const message = signed(notification());
    expect(verifySnsMessage(message, publicPem, { topicArns: [String(message.TopicArn)] })).toEqual({
      valid: true,
    });
    expect(verifySnsMessage(message, publicPem, { topicArns: ['arn:aws:sns:eu-west-1:1:other'] })).toEqual({
      valid: false,
      code: 'topic_denied',
      reason: 'unexpected TopicArn "arn:aws:sns:eu-west-1:210987654321:shop-alerts"',
    });
  });

  it('with `now`, refuses a message older than maxAgeMs (default one hour)', () => {
    const message = signed(notification());
    const sent = Date.parse(String(message.Timestamp));
    expect(verifySnsMessage(message, publicPem, { now: sent + 59 * 60_000 })).toEqual({ valid: true });
    expect(verifySnsMessage(message, publicPem, { now: sent + 61 * 60_000 })).toMatchObject({
      valid: false,
      code: 'signature_expired',
      reason: expect.stringContaining('too old'),
    });
    expect(
      verifySnsMessage(message, publicPem, { now: sent + 61 * 60_000, maxAgeMs: 2 * 3_600_000 }),
    ).toEqual({
      valid: true,
    });
  });
});

describe('SigningCertURL', () => {
  it.each([
    [
      'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem',
      true,
    ],
    ['https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-abc.pem', true],
    ['http://sns.eu-west-1.amazonaws.com/SimpleNotificationService-abc.pem', false],
    ['https://sns.eu-west-1.amazonaws.com.evil.example/x.pem', false],
    ['https://sns.eu-west-1.amazonaws.com@evil.example/x.pem', false],
    ['https://evil.example/sns.eu-west-1.amazonaws.com/x.pem', false],
    ['https://sns.eu-west-1.amazonaws.com/x.pem?redirect=https://evil.example', false],
    ['https://sqs.eu-west-1.amazonaws.com/x.pem', false],
    ['https://sns.eu-west-1.amazonaws.com/x.txt', false],
    ['https://sns.us-gov-west-1.amazonaws.com/SimpleNotificationService-abc.pem', true],
    ['https://sns.ap-southeast-3.amazonaws.com/SimpleNotificationService-abc.pem', true],
    // S3 bucket hosts named "sns": anyone may create the bucket and serve a certificate from it.
    ['https://sns.s3-us-west-2.amazonaws.com/SimpleNotificationService-abc.pem', false],
    ['https://sns.s3-external-1.amazonaws.com/SimpleNotificationService-abc.pem', false],
    ['https://sns.s3-website-us-east-1.amazonaws.com/SimpleNotificationService-abc.pem', false],
    ['https://sns.s3.amazonaws.com/SimpleNotificationService-abc.pem', false],
    // Each partition on its own domain.
    ['https://sns.eu-west-1.amazonaws.com.cn/SimpleNotificationService-abc.pem', false],
    ['https://sns.cn-north-1.amazonaws.com/SimpleNotificationService-abc.pem', false],
    ['https://sns.eu-west-1.amazonaws.com/a/../SimpleNotificationService-abc.pem', false],
    ['https://SNS.eu-west-1.amazonaws.com/SimpleNotificationService-abc.pem', false],
  ])('%s → %s', (url, expected) => {
    expect(isSnsSigningCertUrl(url)).toBe(expected);
  });
});

describe('SubscribeURL', () => {
  const topic = 'arn:aws:sns:eu-west-1:210987654321:shop-alerts';
  const query = `?Action=ConfirmSubscription&TopicArn=${topic}&Token=2336412f`;
  it.each([
    [`https://sns.eu-west-1.amazonaws.com/${query}`, topic, true],
    [
      `https://sns.cn-north-1.amazonaws.com.cn/${query}`,
      'arn:aws-cn:sns:cn-north-1:210987654321:shop-alerts',
      true,
    ],
    [`https://sns.us-east-1.amazonaws.com/${query}`, topic, false],
    [`http://sns.eu-west-1.amazonaws.com/${query}`, topic, false],
    [`https://sns.eu-west-1.amazonaws.com:8443/${query}`, topic, false],
    [`https://user@sns.eu-west-1.amazonaws.com/${query}`, topic, false],
    [`https://sns.eu-west-1.amazonaws.com.evil.example/${query}`, topic, false],
    [`https://evil.example/${query}`, topic, false],
    [
      `https://sns.s3-us-west-2.amazonaws.com/${query}`,
      'arn:aws:sns:s3-us-west-2:210987654321:shop-alerts',
      false,
    ],
    [
      `https://sns.us-gov-west-1.amazonaws.com/${query}`,
      'arn:aws-us-gov:sns:us-gov-west-1:210987654321:shop-alerts',
      true,
    ],
    ['https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=x', topic, false],
    ['not a url', topic, false],
  ])('%s (topic %s) → %s', (url, arn, expected) => {
    expect(isSnsSubscribeUrl(url, arn)).toBe(expected);
  });
});

describe('fetchAndVerifySnsMessage', () => {
  it('fetches the certificate from SigningCertURL (or a Lambda record’s SigningCertUrl) and verifies', async () => {
    const fetchCertificate = vi.fn(async () => publicPem);
    const message = signed(notification());
    const now = Date.parse(String(message.Timestamp)) + 1000;
    expect(await fetchAndVerifySnsMessage(message, fetchCertificate, { now })).toEqual({ valid: true });
    expect(fetchCertificate).toHaveBeenCalledWith(message.SigningCertURL);
    const { SigningCertURL: url, ...lambdaStyle } = message;
    expect(
      await fetchAndVerifySnsMessage({ ...lambdaStyle, SigningCertUrl: url }, fetchCertificate, { now }),
    ).toEqual({
      valid: true,
    });
  });

  it('never fetches a URL that is not an SNS certificate URL', async () => {
    const fetchCertificate = vi.fn(async () => publicPem);
    const message = { ...signed(notification()), SigningCertURL: 'https://evil.example/key.pem' };
    expect(await fetchAndVerifySnsMessage(message, fetchCertificate)).toMatchObject({ valid: false });
    expect(fetchCertificate).not.toHaveBeenCalled();
  });

  it('a failing fetch is a refusal, not a crash', async () => {
    const message = signed(notification());
    const now = Date.parse(String(message.Timestamp)) + 1000;
    const check = await fetchAndVerifySnsMessage(
      message,
      async () => {
        throw new Error('ECONNRESET');
      },
      { now },
    );
    expect(check).toEqual({
      valid: false,
      code: 'certificate_unavailable',
      reason: expect.stringContaining('ECONNRESET'),
    });
  });

  it('fetches nothing for a message that fails a check needing no certificate', async () => {
    const fetchCertificate = vi.fn(async () => publicPem);
    const message = signed(notification());
    const now = Date.parse(String(message.Timestamp)) + 1000;
    for (const broken of [
      { ...message, Signature: undefined },
      { ...message, SignatureVersion: '3' },
      { ...message, Type: 'Ping' },
    ]) {
      expect(await fetchAndVerifySnsMessage(broken, fetchCertificate, { now })).toMatchObject({
        valid: false,
      });
    }
    expect(
      await fetchAndVerifySnsMessage(message, fetchCertificate, { now: now + 2 * 3_600_000 }),
    ).toMatchObject({ code: 'signature_expired' });
    expect(fetchCertificate).not.toHaveBeenCalled();
  });

  it('checks the message age against the current time by default', async () => {
    const stale = signed(notification());
    expect(await fetchAndVerifySnsMessage(stale, async () => publicPem)).toMatchObject({
      valid: false,
      reason: expect.stringContaining('too old'),
    });
  });
});
