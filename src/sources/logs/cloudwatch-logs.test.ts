import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/support/fixtures.js';
import { cloudEventProblems } from '../../cloud-event.js';
import { isTriggerError, type TriggerError } from '../../errors.js';
import { sourceOf } from '../index.js';
import { cloudWatchLogsFromGzip, LOG_BATCH_TYPE, LOG_LINE_TYPE } from './cloudwatch-logs.js';
import { isGzip } from './cloudwatch-logs-payload.js';

const cloudWatchLogs = sourceOf('aws:cloudwatch-logs');

interface Fixture {
  awslogs: { data: string };
}
const payloadOf = (raw: Fixture): Record<string, unknown> =>
  JSON.parse(gunzipSync(Buffer.from(raw.awslogs.data, 'base64')).toString('utf8'));
const encode = (payload: unknown): Fixture => ({
  awslogs: { data: gzipSync(Buffer.from(JSON.stringify(payload))).toString('base64') },
});

function thrown(fn: () => unknown): TriggerError {
  try {
    fn();
  } catch (error) {
    if (isTriggerError(error)) return error;
    throw error;
  }
  throw new Error('expected a TriggerError, nothing was thrown');
}

describe('CloudWatch Logs: one event per log line (default)', () => {
  const raw = fixture('cloudwatch-logs/lambda-log-lines.json');
  const batch = cloudWatchLogs.normalize(raw, {});

  it('detects awslogs.data; an asynchronous invoke, so failures are thrown', () => {
    expect(cloudWatchLogs.detect(raw)).toBe(true);
    expect(batch).toMatchObject({ source: 'aws:cloudwatch-logs', reply: 'throw' });
    expect(batch.ordered).toBeUndefined();
    expect(batch.items).toHaveLength(4);
  });

  it('id and ref = the log event id, source = log group, subject = log stream, time = timestamp', () => {
    expect(batch.items[1]).toStrictEqual({
      ref: '39283749283749283749283749283749283749283749283749283713',
      event: {
        specversion: '1.0',
        id: '39283749283749283749283749283749283749283749283749283713',
        source: '/aws/lambda/orders-api',
        subject: '2025/11/23/[$LATEST]4f1c2e9a0b7d4c3e8f6a5b4c3d2e1f00',
        type: LOG_LINE_TYPE,
        time: '2025-11-23T12:13:20.004Z',
        datacontenttype: 'application/json',
        awsaccount: '210987654321',
        subscriptionfilter: 'orders-api-to-indexer',
        data: {
          level: 'INFO',
          message: 'order placed',
          orderId: 'ord-1001',
          total: 129.9,
          service: 'orders-api',
          xray_trace_id: '1-6922f1e0-4b5c6d7e8f90a1b2c3d4e5f6',
        },
      },
    });
  });

  it('lines that are not JSON stay text, exactly as logged', () => {
    expect(batch.items.map((item) => item.event.datacontenttype)).toEqual([
      'text/plain',
      'application/json',
      'text/plain',
      'text/plain',
    ]);
    expect(batch.items[2]?.event.data).toBe(
      '2025-11-23T12:13:20.009Z\t3f1b0c2a-5d6e-4f70-8a9b-0c1d2e3f4a5b\tERROR\tpayment provider timeout {"retry":true}\n',
    );
  });
});

describe('CloudWatch Logs: one event per delivery', () => {
  const raw = fixture('cloudwatch-logs/lambda-log-lines.json');
  const { items } = cloudWatchLogs.normalize(raw, { logEvents: 'per-batch' });

  it('keeps every line, JSON lines parsed, in one event', () => {
    expect(items).toHaveLength(1);
    const event = items[0]?.event;
    expect(event).toMatchObject({
      id: '39283749283749283749283749283749283749283749283749283712..39283749283749283749283749283749283749283749283749283715',
      type: LOG_BATCH_TYPE,
      source: '/aws/lambda/orders-api',
      time: '2025-11-23T12:13:20.000Z',
      datacontenttype: 'application/json',
    });
    const data = event?.data as { logEvents: Array<{ message: unknown }>; owner: string };
    expect(data.owner).toBe('210987654321');
    expect(data.logEvents.map((line) => typeof line.message)).toEqual([
      'string',
      'object',
      'string',
      'string',
    ]);
    expect(items[0]?.ref).toBe(event?.id);
  });
});

