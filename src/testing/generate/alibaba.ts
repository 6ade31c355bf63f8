/**
 * Sources of Alibaba Cloud as Function Compute receives them: the array of an Apache RocketMQ trigger,
 * an MNS topic trigger's message in its JSON format or its STREAM format with attributes, the native OSS
 * and SLS triggers, and Alibaba EventBridge's CloudEvents (how an MNS queue, ApsaraMQ for RocketMQ, DTS
 * and any custom event source reach a function: the `alibaba:eventbridge` kind).
 * @see https://www.alibabacloud.com/help/en/functioncompute/fc/formats-of-event-for-different-triggers-1
 */
import { type CommonOptions, type Ids, iso, md5, objectOf, payloadText } from './kit.js';

const ACCOUNT = '1000000000000000';

export interface RocketMqOptions extends CommonOptions {
  /** Default `topic`. */
  readonly topic?: string;
  readonly tags?: string;
  readonly keys?: string;
  /** Default `DefaultCluster`. */
  readonly cluster?: string;
  readonly userProperties?: Readonly<Record<string, string>>;
}

export function rocketMqEvent(items: readonly unknown[], o: RocketMqOptions, ids: Ids) {
  return items.map((data, i) => {
    const msgId = ids.hex('message', i).toUpperCase();
    return {
      msgId,
      topic: o.topic ?? 'topic',
      systemProperties: {
        UNIQ_KEY: msgId,
        CLUSTER: o.cluster ?? 'DefaultCluster',
        MIN_OFFSET: '0',
        ...(o.tags !== undefined && { TAGS: o.tags }),
        ...(o.keys !== undefined && { KEYS: o.keys }),
        MAX_OFFSET: String(items.length),
        BORN_TIMESTAMP: String(ids.time),
      },
      userProperties: { ...o.userProperties },
      body: payloadText(data),
    };
  });
}

export interface MnsOptions extends CommonOptions {
  /** Default `topic`. */
  readonly topic?: string;
  /** `json` (default) or `stream` (which needs `attributes`: without them MNS sends the bare text). */
  readonly format?: 'json' | 'stream';
  /** Message attributes (`Extend`…), top-level keys of the JSON format, `attrs` of STREAM. */
  readonly attributes?: Readonly<Record<string, string>>;
  readonly subscription?: string;
}

/** MNS invokes a function once per message. */
export function mnsEvent(items: readonly unknown[], o: MnsOptions, ids: Ids) {
  const message = payloadText(items[0] ?? {});
  if (o.format === 'stream') {
    if (o.attributes === undefined)
      throw new TypeError(
        'alibaba:mns format "stream" without attributes delivers the bare message text, which no source can tell from any string; give attributes or use format "json".',
      );
    return { body: message, attrs: { ...o.attributes } };
  }
  const owner = o.account ?? ACCOUNT;
  return {
    ...o.attributes,
    TopicOwner: owner,
    Message: message,
    Subscriber: owner,
    PublishTime: ids.time,
    SubscriptionName: o.subscription ?? 'triggerkit-local',
    MessageMD5: md5(message).toUpperCase(),
    TopicName: o.topic ?? 'topic',
    MessageId: ids.hex('message', 0).toUpperCase(),
  };
}

export interface OssOptions extends CommonOptions {
  /** Default `bucket`. */
  readonly bucket?: string;
  /** The object key when the data names none; default `object-<n>`. */
  readonly key?: string;
  /** Default `ObjectCreated:PutObject`. */
  readonly eventName?: string;
}

/** One notification, one entry per item: the item is the object's fields (`key`, `size`…), the key as is. */
export function ossEvent(items: readonly unknown[], o: OssOptions, ids: Ids) {
  const region = o.region ?? 'cn-hangzhou';
  const owner = o.account ?? ACCOUNT;
  const bucket = o.bucket ?? 'bucket';
  return {
    events: items.map((data, i) => {
      const fields = objectOf(data, 'alibaba:oss');
      const key = String(fields.key ?? o.key ?? `object-${i + 1}`);
      const size = typeof fields.size === 'number' ? fields.size : 0;
      return {
        eventName: o.eventName ?? 'ObjectCreated:PutObject',
        eventSource: 'acs:oss',
        eventTime: iso(ids.time),
        eventVersion: '1.0',
        oss: {
          bucket: { arn: `acs:oss:${region}:${owner}:${bucket}`, name: bucket, ownerIdentity: owner },
          object: {
            deltaSize: size,
            eTag: md5(key).toUpperCase(),
            objectMeta: { mimeType: 'application/octet-stream' },
            size,
            ...fields,
            key,
          },
          ossSchemaVersion: '1.0',
          ruleId: ids.hex('rule', 0, 40),
        },
        region,
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { requestId: ids.hex('request', i, 24).toUpperCase() },
        userIdentity: { principalId: owner },
      };
    }),
  };
}

export interface SlsOptions extends CommonOptions {
  /** Default `project`. */
  readonly project?: string;
  /** Default `logstore`. */
  readonly logstore?: string;
  /** Default 0. */
  readonly shardId?: number;
}

/**
 * The SLS trigger says a shard's cursor range is ready; the function pulls the logs itself. The data is
 * the trigger's `parameter` (the function parameters configured on the trigger).
 */
export function slsEvent(items: readonly unknown[], o: SlsOptions, ids: Ids) {
  const region = o.region ?? 'cn-hangzhou';
  const cursor = (n: number) => Buffer.from(String(ids.time * 1000 + n)).toString('base64');
  return {
    parameter: items[0] ?? {},
    source: {
      endpoint: `http://${region}-intranet.log.aliyuncs.com`,
      projectName: o.project ?? 'project',
      logstoreName: o.logstore ?? 'logstore',
      shardId: o.shardId ?? 0,
      beginCursor: cursor(0),
      endCursor: cursor(items.length),
    },
    jobName: ids.hex('job', 0, 40),
    taskId: ids.uuid('task', 0),
    cursorTime: Math.floor(ids.time / 1000),
  };
}

export interface AlibabaEventBridgeOptions extends CommonOptions {
  /** The event source; default `triggerkit.local`. */
  readonly source?: string;
  /** Default `triggerkit:Local:Event`. */
  readonly type?: string;
  /** The event bus; default `default`. */
  readonly bus?: string;
}

/** One CloudEvent per item, with the `aliyun*` extensions; several items are an array (an FC 3.0 batch). */
export function alibabaEventBridgeEvent(items: readonly unknown[], o: AlibabaEventBridgeOptions, ids: Ids) {
  const region = o.region ?? 'cn-hangzhou';
  const account = o.account ?? ACCOUNT;
  const source = o.source ?? 'triggerkit.local';
  const bus = o.bus ?? 'default';
  const events = items.map((data, i) => ({
    id: ids.uuid('event', i),
    source,
    specversion: '1.0',
    type: o.type ?? 'triggerkit:Local:Event',
    subject: `acs:eventbridge:${region}:${account}:eventbus/${bus}/eventsource/${source}`,
    time: iso(ids.time),
    datacontenttype: 'application/json;charset=utf-8',
    aliyunaccountid: account,
    aliyunpublishtime: iso(ids.time),
    aliyuneventbusname: bus,
    aliyunregionid: region,
    aliyunpublishaddr: '127.0.0.1',
    data,
  }));
  return events.length === 1 ? events[0] : events;
}
