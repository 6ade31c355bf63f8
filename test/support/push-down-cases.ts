/**
 * Platform events that carry a given CloudEvent, for the filter push-down agreement test
 * (src/deploy/push-down-agreement.test.ts): the attributes a pattern-corpus case event can give a real
 * CloudEvent, rebuilt as an EventBridge event, SQS records with every kind of body, Kinesis JSON records
 * and DynamoDB stream records, in the shapes the platforms send.
 */

import { isUriReference } from '../../src/cloud-event-strings.js';
import { isRfc3339 } from '../../src/cloud-event-time.js';

/** What a case event can give a CloudEvent; defaults where it has nothing usable. */
export interface CaseAttributes {
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly time: string;
  readonly subject: string | undefined;
  readonly region: string;
  readonly account: string;
  /** `undefined`: the case event has no `data`. */
  readonly data: unknown;
  /** Other top-level members that are valid CloudEvents extensions. */
  readonly extensions: Readonly<Record<string, string | number | boolean>>;
}

const CORE = new Set([
  'specversion',
  'id',
  'source',
  'type',
  'time',
  'subject',
  'data',
  'awsregion',
  'awsaccount',
]);
const text = (v: unknown) =>
  typeof v === 'string' && v !== '' && !/[\p{Cc}\p{Cs}]/u.test(v) ? v : undefined;
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function caseAttributes(event: unknown): CaseAttributes {
  const e = isObject(event) ? event : {};
  const source = text(e.source);
  const extensions: Record<string, string | number | boolean> = {};
  for (const [name, v] of Object.entries(e)) {
    if (CORE.has(name) || !/^[a-z0-9]{1,20}$/.test(name)) continue;
    if (
      text(v) !== undefined ||
      typeof v === 'boolean' ||
      (Number.isInteger(v) && Math.abs(v as number) < 2 ** 31)
    )
      extensions[name] = v as string | number | boolean;
  }
  return {
    id: text(e.id) ?? 'evt-1',
    source: source !== undefined && isUriReference(source) ? source : 'test.source',
    type: text(e.type) ?? 'test.type',
    time: typeof e.time === 'string' && isRfc3339(e.time) ? e.time : '2026-03-01T09:30:00Z',
    subject: text(e.subject),
    region: text(e.awsregion) ?? 'eu-west-1',
    account: text(e.awsaccount) ?? '123456789012',
    data: e.data,
    extensions,
  };
}

/** The EventBridge envelope of the attributes, with `detail` the given payload. */
function envelope(a: CaseAttributes, detail: unknown): Record<string, unknown> {
  return {
    version: '0',
    id: a.id,
    'detail-type': a.type,
    source: a.source,
    account: a.account,
    time: a.time,
    region: a.region,
    resources: a.subject === undefined ? [] : [a.subject],
    detail,
  };
}

/** An S3 object event as EventBridge delivers it, with the case's payload beside bucket and key. */
function s3Envelope(a: CaseAttributes): Record<string, unknown> {
  const detail = isObject(a.data) ? a.data : {};
  return {
    ...envelope(a, {
      ...detail,
      bucket: { name: 'invoices' },
      object: { key: a.subject ?? 'k.csv' },
      reason: 'PutObject',
    }),
    'detail-type': 'Object Created',
    source: 'aws.s3',
    resources: ['arn:aws:s3:::invoices'],
  };
}

/** EventBridge events a rule would deliver: the case as an event (detail: its data object), and as an S3 event. */
export function eventBridgeEvents(a: CaseAttributes): unknown[] {
  const detail = isObject(a.data) ? a.data : {};
  const several = {
    ...envelope(a, detail),
    resources: [a.subject ?? 'arn:aws:ec2:eu-west-1:1:instance/i-1', 'arn:x'],
  };
  // As EventBridge sends them: JSON (so `-0` arrives as `0`).
  return JSON.parse(JSON.stringify([envelope(a, detail), several, s3Envelope(a)]));
}

const structured = (a: CaseAttributes) => ({
  specversion: '1.0',
  id: a.id,
  source: a.source,
  type: a.type,
  time: a.time,
  ...(a.subject === undefined ? {} : { subject: a.subject }),
  ...a.extensions,
  ...(a.data === undefined ? {} : { data: a.data }),
});

const json = (v: unknown) => JSON.stringify(v ?? {});

