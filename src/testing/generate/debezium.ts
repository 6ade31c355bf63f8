/**
 * Debezium change events as its JSON converter writes them without the schema (`schemas.enable=false`):
 * what a Kafka Connect sink, Debezium Server or the emulator's PostgreSQL feed hands over. One event:
 * the first item is the row (`after`, or `before` for a delete).
 * @see https://debezium.io/documentation/reference/stable/connectors/postgresql.html#postgresql-events
 * @see https://debezium.io/documentation/reference/stable/connectors/mysql.html#mysql-events
 */
import { type CommonOptions, type Ids, objectOf } from './kit.js';

export interface DebeziumOptions extends CommonOptions {
  /** Default `postgresql`. */
  readonly connector?: 'postgresql' | 'mysql';
  /** `schema.table` (PostgreSQL) or `db.table` (MySQL); default `public.orders` / `shop.orders`. */
  readonly table?: string;
  /** `c` create (default), `u` update, `d` delete, `r` snapshot read. */
  readonly op?: 'c' | 'u' | 'd' | 'r';
  /** The row before an update; default the row itself. */
  readonly before?: Readonly<Record<string, unknown>>;
}

export function debeziumEvent(items: readonly unknown[], o: DebeziumOptions, ids: Ids) {
  const row = objectOf(items[0] ?? {}, 'debezium');
  const op = o.op ?? 'c';
  const mysql = o.connector === 'mysql';
  const [schema = '', table = ''] = (o.table ?? (mysql ? 'shop.orders' : 'public.orders')).split('.');
  const lsn = Number(ids.digits('lsn', 0, 9));
  const common = {
    version: '2.7.3.Final',
    connector: mysql ? 'mysql' : 'postgresql',
    name: 'triggerkit',
    ts_ms: ids.time,
    snapshot: op === 'r' ? 'true' : 'false',
  };
  const source = mysql
    ? {
        ...common,
        db: schema,
        sequence: null,
        table,
        server_id: 1,
        gtid: null,
        file: 'binlog.000001',
        pos: lsn,
        row: 0,
        thread: 7,
        query: null,
      }
    : {
        ...common,
        db: 'postgres',
        sequence: JSON.stringify([String(lsn - 8), String(lsn)]),
        schema,
        table,
        txId: 500,
        lsn,
        xmin: null,
      };
  return {
    before: op === 'd' ? row : op === 'u' ? (o.before ?? row) : null,
    after: op === 'd' ? null : row,
    source,
    op,
    ts_ms: ids.time,
    transaction: null,
  };
}
