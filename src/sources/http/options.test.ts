import { describe, expect, it } from 'vitest';
import { isTriggerError, type TriggerError } from '../../errors.js';
import { type SecretVerification, validateHttpSourceOptions } from './options.js';

const SECRET_KEY = `whsec_${Buffer.alloc(24, 1).toString('base64')}`;
const PUBLIC_KEY = `whpk_${Buffer.alloc(32, 2).toString('base64')}`;

function configError(options: unknown): TriggerError {
  try {
    validateHttpSourceOptions(options, 'sources[1]');
  } catch (error) {
    if (isTriggerError(error)) return error;
    throw error;
  }
  throw new Error('expected a TriggerError, nothing was thrown');
}

const GOOD = {
  type: 'http',
  path: '/webhooks/github',
  method: ['POST'],
  eventType: 'com.example.hook',
  verify: { provider: 'github', secret: ['test-new', 'test-old'], toleranceSeconds: 60 },
  allow: {
    cidrs: ['192.30.252.0/22', '2606:50c0::/32', '203.0.113.7'],
    referers: ['*.example.com'],
    origins: ['a.example'],
  },
  maxBodyBytes: 25_000_000,
};

describe('validateHttpSourceOptions', () => {
  it('returns a frozen copy of valid options', () => {
    const input = structuredClone(GOOD);
    const options = validateHttpSourceOptions(input, 'sources[1]');
    expect(options).toEqual(GOOD);
    expect(Object.isFrozen(options)).toBe(true);
    expect(Object.isFrozen((options.verify as SecretVerification).secret)).toBe(true);
    expect(Object.isFrozen(options.allow?.cidrs)).toBe(true);
    input.allow.cidrs.push('0.0.0.0/0');
    expect(options.allow?.cidrs).toHaveLength(3);
  });

  it.each([
    [
      { ...GOOD, path: 'hooks' },
      'sources[1].path',
      "Expected `sources[1].path` to be a path starting with '/'",
    ],
    [{ ...GOOD, method: [] }, 'sources[1].method', 'a method such as'],
    [{ ...GOOD, method: ['POST', 'BAD METHOD'] }, 'sources[1].method[1]', 'an HTTP method'],
    [{ ...GOOD, eventType: '' }, 'sources[1].eventType', 'a non-empty CloudEvents type'],
    [{ ...GOOD, maxBodyBytes: -1 }, 'sources[1].maxBodyBytes', 'a whole number of bytes'],
    [
      { ...GOOD, verify: { provider: 'githb', secret: 's' } },
      'sources[1].verify.provider',
      "one of 'github', 'gitlab'",
    ],
    [
      { ...GOOD, verify: { provider: 'github', secret: '' } },
      'sources[1].verify.secret',
      'got an empty string',
    ],
    [{ ...GOOD, verify: { provider: 'github' } }, 'sources[1].verify.secret', 'got nothing'],
    [{ ...GOOD, verify: { provider: 'github', secret: [] } }, 'sources[1].verify.secret', 'a non-empty list'],
    [
      { ...GOOD, verify: { provider: 'github', secret: ['a', ' '] } },
      'sources[1].verify.secret[1]',
      'got a blank string',
    ],
    [
      { ...GOOD, verify: { provider: 'standard-webhooks', secret: 'whsec_not base64!' } },
      'sources[1].verify.secret',
      'followed by base64',
    ],
    [
      { ...GOOD, verify: { provider: 'stripe', secret: 's', toleranceSeconds: 0 } },
      'sources[1].verify.toleranceSeconds',
      'a positive number',
    ],
    [
      { ...GOOD, verify: { provider: 'stripe', secret: 's', tolerance: 5 } },
      'sources[1].verify.tolerance',
      'Unknown option',
    ],
    [
      { ...GOOD, verify: { provider: 'standard-webhooks', secret: 'whpk_AAAA' } },
      'sources[1].verify.secret',
      'the base64 of 32 ed25519 key bytes',
    ],
    [
      { ...GOOD, verify: { provider: 'standard-webhooks', secret: [SECRET_KEY, `whsk_${'A'.repeat(43)}=`] } },
      'sources[1].verify.secret[1]',
      "the sender's public key (whpk_…)",
    ],
    [
      { ...GOOD, verify: { provider: 'sns', topicArns: ['arn:aws:sqs:eu-west-1:210987654321:orders'] } },
      'sources[1].verify.topicArns[0]',
      'an SNS topic ARN',
    ],
    [
      { ...GOOD, verify: { provider: 'sns', maxAgeSeconds: 0 } },
      'sources[1].verify.maxAgeSeconds',
      'a positive number of seconds',
    ],
    [
      { ...GOOD, verify: { provider: 'sns', fetchCertificate: 'https://sns…' } },
      'sources[1].verify.fetchCertificate',
      'a function',
    ],
    [{ ...GOOD, verify: { provider: 'sns', secret: 's' } }, 'sources[1].verify.secret', 'Unknown option'],
    [{ ...GOOD, allow: { cidr: ['10.0.0.0/8'] } }, 'sources[1].allow.cidr', 'Unknown option'],
    [{ ...GOOD, allow: { cidrs: ['10.0.0.0/33'] } }, 'sources[1].allow.cidrs[0]', 'got "10.0.0.0/33"'],
    [{ ...GOOD, allow: { cidrs: ['10.0.0/8'] } }, 'sources[1].allow.cidrs[0]', 'an IP address or CIDR block'],
    [{ ...GOOD, allow: { cidrs: ['2001:db8::/129'] } }, 'sources[1].allow.cidrs[0]', 'CIDR'],
    [{ ...GOOD, allow: { cidrs: '10.0.0.0/8' } }, 'sources[1].allow.cidrs', 'a list'],
    [
      { ...GOOD, allow: { referers: ['https://shop.example.com'] } },
      'sources[1].allow.referers[0]',
      'no scheme',
    ],
    [{ ...GOOD, allow: { origins: ['*'] } }, 'sources[1].allow.origins[0]', 'a host name'],
  ])('%j → E_CONFIG at %s', (options, path, message) => {
    const error = configError(options);
    expect(error.code).toBe('E_CONFIG');
    expect(error.path).toBe(path);
    expect(error.message).toContain(message);
  });

  it('takes an SNS subscription (no secret) and a Standard Webhooks whpk_ key among secrets', () => {
    const sns = validateHttpSourceOptions(
      {
        path: '/sns',
        verify: { provider: 'sns', topicArns: ['arn:aws:sns:eu-west-1:210987654321:shop-alerts'] },
      },
      'sources[0]',
    );
    expect(Object.isFrozen(sns.verify)).toBe(true);
    expect(sns.verify).toEqual({
      provider: 'sns',
      topicArns: ['arn:aws:sns:eu-west-1:210987654321:shop-alerts'],
    });
    const mixed = { provider: 'standard-webhooks', secret: [SECRET_KEY, PUBLIC_KEY] };
    expect(validateHttpSourceOptions({ path: '/h', verify: mixed }, 'sources[0]').verify).toEqual(mixed);
  });

  it('never puts a secret in the message', () => {
    const secret = 'whsec_!!super-secret-value!!';
    const error = configError({ path: '/h', verify: { provider: 'standard-webhooks', secret } });
    expect(error.message).not.toContain('super-secret');
  });

  it('refuses options that are not an object', () => {
    expect(configError(null).path).toBe('sources[1]');
  });
});
