import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/support/fixtures.js';
import type { CloudEvent } from '../../cloud-event.js';
import { isTriggerError, type TriggerError } from '../../errors.js';
import { toCloudEvents } from '../index.js';
import type { HttpRequest } from '../types.js';
import { cloudEventsMode, decodeHeaderValue, readCloudEvents } from './cloudevents-binding.js';

const REQUIRED = {
  'ce-specversion': '1.0',
  'ce-id': 'evt-1',
  'ce-source': '/tests',
  'ce-type': 'com.example.tested',
};

function request(headers: Record<string, string>, body: string | Buffer = ''): HttpRequest {
  return {
    method: 'POST',
    path: '/events',
    query: '',
    headers,
    body: typeof body === 'string' ? Buffer.from(body) : body,
    requestId: 'req-1',
    time: undefined,
    sourceIp: undefined,
  };
}

/** Our receiver: mode detection, then the binding. */
function receive(headers: Record<string, string>, body: string | Buffer = ''): CloudEvent[] {
  const req = request(headers, body);
  const mode = cloudEventsMode(req);
  if (mode === undefined) throw new Error('not a CloudEvents request');
  return readCloudEvents(req, mode);
}

function receiveOne(headers: Record<string, string>, body: string | Buffer = ''): CloudEvent {
  const [event, ...rest] = receive(headers, body);
  if (event === undefined || rest.length > 0) throw new Error('expected exactly one event');
  return event;
}

function rejection(fn: () => unknown): TriggerError {
  try {
    fn();
  } catch (error) {
    if (isTriggerError(error)) return error;
    throw error;
  }
  throw new Error('expected a TriggerError, nothing was thrown');
}

function expectRejected(fn: () => unknown, status: number, message: string | RegExp): void {
  const error = rejection(fn);
  expect(error.code).toBe('E_SOURCE_INVALID');
  expect(error.details).toEqual({ status });
  expect(error.message).toMatch(message);
}

describe('mode detection', () => {
  it.each([
    [{ 'content-type': 'application/cloudevents-batch+json' }, 'batch'],
    [{ 'content-type': 'Application/CloudEvents+JSON; charset=utf-8' }, 'structured'],
    [{ ...REQUIRED, 'content-type': 'application/json' }, 'binary'],
    [{ 'content-type': 'application/json' }, undefined],
  ])('%j → %s', (headers, mode) => {
    expect(cloudEventsMode(request(headers))).toBe(mode);
  });
});

describe('binary mode', () => {
  it('maps the recorded request: ce-* headers to attributes, Content-Type to datacontenttype, body to data', () => {
    const batch = toCloudEvents(fixture('apigw-http/cloudevent-binary.json'));
    expect(batch.source).toBe('aws:apigateway:v2');
    expect(batch.items).toEqual([
      {
        ref: 'inv-20251123-0042',
        event: {
          specversion: '1.0',
          id: 'inv-20251123-0042',
          source: '//billing.example.com/invoices',
          type: 'com.example.invoice.paid',
          subject: 'collections/été',
          time: '2025-11-23T12:19:58.120Z',
          traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
          datacontenttype: 'application/json; charset=utf-8',
          data: { invoiceId: 'inv-42', amount: 99.5, currency: 'EUR' },
        },
      },
    ]);
  });

  it.each(['application/json', 'application/json; charset=utf-8', 'Application/JSON;Charset=UTF-8'])(
    'keeps Content-Type %j verbatim as datacontenttype and parses the JSON',
    (contentType) => {
      const event = receiveOne({ ...REQUIRED, 'content-type': contentType }, '{"total":120}');
      expect(event.datacontenttype).toBe(contentType);
      expect(event.data).toEqual({ total: 120 });
    },
  );

  it('keeps text as a string', () => {
    const event = receiveOne({ ...REQUIRED, 'content-type': 'text/plain; charset=utf-8' }, 'héllo');
    expect(event.data).toBe('héllo');
    expect(event.data_base64).toBeUndefined();
  });

  it('keeps non-JSON, non-text bytes in data_base64, exactly', () => {
    const bytes = Buffer.from([0x00, 0x01, 0xfe, 0xff, 0x80]);
    const event = receiveOne({ ...REQUIRED, 'content-type': 'application/octet-stream' }, bytes);
    expect(event.data).toBeUndefined();
    expect(Buffer.from(event.data_base64 ?? '', 'base64')).toEqual(bytes);
  });

  it('sets no data for an empty body', () => {
    expect(receiveOne(REQUIRED)).toEqual({
      specversion: '1.0',
      id: 'evt-1',
      source: '/tests',
      type: 'com.example.tested',
    });
  });

  it('rejects ce-datacontenttype (the Content-Type header carries it) and ce-data / ce-data_base64', () => {
    for (const name of ['ce-datacontenttype', 'ce-data', 'ce-data_base64']) {
      expectRejected(() => receiveOne({ ...REQUIRED, [name]: 'text/plain' }), 400, `Header ${name} must not`);
    }
  });

  it.each(['id', 'source', 'type'])('names a missing ce-%s (400), never inventing it', (name) => {
    const { [`ce-${name}`]: _, ...headers } = REQUIRED as Record<string, string>;
    expectRejected(() => receiveOne(headers), 400, `\`${name}\` is required`);
  });

  it.each(['yesterday', '2025-11-23 12:15', '2025-02-30T00:00:00Z'])(
    'rejects ce-time %j (never replaced by now)',
    (time) => {
      expectRejected(
        () => receiveOne({ ...REQUIRED, 'ce-time': time }),
        400,
        '`time` must be an RFC 3339 timestamp',
      );
    },
  );

  it('rejects an extension header whose name is not a-z0-9', () => {
    expectRejected(() => receiveOne({ ...REQUIRED, 'ce-my-ext': 'v' }), 400, 'extension name `my-ext`');
  });

  it('rejects a JSON Content-Type whose body is not JSON', () => {
    expectRejected(
      () => receiveOne({ ...REQUIRED, 'content-type': 'application/json' }, '{"total":'),
      400,
      'not valid JSON',
    );
  });
});

