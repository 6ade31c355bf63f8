/**
 * Notifications of AWS as Lambda receives them: S3 event notifications, EventBridge events, CloudWatch
 * Logs subscription deliveries (gzip + base64).
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html
 */
import { EVENTBRIDGE_EVENT_NAMES } from '../../sources/aws/s3.js';
import { type CommonOptions, gzipBase64, type Ids, iso, md5, objectOf, payloadText } from './kit.js';

export interface S3Options extends CommonOptions {
  /** Default `bucket`. */
  readonly bucket?: string;
  /** The object key when the data names none; default `object-<n>`. */
  readonly key?: string;
  /** Default `ObjectCreated:Put`. */
  readonly eventName?: string;
}

/**
 * A record's data is the object's fields (`key`, `size`, `eTag`, `versionId`…), as S3 writes them in
 * `s3.object`, with the key given decoded and sent URL-encoded as S3 does.
 */
export function s3Event(items: readonly unknown[], o: S3Options, ids: Ids) {
  const region = o.region ?? 'us-east-1';
  const bucket = o.bucket ?? 'bucket';
  return {
    Records: items.map((data, i) => {
      const fields = objectOf(data, 'aws:s3');
      const key = String(fields.key ?? o.key ?? `object-${i + 1}`);
      return {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: region,
        eventTime: iso(ids.time),
        eventName: o.eventName ?? 'ObjectCreated:Put',
        userIdentity: { principalId: 'AWS:AIDAEXAMPLETRIGGERKIT' },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: {
          'x-amz-request-id': ids.hex('request', i, 16).toUpperCase(),
          'x-amz-id-2': Buffer.from(ids.hex('id-2', i, 64), 'hex').toString('base64'),
        },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'triggerkit',
          bucket: {
            name: bucket,
            ownerIdentity: { principalId: 'A3EXAMPLETRIGGERKIT' },
            arn: `arn:aws:s3:::${bucket}`,
          },
          object: {
            size: 0,
            eTag: md5(key),
            sequencer: ids.hex('sequencer', i, 18).toUpperCase(),
            ...fields,
            key: encodeS3Key(key),
          },
        },
      };
    }),
  };
}

/** What S3 does to a key in a notification: form-style URL encoding, `/` kept. */
function encodeS3Key(key: string): string {
  return encodeURIComponent(key).replaceAll('%2F', '/').replaceAll('%20', '+');
}

export interface EventBridgeOptions extends CommonOptions {
  /** The event's `source`; default `triggerkit.local`. */
  readonly source?: string;
  /** Default `Local Event`. */
  readonly detailType?: string;
  readonly resources?: readonly string[];
}

/** EventBridge invokes a target once per event. */
export function eventBridgeEvent(items: readonly unknown[], o: EventBridgeOptions, ids: Ids) {
  const [data] = items;
  return {
    version: '0',
    id: ids.uuid('event', 0),
    'detail-type': o.detailType ?? 'Local Event',
    source: o.source ?? 'triggerkit.local',
    account: o.account ?? '000000000000',
    time: `${iso(ids.time).slice(0, 19)}Z`,
    region: o.region ?? 'us-east-1',
    resources: [...(o.resources ?? [])],
    detail: data ?? {},
  };
}

/**
 * An S3 event as EventBridge delivers it (the bucket's EventBridge notifications on): `detail-type` and
 * `detail.reason` from the notification's `eventName`, the key as it is (not URL-encoded). The first
 * item is the object's fields (`key`, `size`…), as for `s3Event`.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html
 */
export function s3EventBridgeEvent(items: readonly unknown[], o: S3Options, ids: Ids) {
  const {
    key = o.key ?? 'object-1',
    size = 0,
    eTag,
    versionId,
    ...rest
  } = objectOf(items[0] ?? {}, 'aws:s3');
  const bucket = o.bucket ?? 'bucket';
  const eventName = o.eventName ?? 'ObjectCreated:Put';
  const [detailType, reason, deletion] = EVENTBRIDGE_EVENT_NAMES.find((row) => row[3] === eventName) ?? [
    'Object Created',
    'PutObject',
    '*',
  ];
  const account = o.account ?? '000000000000';
  return eventBridgeEvent(
    [
      {
        version: '0',
        bucket: { name: bucket },
        object: {
          key: String(key),
          size,
          etag: eTag ?? md5(String(key)),
          ...(versionId !== undefined && { 'version-id': versionId }),
          sequencer: ids.hex('sequencer', 0, 16),
          ...rest,
        },
        'request-id': ids.hex('request', 0, 16).toUpperCase(),
        requester: account,
        'source-ip-address': '127.0.0.1',
        ...(reason !== '*' && { reason }),
        ...(detailType === 'Object Deleted' && {
          'deletion-type': deletion === '*' ? 'Permanently Deleted' : deletion,
        }),
      },
    ],
    { ...o, source: 'aws.s3', detailType, resources: [`arn:aws:s3:::${bucket}`] },
    ids,
  );
}

export interface CloudWatchLogsOptions extends CommonOptions {
  /** Default `/aws/lambda/local`. */
  readonly logGroup?: string;
  readonly logStream?: string;
}

/** One delivery: every item is one log event, its message the data as text (JSON for objects). */
export function cloudWatchLogsEvent(items: readonly unknown[], o: CloudWatchLogsOptions, ids: Ids) {
  const logGroup = o.logGroup ?? '/aws/lambda/local';
  const day = iso(ids.time).slice(0, 10).replaceAll('-', '/');
  const payload = {
    messageType: 'DATA_MESSAGE',
    owner: o.account ?? '000000000000',
    logGroup,
    logStream: o.logStream ?? `${day}/[$LATEST]${ids.hex('stream', 0)}`,
    subscriptionFilters: ['triggerkit-local'],
    logEvents: items.map((data, i) => ({
      id: ids.digits('log', i, 56),
      timestamp: ids.time,
      message: payloadText(data),
    })),
  };
  return { awslogs: { data: gzipBase64(JSON.stringify(payload)) } };
}
