/**
 * The native Function Compute trigger of Alibaba Cloud Simple Log Service (SLS). It carries no logs: it
 * says that the shard's logs in `[beginCursor, endCursor)` are ready, and the function pulls them itself
 * with the SLS SDK. So it becomes one event whose data is the trigger payload, identified by the
 * project, Logstore, shard and cursor range (the same range twice is the same work).
 * @see https://www.alibabacloud.com/help/en/sls/create-a-custom-function
 */
import { createCloudEvent } from '../../cloud-event.js';
import { describeValue } from '../kit/describe.js';
import { text } from '../kit/payload.js';
import { invalidRecord } from '../kit/records.js';
import { epochToIso } from '../kit/time.js';
import type { Batch, JsonObject } from '../types.js';

export const SLS_CURSOR_RANGE_TYPE = 'com.aliyun.sls.cursorrange';

/** `http://cn-hangzhou-intranet.log.aliyuncs.com` → `cn-hangzhou`: the region is the host's first label, minus the network suffix. */
const ENDPOINT = /^(?:[a-z]+:\/\/)?([a-z0-9-]+?)(?:-intranet|-internal|-vpc|-share)?\.log\.aliyuncs\.com/i;

/** A native SLS trigger event (detected by catalog.ts: `source.logstoreName` and `beginCursor`). */
export function normalize(raw: JsonObject & { source: JsonObject }): Batch {
  const payload = raw as Record<string, unknown> & { source: Record<string, unknown> };
  const { source } = payload;
  const project = text(source.projectName);
  const logstore = text(source.logstoreName);
  const begin = text(source.beginCursor);
  const end = text(source.endCursor);
  const shard =
    typeof source.shardId === 'number' || typeof source.shardId === 'string' ? source.shardId : undefined;
  if (
    project === undefined ||
    logstore === undefined ||
    begin === undefined ||
    end === undefined ||
    shard === undefined
  ) {
    throw invalidRecord(
      'SLS trigger event',
      `needs \`source.projectName\`, \`logstoreName\`, \`shardId\`, \`beginCursor\` and \`endCursor\` (got ${describeValue(source)})`,
    );
  }
  const region = ENDPOINT.exec(text(source.endpoint) ?? '')?.[1] ?? '';
  const event = createCloudEvent(
    {
      id: `${project}/${logstore}/${String(shard)}/${begin}..${end}`,
      source: `acs:log:${region}::project/${project}/logstore/${logstore}`,
      type: SLS_CURSOR_RANGE_TYPE,
      subject: `shard/${String(shard)}`,
      time: epochToIso(payload.cursorTime, 's'),
      datacontenttype: 'application/json',
      aliyunregionid: region || undefined,
      slsjobname: text(payload.jobName),
      slstaskid: text(payload.taskId),
      data: payload,
    },
    'SLS trigger event',
  );
  return Object.freeze({
    source: 'alibaba:sls',
    reply: 'throw' as const,
    items: Object.freeze([Object.freeze({ event, ref: event.id })]),
  });
}
