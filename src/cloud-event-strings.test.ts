/**
 * `source` as a URI-reference: what `isUriReference` accepts, the `cloudevents` SDK accepts too, and what
 * `toUriReference` builds is always accepted by both.
 */
import { CloudEvent as SdkCloudEvent } from 'cloudevents';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isUriReference, toUriReference } from './cloud-event-strings.js';

/** True when the SDK's own validation (its JSON schema, `format: uri-reference`) takes `source`. */
function sdkAccepts(source: string): boolean {
  try {
    new SdkCloudEvent({ id: '1', source, type: 'com.example.tested' });
    return true;
  } catch {
    return false;
  }
}

describe('isUriReference', () => {
  it.each([
    '/webhooks/orders',
    'aws.s3',
    'aws:s3.eu-west-1.shop-invoices',
    'arn:aws:sqs:eu-west-1:210987654321:orders',
    'https://api.stripe.com/v1/events',
    '//billing.example.com/invoices',
    'urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66',
    'mailto:cncf-wg-serverless@lists.cncf.io',
    'cloudevents/spec/pull/123',
    '1-555-123-4567',
    'https://[2001:db8::1]:8443/a?b=c#d',
    '/a%20b',
  ])('accepts %s', (text) => {
    expect(isUriReference(text)).toBe(true);
    expect(sdkAccepts(text)).toBe(true);
  });

  it.each([
    ['/my hook', 'a space'],
    ['/a%zz', 'a % that starts no escape'],
    ['/é', 'a non-ASCII character'],
    ['/a#b#c', 'two #'],
    ['1abc:x', 'a colon in a relative first segment'],
    ['https://ex.com/a[1]', 'brackets in the path'],
    ['https://ex.com:8a/', 'a port that is not digits'],
    ['/a\nb', 'a control character'],
  ])('refuses %j (%s)', (text) => {
    expect(isUriReference(text)).toBe(false);
  });

  it('the SDK refuses an event whose source has a space', () => {
    expect(sdkAccepts('/my hook')).toBe(false);
  });
});

describe('toUriReference', () => {
  it.each([
    ['/webhooks/orders', '/webhooks/orders'],
    ['/my hook', '/my%20hook'],
    ['/aws/logs#a#b', '/aws/logs#a%23b'],
    ['/100%', '/100%25'],
    ['/été', '/%C3%A9t%C3%A9'],
    ['1abc:x y', '1abc%3Ax%20y'],
  ])('%j → %j', (text, expected) => {
    expect(toUriReference(text)).toBe(expected);
  });

  it('any string becomes a URI-reference both we and the SDK accept (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1 }), (text) => {
        const built = toUriReference(text);
        expect(isUriReference(built)).toBe(true);
        expect(sdkAccepts(built)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('whatever isUriReference accepts, the SDK accepts (property)', () => {
    const uriish = fc.string({
      unit: fc.constantFrom(..."aZ09-._~:/?#[]@!$&'()*+,;=%AF ".split('')),
      minLength: 1,
    });
    fc.assert(
      fc.property(uriish, (text) => {
        if (isUriReference(text)) expect(sdkAccepts(text)).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });
});