function sqsRecord(body: string, i: number): Record<string, unknown> {
  return {
    messageId: `msg-${i}`,
    receiptHandle: `AQEB-${i}`,
    body,
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1763900300000', SenderId: 'AROA:api' },
    messageAttributes: {},
    md5OfBody: '0',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:orders',
    awsRegion: 'eu-west-1',
  };
}

function sns(a: CaseAttributes, message: string): string {
  return json({
    Type: 'Notification',
    MessageId: 'sns-1',
    TopicArn: 'arn:aws:sns:eu-west-1:123456789012:orders',
    ...(a.subject === undefined ? {} : { Subject: a.subject }),
    Message: message,
    Timestamp: a.time,
  });
}

/** SQS records whose bodies carry the case: plain JSON or text, a structured CloudEvent, an EventBridge event, SNS, S3. */
export function sqsRecords(a: CaseAttributes): unknown[] {
  const payload = typeof a.data === 'string' ? a.data : json(a.data);
  const bodies = [
    payload,
    json(structured(a)),
    json(envelope(a, a.data ?? {})),
    json(s3Envelope(a)),
    sns(a, payload),
    sns(a, json(structured(a))),
    json({
      Records: [
        {
          eventVersion: '2.1',
          eventSource: 'aws:s3',
          awsRegion: a.region,
          eventTime: a.time,
          eventName: 'ObjectCreated:Put',
          s3: {
            bucket: { name: 'invoices' },
            object: { key: a.subject ?? 'k.csv', size: 1, sequencer: '01' },
          },
        },
      ],
    }),
  ];
  return bodies.map(sqsRecord);
}

function kinesisRecord(data: string, i: number): Record<string, unknown> {
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: 'pk-1',
      sequenceNumber: `4959033827149025660855969253836157109592157598913658889${i}`,
      data: Buffer.from(data).toString('base64'),
      approximateArrivalTimestamp: 1763900300.5,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `shardId-000000000006:4959033827149025660855969253836157109592157598913658889${i}`,
    eventName: 'aws:kinesis:record',
    awsRegion: 'eu-west-1',
    eventSourceARN: 'arn:aws:kinesis:eu-west-1:123456789012:stream/orders',
  };
}

/** Kinesis JSON records: the case's data (an object or array), and DynamoDB changes carried by Kinesis. */
export function kinesisRecords(a: CaseAttributes): unknown[] {
  const records: string[] = [];
  if (typeof a.data === 'object' && a.data !== null) records.push(json(a.data));
  for (const change of dynamoDbChanges(a)) {
    records.push(
      json({
        ...change,
        tableName: 'orders',
        recordFormat: 'application/json',
        dynamodb: {
          ...(change.dynamodb as object),
          ApproximateCreationDateTime: 1763900300000,
        },
      }),
    );
  }
  return records.map(kinesisRecord);
}

/** DynamoDB Streams records, one per event name, with the case's data object as the item. */
export function dynamoDbRecords(a: CaseAttributes): unknown[] {
  const records = dynamoDbChanges(a).map((change, i) => ({
    ...change,
    eventVersion: '1.1',
    eventSourceARN: 'arn:aws:dynamodb:eu-west-1:123456789012:table/orders/stream/2026-01-01T00:00:00.000',
    dynamodb: {
      ...(change.dynamodb as object),
      SequenceNumber: `${1000 + i}`,
      ApproximateCreationDateTime: 1763900300,
    },
  }));
  return JSON.parse(JSON.stringify(records));
}

function dynamoDbChanges(a: CaseAttributes): Record<string, unknown>[] {
  const item = isObject(a.data) ? (marshal(a.data) as { M: Record<string, unknown> }).M : {};
  const keys = { id: { S: a.id } };
  const images: Record<string, Record<string, unknown>> = {
    INSERT: { NewImage: item },
    MODIFY: { NewImage: item, OldImage: item },
    REMOVE: { OldImage: item },
  };
  return Object.entries(images).map(([eventName, image]) => ({
    eventID: `${eventName}-1`,
    eventName,
    eventSource: 'aws:dynamodb',
    awsRegion: a.region,
    dynamodb: { Keys: keys, ...image, SizeBytes: 26, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  }));
}

/** A JSON value as a DynamoDB attribute value. */
function marshal(value: unknown): Record<string, unknown> {
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: String(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map(marshal) };
  if (isObject(value))
    return { M: Object.fromEntries(Object.entries(value).map(([k, v]) => [k, marshal(v)])) };
  return { NULL: true };
}