describe('CloudWatch Logs: account-level subscriptions and extracted fields', () => {
  const { items } = cloudWatchLogs.normalize(
    fixture('cloudwatch-logs/account-policy-extracted-fields.json'),
    {},
  );

  it('keeps policyLevel, and puts the message with its extracted fields in data', () => {
    expect(items[1]?.event).toMatchObject({
      policylevel: 'ACCOUNT_LEVEL_POLICY',
      datacontenttype: 'application/json',
      data: {
        message: '10.0.3.18 POST /checkout 502 3012ms',
        extractedFields: { status: '502', path: '/checkout' },
      },
    });
  });

  it('per batch, policyLevel stays in the data too', () => {
    const batch = cloudWatchLogs.normalize(fixture('cloudwatch-logs/account-policy-extracted-fields.json'), {
      logEvents: 'per-batch',
    });
    expect(batch.items[0]?.event.data).toMatchObject({ policyLevel: 'ACCOUNT_LEVEL_POLICY' });
  });
});

describe('CloudWatch Logs: CONTROL_MESSAGE', () => {
  it.each(['per-line', 'per-batch'] as const)(
    'yields no event (%s): the health check never reaches a handler',
    (mode) => {
      const batch = cloudWatchLogs.normalize(fixture('cloudwatch-logs/control-message.json'), {
        logEvents: mode,
      });
      expect(batch).toStrictEqual({ source: 'aws:cloudwatch-logs', reply: 'throw', items: [] });
    },
  );
});

describe('CloudWatch Logs through Kinesis: cloudWatchLogsFromGzip', () => {
  it('reads the same gzipped payload the Kinesis record carries', () => {
    const bytes = Buffer.from(
      fixture<Fixture>('cloudwatch-logs/lambda-log-lines.json').awslogs.data,
      'base64',
    );
    expect(isGzip(bytes)).toBe(true);
    const { events, rejected } = cloudWatchLogsFromGzip(bytes, { where: 'Records[0].kinesis.data' });
    expect(events.map((event) => event.type)).toEqual([
      LOG_LINE_TYPE,
      LOG_LINE_TYPE,
      LOG_LINE_TYPE,
      LOG_LINE_TYPE,
    ]);
    expect(rejected).toEqual([]);
    for (const event of events) expect(cloudEventProblems(event)).toEqual([]);
  });

  it('a control message gives no events', () => {
    const bytes = Buffer.from(
      fixture<Fixture>('cloudwatch-logs/control-message.json').awslogs.data,
      'base64',
    );
    expect(cloudWatchLogsFromGzip(bytes, { where: 'w' }).events).toEqual([]);
  });

  it('refuses payloads that decompress past the cap (gzip bombs)', () => {
    const bomb = gzipSync(Buffer.alloc(1024 * 1024, 0x20));
    const error = thrown(() =>
      cloudWatchLogsFromGzip(bomb, { where: 'Records[2].kinesis.data', maxDecompressedBytes: 4096 }),
    );
    expect(error).toMatchObject({ code: 'E_SOURCE_INVALID', path: 'Records[2].kinesis.data' });
    expect(error.message).toContain('decompresses to more than 4096 bytes');
  });
});

describe('CloudWatch Logs: malformed payloads', () => {
  it.each([
    [
      'base64 that is not gzip',
      { awslogs: { data: Buffer.from('hello').toString('base64') } },
      'awslogs.data is not gzip data',
    ],
    ['text that is not base64', { awslogs: { data: '###' } }, 'awslogs.data is not base64'],
    [
      'gzip that is not JSON',
      { awslogs: { data: gzipSync('nope').toString('base64') } },
      'does not decompress to JSON',
    ],
    [
      'JSON that is not a payload',
      encode({ hello: 'world' }),
      'is not a CloudWatch Logs subscription payload',
    ],
  ])('%s → E_SOURCE_INVALID', (_, raw, message) => {
    const error = thrown(() => cloudWatchLogs.normalize(raw, {}));
    expect(error.code).toBe('E_SOURCE_INVALID');
    expect(error.message).toContain(message);
  });

  it('one unreadable log line is rejected by its position, the other lines still normalize', () => {
    const payload = payloadOf(fixture<Fixture>('cloudwatch-logs/lambda-log-lines.json'));
    (payload.logEvents as unknown[])[1] = { id: 42, message: 'x' };
    const batch = cloudWatchLogs.normalize(encode(payload), {});
    expect(batch.items).toHaveLength(3);
    expect(batch.rejected).toHaveLength(1);
    expect(batch.rejected?.[0]).toMatchObject({ index: 1, ref: 'awslogs.data logEvents[1]' });
    expect(batch.rejected?.[0]?.error.message).toContain('awslogs.data logEvents[1] is not a log event');
  });
});
