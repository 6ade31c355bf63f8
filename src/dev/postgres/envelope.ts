/**
 * Debezium's PostgreSQL change event, as its JSON converter writes it with `schemas.enable=false`: the
 * envelope alone (`before`, `after`, `source`, `op`, `ts_ms`, `transaction`), which is what the
 * `debezium` source reads (it takes the `{ schema, payload }` form too; the schema part is left out
 * because it repeats the table's column types in every event and no handler reads it).
 * @see https://debezium.io/documentation/reference/stable/connectors/postgresql.html#postgresql-events
 */
import type { ChangeOp } from '../../sources/cdc/change.js';
import { lsnText } from './positions.js';

/** What this feed says it is in `source.version`: not a Debezium release, a Debezium-shaped feed. */
export const FEED_VERSION = 'triggerkit-pgoutput';

export interface ChangeSource {
  /** The logical server name (Debezium's `topic.prefix`): the slot's name here. */
  readonly name: string;
  readonly db: string;
  readonly schema: string;
  readonly table: string;
  /** When the database committed the change (snapshot: when the row was read), ms since the epoch. */
  readonly tsMs: number;
  /** `true` for snapshot rows (`last` for the snapshot's last row), `false` for streamed changes. */
  readonly snapshot: 'true' | 'last' | 'false';
  readonly txId: number | null;
  /** The change's WAL position (snapshot: the slot's consistent point). */
  readonly lsn: bigint;
  /** The LSN of the last transaction committed before this one (Debezium's `sequence[0]`). */
  readonly lastCommitLsn: bigint | null;
}

export interface ChangeEnvelope {
  readonly before: Record<string, unknown> | null;
  readonly after: Record<string, unknown> | null;
  readonly source: Record<string, unknown>;
  readonly op: ChangeOp;
  readonly ts_ms: number;
  readonly transaction: null;
}

/**
 * One change event.
 *
 * @example
 * toEnvelope('c', null, { id: 1 }, { name: 'triggerkit_orders', db: 'shop', schema: 'public', table: 'orders',
 *   tsMs: 1767225600000, snapshot: 'false', txId: 751, lsn: 24023256n, lastCommitLsn: null }, Date.now())
 */
export function toEnvelope(
  op: ChangeOp,
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
  source: ChangeSource,
  now: number,
): ChangeEnvelope {
  return {
    before,
    after,
    source: {
      version: FEED_VERSION,
      connector: 'postgresql',
      name: source.name,
      ts_ms: source.tsMs,
      snapshot: source.snapshot,
      db: source.db,
      sequence: JSON.stringify([
        source.lastCommitLsn === null ? null : String(source.lastCommitLsn),
        String(source.lsn),
      ]),
      schema: source.schema,
      table: source.table,
      txId: source.txId,
      lsn: Number(source.lsn),
      xmin: null,
    },
    op,
    ts_ms: now,
    transaction: null,
  };
}

/** `0/16B3748` as Debezium's `source.lsn` number, for messages. */
export const lsnLabel = (lsn: bigint) => `${lsnText(lsn)} (${lsn})`;
