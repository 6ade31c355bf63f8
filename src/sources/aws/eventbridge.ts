/**
 * EventBridge events delivered to a Lambda target. The envelope maps onto CloudEvents attributes;
 * `detail` becomes `data`.
 */
import { createCloudEvent } from '../../cloud-event.js';
import { isObject, type Source } from '../types.js';

export const eventBridge: Source = {
  kind: 'aws:eventbridge',
  reply: 'throw',
  label: 'EventBridge event',
  detect(raw) {
    return isObject(raw) && raw.version === '0' && typeof raw['detail-type'] === 'string' && 'detail' in raw;
  },
  normalize(raw) {
    const e = raw as Record<string, unknown> & {
      id: string;
      source: string;
      'detail-type': string;
      time?: string;
    };
    const resources = Array.isArray(e.resources) ? e.resources : [];
    const event = createCloudEvent(
      {
        id: e.id,
        source: e.source,
        type: e['detail-type'],
        time: e.time,
        subject: typeof resources[0] === 'string' ? resources[0] : undefined,
        datacontenttype: 'application/json',
        data: e.detail,
        awsregion: typeof e.region === 'string' ? e.region : undefined,
        awsaccount: typeof e.account === 'string' ? e.account : undefined,
      },
      'EventBridge event',
    );
    return { source: 'aws:eventbridge', reply: 'throw', items: [{ event, ref: event.id }] };
  },
};
