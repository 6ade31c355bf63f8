/**
 * CloudEvents over HTTP, held to the spec: what we build is a CloudEvent the `cloudevents` SDK accepts,
 * and what we receive is refused with 400 — never altered — when it breaks the type system (a `source`
 * that is no URI-reference, control characters, lone surrogates), the binding (a header sent twice, raw
 * non-ASCII bytes) or the JSON format (bytes that are not UTF-8).
 */
import { readFileSync } from 'node:fs';
import { HTTP, CloudEvent as SdkCloudEvent } from 'cloudevents';
import { describe, expect, it } from 'vitest';
import { isTriggerError } from '../../errors.js';
import { toCloudEvents } from '../index.js';

type Raw = Record<string, unknown> & { headers: Record<string, string> };
const fixture = (path: string): Raw =>
  JSON.parse(readFileSync(new URL(`../../../test/fixtures/events/${path}`, import.meta.url), 'utf8')) as Raw;

const binary = fixture('apigw-http/cloudevent-binary.json');
const structured = fixture('apigw-http/cloudevent-structured.json');
const webhook = fixture('apigw-http/order-webhook.json');

/** The request with its body replaced by these bytes (sent base64, as API Gateway does for binary). */
const withBytes = (raw: Raw, bytes: number[]) => ({
  ...raw,
  body: Buffer.from(bytes).toString('base64'),
  isBase64Encoded: true,
});
const withPath = (raw: Raw, path: string) => ({
  ...raw,
  rawPath: path,
  requestContext: {
    ...(raw.requestContext as object),
    http: { ...((raw.requestContext as Record<string, object>).http as object), path },
  },
});
/** `{"a":"<0xff>"}`: a JSON body whose bytes are not UTF-8. */
const NOT_UTF8_JSON = [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d];

/** The status a refused request is answered with, or 'accepted' and the event. */
function outcome(raw: unknown): { status: number; message: string } | { accepted: Record<string, unknown> } {
  try {
    const event = toCloudEvents(raw).items[0]?.event;
    return { accepted: event as Record<string, unknown> };
  } catch (error) {
    if (!isTriggerError(error) || error.code !== 'E_SOURCE_INVALID') throw error;
    return { status: (error.details as { status: number }).status, message: error.message };
  }
}

const sdkAccepts = (event: unknown) => () => new SdkCloudEvent(event as never);

describe('what we build: a source the SDK accepts', () => {
  it('a webhook path with a space becomes a percent-encoded source', () => {
    const result = outcome(withPath(webhook, '/hooks/my shop'));
    expect(result).toMatchObject({ accepted: { source: '/hooks/my%20shop' } });
    if ('accepted' in result) expect(sdkAccepts(result.accepted)).not.toThrow();
  });
});

describe('what we receive: refused with 400, not altered', () => {
  it.each([
    ['a source with a space', { source: '/my shop' }, 'must be a URI-reference'],
    ['a control character', { subject: 'inv\u000043' }, 'a control character (U+0000)'],
    ['a C1 control character', { subject: 'inv\u008543' }, 'a control character (U+0085)'],
    ['a lone surrogate', { subject: 'inv-\ud800' }, 'a lone surrogate (U+D800)'],
    ['a noncharacter', { myext: 'x\uffff' }, 'a noncharacter (U+FFFF)'],
  ])('structured mode: %s', (_, change, message) => {
    const body = JSON.stringify({ ...JSON.parse(structured.body as string), ...change });
    expect(outcome({ ...structured, body })).toMatchObject({
      status: 400,
      message: expect.stringContaining(message),
    });
  });

  it.each([
    ['ce-source', '/my%20shop', 'must be a URI-reference'],
    ['ce-subject', 'inv%0043', 'a control character (U+0000)'],
    ['ce-subject', 'inv%EF%BF%BF', 'a noncharacter (U+FFFF)'],
    ['ce-id', 'd1, d2', 'sent twice'],
    ['ce-id', '"d1", "d2"', 'not one quoted-string'],
    ['ce-subject', 'Ã©tÃ©', 'raw non-ASCII'],
    ['ce-subject', 'inv\t43', 'control character'],
  ])('binary mode: %s: %j', (header, value, message) => {
    const raw = { ...binary, headers: { ...binary.headers, [header]: value } };
    expect(outcome(raw)).toMatchObject({ status: 400, message: expect.stringContaining(message) });
  });

  it('binary mode: a ce-id header sent twice (API Gateway REST multi-value headers)', () => {
    const rest = fixture('apigw-rest/cloudevent-binary.json') as Raw & {
      multiValueHeaders: Record<string, string[]>;
    };
    const raw = { ...rest, multiValueHeaders: { ...rest.multiValueHeaders, 'Ce-Id': ['d1', 'd2'] } };
    expect(outcome(raw)).toMatchObject({ status: 400, message: expect.stringContaining('ce-id') });
  });

  it.each([
    ['structured', structured],
    ['binary, JSON content type', binary],
    ['a plain JSON webhook', webhook],
  ])('%s: a JSON body that is not UTF-8', (_, raw) => {
    expect(outcome(withBytes(raw, NOT_UTF8_JSON))).toMatchObject({
      status: 400,
      message: expect.stringContaining('not valid UTF-8'),
    });
  });

  it('a text body that is not UTF-8 is kept as its bytes, not decoded with replacement characters', () => {
    const raw = {
      ...withBytes(webhook, [0x63, 0x61, 0x66, 0xe9]),
      headers: { 'content-type': 'text/plain' },
    };
    expect(outcome(raw)).toMatchObject({ accepted: { data_base64: 'Y2Fm6Q==' } });
  });
});

describe('interop with the SDK emitter', () => {
  it('its binary and structured messages are read as sent (its raw spaces tolerated)', () => {
    const event = new SdkCloudEvent({
      id: 'inv-44',
      source: '//billing.example.com/invoices',
      type: 'com.example.invoice.paid',
      subject: 'invoice 44',
      data: { invoiceId: 'inv-44' },
    });
    for (const message of [HTTP.binary(event), HTTP.structured(event)]) {
      const headers = Object.fromEntries(Object.entries(message.headers).map(([k, v]) => [k, String(v)]));
      const result = outcome({ ...binary, headers, body: message.body as string });
      expect(result).toMatchObject({ accepted: { id: 'inv-44', subject: 'invoice 44' } });
    }
  });
});
