/**
 * The receive-side defects of the `cloudevents` SDK (research notes §5.3) that our binding handles
 * differently: each test feeds the same headers and body to `HTTP.toEvent` and to our receiver, and
 * asserts both results, so an SDK upgrade that changes behaviour shows up here.
 * Observed with cloudevents@10.0.0.
 */
import { type CloudEventV1, HTTP } from 'cloudevents';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fixture } from '../../../test/support/fixtures.js';
import type { CloudEvent } from '../../cloud-event.js';
import { isTriggerError, type TriggerError } from '../../errors.js';
import { toCloudEvents } from '../index.js';
import { cloudEventsMode, readCloudEvents } from './cloudevents-binding.js';

const BINARY = {
  'ce-specversion': '1.0',
  'ce-id': 'inv-20251123-0042',
  'ce-source': '//billing.example.com/invoices',
  'ce-type': 'com.example.invoice.paid',
  'content-type': 'application/json',
};
const BODY = '{"invoiceId":"inv-42"}';

function sdk(headers: Record<string, string>, body: string): CloudEventV1<unknown> {
  const result = HTTP.toEvent({ headers: { ...headers }, body });
  if (Array.isArray(result)) throw new Error('expected one event from the SDK');
  return result;
}

function ours(headers: Record<string, string>, body: string): CloudEvent {
  const req = {
    method: 'POST',
    path: '/events',
    query: '',
    headers,
    body: Buffer.from(body),
    requestId: 'req-1',
    time: undefined,
    sourceIp: undefined,
  };
  const mode = cloudEventsMode(req);
  if (mode === undefined) throw new Error('not a CloudEvents request');
  const [event] = readCloudEvents(req, mode);
  if (event === undefined) throw new Error('no event');
  return event;
}

function ourRejection(headers: Record<string, string>, body: string): TriggerError {
  try {
    ours(headers, body);
  } catch (error) {
    if (isTriggerError(error)) return error;
    throw error;
  }
  throw new Error('expected our receiver to reject the request');
}

afterEach(() => {
  vi.useRealTimers();
});

describe('cloudevents SDK HTTP.toEvent vs our receiver', () => {
  it('percent-encoded ce-* values: the SDK keeps the escapes, we decode once (§3.1.3.2)', () => {
    const headers = { ...BINARY, 'ce-subject': '%C3%A9t%C3%A9' };
    expect(sdk(headers, BODY).subject).toBe('%C3%A9t%C3%A9');
    expect(ours(headers, BODY).subject).toBe('été');
  });

  it('invalid UTF-8 (%C0%A0): the SDK passes it through, we reject it with 400', () => {
    const headers = { ...BINARY, 'ce-subject': '%C0%A0' };
    expect(sdk(headers, BODY).subject).toBe('%C0%A0');
    const error = ourRejection(headers, BODY);
    expect(error.code).toBe('E_SOURCE_INVALID');
    expect(error.details).toEqual({ status: 400 });
  });

  it('quoted-string values: the SDK keeps the quotes, we unescape them', () => {
    const headers = { ...BINARY, 'ce-subject': '"hello world"' };
    expect(sdk(headers, BODY).subject).toBe('"hello world"');
    expect(ours(headers, BODY).subject).toBe('hello world');
  });

  it('a non-lower-case Ce- extension header: the SDK drops it (#566), we keep it', () => {
    const raw = fixture('apigw-http/cloudevent-binary.json');
    const headers = { ...BINARY, 'Ce-Myext': 'kept' };
    const fromSdk = sdk(headers, BODY);
    // The SDK does match the required attributes case-insensitively; only extensions are lost.
    expect(fromSdk.id).toBe('inv-20251123-0042');
    expect(fromSdk.myext).toBeUndefined();
    const { items } = toCloudEvents({ ...raw, headers, body: BODY });
    expect(items[0]?.event.myext).toBe('kept');
  });

  it('a bad ce-time: the SDK replaces it with the current time (#386), we reject it with 400', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2031-05-06T07:08:09.000Z'));
    const headers = { ...BINARY, 'ce-time': 'yesterday' };
    expect(sdk(headers, BODY).time).toBe('2031-05-06T07:08:09.000Z');
    const error = ourRejection(headers, BODY);
    expect(error.details).toEqual({ status: 400 });
    expect(error.message).toContain('`time` must be an RFC 3339 timestamp, got "yesterday"');
  });

  it('no time at all: the SDK invents one, we leave `time` unset', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2031-05-06T07:08:09.000Z'));
    expect(sdk(BINARY, BODY).time).toBe('2031-05-06T07:08:09.000Z');
    expect(ours(BINARY, BODY)).not.toHaveProperty('time');
  });

  it('structured mode without `id`: the SDK invents a UUID, we reject it with 400 naming `id`', () => {
    const headers = { 'content-type': 'application/cloudevents+json' };
    const body = JSON.stringify({ specversion: '1.0', source: '/s', type: 'com.example.tested' });
    expect(sdk(headers, body).id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(ourRejection(headers, body).message).toContain('`id` is required');
  });

  it('binary mode without ce-id: the SDK does NOT invent one here — it throws "no cloud event detected"', () => {
    // The research notes expected an invented id; with cloudevents@10.0.0 the binary path detects the
    // mode by ce-id, so a request without it is refused. We refuse it too, and name the attribute.
    const { 'ce-id': _, ...headers } = BINARY;
    expect(() => sdk(headers, BODY)).toThrow('no cloud event detected');
    expect(ourRejection(headers, BODY).message).toContain('`id` is required');
  });

  it('binary mode without ce-type: the SDK returns an event with no type (#597), we reject it with 400', () => {
    const { 'ce-type': _, ...headers } = BINARY;
    expect(sdk(headers, BODY).type).toBeUndefined();
    expect(ourRejection(headers, BODY).message).toContain('`type` is required');
  });
});
