/**
 * Views: where each CloudEvent attribute is on the event a platform holds, per shape of event the
 * normalizer accepts from it — read off the sources (src/sources/aws/eventbridge.ts, sqs.ts, unwrap.ts,
 * kinesis.ts, src/sources/cdc/dynamodb.ts). An attribute a view does not name is `unknown` to the platform.
 */
import { RESOURCES_KEY } from '../rules/envelope.js';
import { KINESIS_RECORD_TYPE } from '../sources/aws/kinesis.js';
import { S3_TYPE_PREFIX } from '../sources/aws/s3.js';
import { S3_EVENT_SOURCE } from '../sources/aws/s3-detect.js';
import { SQS_MESSAGE_TYPE } from '../sources/aws/sqs.js';
import { dynamoDbChangeToEvent } from '../sources/cdc/dynamodb.js';
import { type LeafRule, type Mapping, NEVER, type Pattern, rewrite, type View } from './push-down-rewrite.js';

const UNKNOWN: Mapping = { kind: 'unknown' };
const ABSENT: Mapping = { kind: 'value', value: undefined };
const value = (v: string): Mapping => ({ kind: 'value', value: v });
const at = (path: readonly string[], rule?: LeafRule): Mapping => ({ kind: 'path', path, rule });
const table =
  (mappings: Readonly<Record<string, Mapping>>): View =>
  (key) =>
    Object.hasOwn(mappings, key) ? (mappings[key] as Mapping) : UNKNOWN;

/** What every event the view describes has: CloudEvents 1.0, and (for most) JSON data. */
const JSON_EVENT = { specversion: value('1.0'), datacontenttype: value('application/json') } as const;

/** Any CloudEvent: a filter that rewrites to `never` here matches no event at all. */
export const ANY_EVENT: View = table({ specversion: value('1.0') });

/**
 * An S3 event, as the S3 mapping (notification, or EventBridge `aws.s3` event) makes it: `type`
 * `com.amazonaws.s3.…`, `source` `aws:s3.<region>.<bucket>`. A filter that rewrites to `never` here
 * cannot match any S3 event.
 */
export const S3_EVENT: View = table({
  ...JSON_EVENT,
  type: { kind: 'prefixed', prefix: S3_TYPE_PREFIX },
  source: { kind: 'prefixed', prefix: `${S3_EVENT_SOURCE}.` },
});

/** Could the filter match an event made by the S3 mapping? */
export function couldBeS3(pattern: Pattern): boolean {
  return rewrite(pattern, S3_EVENT, { exact: true, leaf: (v) => [...v] }) !== NEVER;
}

/**
 * An EventBridge event, under `base` (`[]` for a rule's event, `['body']` inside an SQS message).
 * `envelope`: AWS wrote it (a rule's event): every field is there, as a string. With `s3`, the event may
 * be an S3 event, whose `type`, `source` and `subject` come from the S3 mapping instead (s3.ts): those
 * are then only evaluated (an S3 event's `type` starts `com.amazonaws.s3.`), not pushed.
 */
export function eventBridgeView(base: readonly string[], s3: boolean, envelope: boolean): View {
  const field = (name: string, rule: LeafRule = {}) =>
    at([...base, name], envelope ? rule : { ...rule, nullable: true });
  // `subject` is `resources[0]`; a pattern on `resources` tests every element: a superset.
  const resources = at([...base, 'resources'], { anyElement: true });
  return table({
    ...JSON_EVENT,
    data_base64: ABSENT,
    dataschema: ABSENT,
    id: field('id'),
    time: field('time'),
    data: field('detail'),
    awsregion: field('region'),
    awsaccount: field('account'),
    ...(s3
      ? { type: S3_EVENT('type'), source: S3_EVENT('source') }
      : {
          type: field('detail-type'),
          source: field('source', { uri: true }),
          subject: resources,
          // Envelope patterns' `resources`: the whole list where AWS delivered it, else `[subject]`.
          [RESOURCES_KEY]: envelope ? at([...base, 'resources']) : resources,
        }),
  });
}

/** An SQS message whose body is text (not a JSON object or array): `data` is that text. */
export const SQS_TEXT: View = table({
  ...JSON_EVENT,
  datacontenttype: value('text/plain'),
  type: value(SQS_MESSAGE_TYPE),
  data: { kind: 'prefixed', prefix: '' },
  data_base64: ABSENT,
  subject: ABSENT,
});

/** An SQS message whose body is a JSON object or array that is no known envelope: `data` is the body. */
export const SQS_JSON: View = table({
  ...JSON_EVENT,
  type: value(SQS_MESSAGE_TYPE),
  // A leaf on `body` itself is a plain-string filter to Lambda, which then drops every JSON body.
  data: at(['body'], { noLeaf: true }),
  data_base64: ABSENT,
  subject: ABSENT,
});

/**
 * An SQS message whose body is a structured CloudEvent: its attributes as sent (a `null` one is unset).
 * Extensions are not pushed: the SQS carrier adds its own where the body lacks them.
 */
export const SQS_CLOUDEVENT: View = table({
  specversion: value('1.0'),
  ...Object.fromEntries(
    ['id', 'type', 'time', 'subject', 'datacontenttype', 'dataschema', 'data', 'data_base64'].map((name) => [
      name,
      at(['body', name], { nullable: true }),
    ]),
  ),
  source: at(['body', 'source'], { nullable: true, uri: true }),
});

/** A Kinesis record whose data is a JSON object or array (no DynamoDB change): `data` is that JSON. */
export const KINESIS_JSON: View = table({
  ...JSON_EVENT,
  type: value(KINESIS_RECORD_TYPE),
  // Lambda refuses a mapping whose filter on `data` is not JSON.
  data: at(['data'], { noLeaf: true }),
  data_base64: ABSENT,
});

/**
 * A DynamoDB change record with its fields under `base` (`[]` from DynamoDB Streams, `['data']` through
 * Kinesis): `type` and `data.op` come from `eventName`. The images are typed attribute maps
 * (`{ "N": "5" }`) that the normalizer unmarshals, and a number that does not fit a double stays text:
 * a filter on `data.keys`/`before`/`after` has no faithful counterpart and is not pushed.
 */
export function dynamoDbView(base: readonly string[]): View {
  const eventName = [...base, 'eventName'];
  const changes = dynamoDbChanges();
  return table({
    ...JSON_EVENT,
    data_base64: ABSENT,
    type: { kind: 'enum', path: eventName, values: changes.map((c) => [c.type, c.eventName] as const) },
    data: {
      kind: 'object',
      view: table({
        op: { kind: 'enum', path: eventName, values: changes.map((c) => [c.op, c.eventName] as const) },
      }),
    },
  });
}

interface DynamoDbChange {
  readonly eventName: string;
  readonly type: string;
  readonly op: string;
}

let changes: readonly DynamoDbChange[] | undefined;

/** `eventName` → `type` and `data.op`, as the DynamoDB source maps them (asked, not restated). */
function dynamoDbChanges(): readonly DynamoDbChange[] {
  changes ??= ['INSERT', 'MODIFY', 'REMOVE'].map((eventName) => {
    const event = dynamoDbChangeToEvent(
      {
        eventID: 'probe',
        eventName,
        eventSourceARN: 'arn:aws:dynamodb:us-east-1:1:table/t',
        dynamodb: { Keys: {} },
      },
      { where: 'probe' },
    );
    return { eventName, type: event.type, op: String((event.data as { op: unknown }).op) };
  });
  return changes;
}