describe('header value decoding (HTTP binding §3.1.3.2)', () => {
  it.each([
    ['%C3%A9t%C3%A9', 'été'],
    ['%c3%a9t%c3%a9', 'été'], // lower-case hex is accepted
    ['%2541', '%41'], // exactly one round
    ['a+b', 'a+b'], // not form encoding: + stays +
    ['"hello world"', 'hello world'],
    ['"say \\"hi\\""', 'say "hi"'],
    ['"caf%C3%A9"', 'café'], // unquote first, then percent-decode
    ['plain', 'plain'],
  ])('%s → %s', (raw, decoded) => {
    expect(decodeHeaderValue(raw, 'ce-subject')).toBe(decoded);
    expect(receiveOne({ ...REQUIRED, 'ce-subject': raw }).subject).toBe(decoded);
  });

  it.each(['%C0%A0', '%E9', '%ED%A0%80'])('rejects %s, which is not valid UTF-8, with 400', (raw) => {
    expectRejected(
      () => receiveOne({ ...REQUIRED, 'ce-subject': raw }),
      400,
      /Header ce-subject is not valid percent-encoded UTF-8/,
    );
  });

  it('matches Ce-* header names case-insensitively: our HTTP layer lower-cases them first', () => {
    const raw = fixture('apigw-http/cloudevent-binary.json');
    const lower = raw.headers as Record<string, string>;
    // API GW REST (v1) and other callers keep the sender's header case; HTTP header names are case-insensitive.
    const upper = (name: string) =>
      name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
    const headers = Object.fromEntries(Object.entries(lower).map(([name, value]) => [upper(name), value]));
    headers['CE-MYEXT'] = 'kept';
    expect(headers).toHaveProperty('Ce-Id', 'inv-20251123-0042');
    const [item] = toCloudEvents({ ...raw, headers }).items;
    expect(item?.event).toMatchObject({
      id: 'inv-20251123-0042',
      subject: 'collections/été',
      datacontenttype: 'application/json; charset=utf-8',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      myext: 'kept',
    });
  });
});

describe('structured mode', () => {
  it('reads the recorded application/cloudevents+json; charset=utf-8 request as the body says', () => {
    const raw = fixture('apigw-http/cloudevent-structured.json');
    const { items } = toCloudEvents(raw);
    expect(items).toEqual([
      { ref: 'c0ffee00-1d2e-4f3a-8b9c-0d1e2f3a4b5c', event: JSON.parse(String(raw.body)) },
    ]);
  });

  it('reads application/cloudevents+json without parameters, and data_base64', () => {
    const body = { specversion: '1.0', id: 'x1', source: '/s', type: 't', data_base64: 'AAEC' };
    expect(receiveOne({ 'content-type': 'application/cloudevents+json' }, JSON.stringify(body))).toEqual(
      body,
    );
  });

  it('names a missing attribute (400), never inventing an id', () => {
    const body = JSON.stringify({ specversion: '1.0', source: '/s', type: 't' });
    expectRejected(
      () => receiveOne({ 'content-type': 'application/cloudevents+json' }, body),
      400,
      '`id` is required',
    );
  });

  it('rejects a body that is not JSON (400) and an unknown event format (415)', () => {
    expectRejected(
      () => receiveOne({ 'content-type': 'application/cloudevents+json' }, '<event/>'),
      400,
      'not valid JSON',
    );
    expectRejected(
      () => receiveOne({ 'content-type': 'application/cloudevents+xml' }, '<event/>'),
      415,
      'application/cloudevents+xml',
    );
  });
});

describe('batch mode', () => {
  it('reads every event of the recorded batch: JSON, text and bytes', () => {
    const { items } = toCloudEvents(fixture('apigw-http/cloudevent-batch.json'));
    expect(items.map((item) => item.ref)).toEqual(['stk-7001', 'stk-7002', 'stk-7003']);
    expect(items.map((item) => item.event.data ?? item.event.data_base64)).toEqual([
      { sku: 'lamp', delta: -1 },
      'sku,delta\nmug-blue,-2\n',
      'JVBERi0xLjcKJeLjz9MK',
    ]);
  });

  it('reads an empty batch as no events', () => {
    expect(receive({ 'content-type': 'application/cloudevents-batch+json' }, '[]')).toEqual([]);
  });

  it('rejects a batch that is not an array, and names the invalid entry', () => {
    const headers = { 'content-type': 'application/cloudevents-batch+json' };
    expectRejected(() => receive(headers, '{}'), 400, 'must be a JSON array');
    const entries = [
      { specversion: '1.0', id: 'a', source: '/s', type: 't' },
      { specversion: '1.0', id: 'b' },
    ];
    expectRejected(
      () => receive(headers, JSON.stringify(entries)),
      400,
      /^batch entry \[1\] .*`source` is required/,
    );
  });
});
