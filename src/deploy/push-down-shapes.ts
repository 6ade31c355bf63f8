/**
 * The shapes of record a Lambda event source mapping hands the normalizer, and how each is filtered:
 * through a view of its fields, or passed whole. Read off src/sources/aws/sqs.ts + unwrap.ts (the order
 * in which a body is recognized does not matter here: every shape gets its own pattern, and the
 * patterns are ORed), kinesis.ts and src/sources/cdc/dynamodb.ts.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-sqs-filtering.html
 */
import type { Pattern, View } from './push-down-rewrite.js';
import {
  couldBeS3,
  dynamoDbView,
  eventBridgeView,
  KINESIS_JSON,
  SQS_CLOUDEVENT,
  SQS_JSON,
  SQS_TEXT,
} from './push-down-views.js';

/** One shape of record: filtered through `view`, or passed `whole`. */
export type Shape =
  | {
      readonly whole?: undefined;
      /** Where the filter's attributes are on a record of this shape (per alternative of the filter). */
      readonly view: (alternative: Pattern) => View;
      /**
       * Matches every record of the shape: used when the filter leaves the shape unconstrained. Without
       * it (Lambda cannot single such records out: text bodies, any JSON), nothing is pushed then.
       */
      readonly all?: Pattern;
      /** What every record of the shape has, ANDed into its patterns. */
      readonly marker?: Pattern;
    }
  | {
      /** Matches every record of the shape; the filter cannot be tested on it. */
      readonly whole: Pattern;
      /** Only when the filter could match an S3 event. */
      readonly onlyIfS3?: boolean;
    };

const fixed = (view: View) => () => view;

const SQS: readonly Shape[] = [
  // Never filtered itself: it only stops push-down when the filter could match a text body.
  { view: fixed(SQS_TEXT) },
  { view: fixed(SQS_JSON) },
  // `specversion` and `detail-type` are strings in every body recognized as these envelopes (unwrap.ts).
  { view: fixed(SQS_CLOUDEVENT), all: { body: { specversion: [{ exists: true }] } } },
  {
    view: (alternative) => eventBridgeView(['body'], couldBeS3(alternative), false),
    all: { body: { 'detail-type': [{ exists: true }] } },
  },
  // An SNS notification carries its payload (maybe another envelope) as a JSON string: any event at all.
  { whole: { body: { Type: ['Notification'] } } },
  { whole: { body: { Records: { eventSource: ['aws:s3'] } } }, onlyIfS3: true },
];

const DYNAMODB_IN_KINESIS = { data: { eventSource: ['aws:dynamodb'] } };

const KINESIS: readonly Shape[] = [
  { view: fixed(KINESIS_JSON) },
  { view: fixed(dynamoDbView(['data'])), marker: DYNAMODB_IN_KINESIS, all: DYNAMODB_IN_KINESIS },
];

/**
 * The shapes for a mapping kind; none (nothing can be pushed) for Kinesis without the promise that every
 * record is plain JSON.
 *
 * @example
 * lambdaShapes('aws:kinesis', false) // []
 */
export function lambdaShapes(kind: string, jsonRecords: boolean): readonly Shape[] {
  if (kind === 'aws:sqs') return SQS;
  if (kind === 'aws:kinesis') return jsonRecords ? KINESIS : [];
  if (kind === 'aws:dynamodb') return [{ view: fixed(dynamoDbView([])) }];
  return [];
}
