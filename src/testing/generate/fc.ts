/**
 * What only Function Compute delivers: its time trigger's tick, a Tablestore stream's row changes (in
 * the JSON form the FC adapter decodes the trigger's CBOR to) and the CDN events trigger's
 * notifications. The FC HTTP trigger's request is in http.ts, with the other front doors.
 * @see https://www.alibabacloud.com/help/en/functioncompute/fc/formats-of-event-for-different-triggers-1
 */
import { type CommonOptions, type Ids, iso, objectOf, payloadText } from './kit.js';

export interface TimerOptions extends CommonOptions {
  /** Default `timer`. */
  readonly triggerName?: string;
}

/** One tick; the data is the trigger's message (`payload`, sent as text: JSON for an object). */
export function timerEvent(items: readonly unknown[], o: TimerOptions, ids: Ids) {
  const data = items[0];
  return {
    triggerTime: iso(Math.floor(ids.time / 1000) * 1000).replace('.000Z', 'Z'),
    triggerName: o.triggerName ?? 'timer',
    ...(data !== undefined && { payload: payloadText(data) }),
  };
}

export interface TablestoreOptions extends CommonOptions {
  /** The primary key columns, taken from each item's data (default `['id']`). */
  readonly primaryKey?: readonly string[];
  /** Default `PutRow`. */
  readonly change?: 'PutRow' | 'UpdateRow' | 'DeleteRow';
}

/** One row change per item: the key columns from the item, the others written (none for a delete). */
export function tablestoreEvent(items: readonly unknown[], o: TablestoreOptions, ids: Ids) {
  const keyNames = o.primaryKey ?? ['id'];
  const change = o.change ?? 'PutRow';
  return {
    Version: 'Sync-v1',
    Records: items.map((data, i) => {
      const row = objectOf(data, 'alibaba:tablestore');
      const micros = (ids.time + i) * 1000;
      const columns = Object.entries(row).filter(([name]) => !keyNames.includes(name));
      return {
        Type: change,
        Info: { Timestamp: micros },
        PrimaryKey: keyNames.map((name) => ({ ColumnName: name, Value: row[name] ?? null })),
        Columns:
          change === 'DeleteRow'
            ? []
            : columns.map(([name, value]) => ({
                Type: 'Put',
                ColumnName: name,
                Value: value,
                Timestamp: ids.time + i,
              })),
      };
    }),
  };
}

export interface CdnOptions extends CommonOptions {
  /** Default `example.com`. */
  readonly domain?: string;
  /** Default `CachedObjectsRefreshed`. */
  readonly eventName?: string;
}

/** One notification per item; the item's fields are the event's `eventParameter`. */
export function cdnEvent(items: readonly unknown[], o: CdnOptions, ids: Ids) {
  const domain = o.domain ?? 'example.com';
  return {
    events: items.map((data, i) => ({
      eventName: o.eventName ?? 'CachedObjectsRefreshed',
      eventVersion: '1.0.0',
      eventSource: 'cdn',
      region: o.region ?? 'cn-hangzhou',
      eventTime: iso(ids.time),
      traceId: ids.uuid('trace', i),
      resource: { domain },
      eventParameter: { domain, ...objectOf(data ?? {}, 'alibaba:cdn') },
      userIdentity: { aliUid: o.account ?? '1000000000000000' },
    })),
  };
}
