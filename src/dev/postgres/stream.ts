/**
 * The changes of one slot after its snapshot, through `pg-logical-replication` and `pgoutput`: one
 * change at a time, in commit order (the library's flow control holds the socket while a change is
 * handled). A change is handed to `deliver`; once it is handled its position goes to SQLite, and at each
 * commit the transaction's end is stored and then confirmed to PostgreSQL — never before — so a restart
 * (or a crash) resumes from the slot, and changes of a transaction PostgreSQL sends again are skipped
 * up to the last one handled.
 */
import { LogicalReplicationService, type Pgoutput, PgoutputPlugin } from 'pg-logical-replication';
import type { ChangeOp } from '../../sources/cdc/change.js';
import { type ChangeEnvelope, toEnvelope } from './envelope.js';
import { lsnOf, lsnText, type SlotPosition } from './positions.js';
import { connectionConfig } from './server.js';
import { toRow } from './values.js';

/** pgoutput with every value as PostgreSQL's text: values.ts converts them as Debezium does. */
class TextPgoutputPlugin extends PgoutputPlugin {
  override parse(buffer: Buffer): Pgoutput.Message {
    const message = super.parse(buffer);
    // The relation is cached by the parser and read for every later tuple of its table.
    if (message.tag === 'relation')
      for (const column of message.columns) column.parser = (raw: unknown) => raw;
    return message;
  }
}

export interface StreamOptions {
  readonly url: string;
  readonly slot: string;
  readonly db: string;
  /** Where the slot stood when this stream started (SQLite). */
  readonly from: SlotPosition;
  readonly now: () => number;
  /** Hands one change to the function; false when the feed stopped before it was handled. */
  deliver(envelope: ChangeEnvelope): Promise<boolean>;
  handled(commitLsn: bigint, changeLsn: bigint): void;
  flushed(lsn: bigint): void;
  log(line: string): void;
}

export interface Stream {
  /** Resolves when the connection ends (stopped, or lost: the caller connects again). */
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

/** Starts streaming the slot from its confirmed position. */
export function startStream(options: StreamOptions): Stream {
  const service = new LogicalReplicationService(connectionConfig(options.url), {
    // Acknowledged by hand, after a change is handled; the library's timer would confirm what it received.
    acknowledge: { auto: false, timeoutSeconds: 0 },
    flowControl: { enabled: true },
  });
  const plugin = new TextPgoutputPlugin({ protoVersion: 1, publicationNames: [options.slot] });
  let flushed = options.from.flushedLsn;
  let lastCommit: bigint | null = options.from.commitLsn === 0n ? null : options.from.commitLsn;
  let txn: { xid: number; commitLsn: bigint; tsMs: number } | undefined;
  let stopped = false;
  // The library sends `lsn + 1` as the flushed position; PostgreSQL expects the end of the last commit.
  const confirm = (lsn: bigint) =>
    lsn > 0n ? service.acknowledge(lsnText(lsn - 1n)) : Promise.resolve(false);

  async function change(lsnText: string, message: Pgoutput.Message): Promise<void> {
    if (txn === undefined) return;
    const lsn = lsnOf(lsnText);
    const { from } = options;
    // Sent again after a crash: the transaction is replayed whole, from its first change.
    if (txn.commitLsn < from.commitLsn || (txn.commitLsn === from.commitLsn && lsn <= from.changeLsn)) return;
    const envelope = envelopeOf(message, txn, lsn);
    if (envelope === undefined) return;
    if (await options.deliver(envelope)) options.handled(txn.commitLsn, lsn);
    else await service.stop(); // stopped mid-change: nothing after it may be confirmed
  }

  function envelopeOf(message: Pgoutput.Message, t: NonNullable<typeof txn>, lsn: bigint) {
    if (message.tag !== 'insert' && message.tag !== 'update' && message.tag !== 'delete') return undefined;
    const { relation } = message;
    const columns = relation.columns;
    const before =
      message.tag === 'insert'
        ? null
        : message.old !== null
          ? toRow(message.old, columns) // REPLICA IDENTITY FULL: the whole row
          : message.key !== null
            ? toRow(message.key, columns, relation.keyColumns) // DEFAULT / INDEX: the key
            : null;
    const after = message.tag === 'delete' ? null : toRow(message.new, columns);
    const op: ChangeOp = message.tag === 'insert' ? 'c' : message.tag === 'update' ? 'u' : 'd';
    const source = {
      name: options.slot,
      db: options.db,
      schema: relation.schema,
      table: relation.name,
      tsMs: t.tsMs,
      snapshot: 'false' as const,
      txId: t.xid,
      lsn,
      lastCommitLsn: lastCommit,
    };
    return toEnvelope(op, before, after, source, options.now());
  }

  service.on('data', async (lsn: string, message: Pgoutput.Message) => {
    if (stopped) return;
    if (message.tag === 'begin') {
      txn = {
        xid: message.xid,
        commitLsn: lsnOf(message.commitLsn),
        tsMs: Number(message.commitTime) / 1000,
      };
      txn.tsMs = Math.floor(txn.tsMs);
    } else if (message.tag === 'commit') {
      const end = lsnOf(message.commitEndLsn);
      if (txn !== undefined) lastCommit = txn.commitLsn;
      txn = undefined;
      options.flushed(end);
      flushed = end;
      await confirm(end);
    } else {
      await change(lsn, message);
    }
  });
  service.on('heartbeat', (_lsn: string, _at: number, reply: boolean) => {
    if (reply && !stopped) void confirm(flushed);
  });
  service.on('error', (error: Error) => {
    if (!stopped) options.log(`triggerkit: replication of slot ${options.slot}: ${error.message}`);
  });
  const done = service.subscribe(plugin, options.slot, lsnText(flushed)).then(
    () => undefined,
    (error: unknown) => {
      if (!stopped) throw error;
    },
  );
  return {
    done,
    async stop() {
      stopped = true;
      await service.stop();
      await done.catch(() => undefined);
    },
  };
}
