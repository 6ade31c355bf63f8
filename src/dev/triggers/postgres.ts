/**
 * The live PostgreSQL trigger: each function that declares `{ type: 'debezium', table: 'public.orders' }`
 * is fed from the PostgreSQL server named by `triggerkit dev --postgres <url>` (or
 * `TRIGGERKIT_POSTGRES_URL`) through logical replication (`pgoutput`), as Debezium's PostgreSQL connector
 * would feed it: a snapshot of the tables first (`op: 'r'`), then every insert, update and delete in
 * commit order (`c`, `u`, `d`), one invocation per change with the Debezium change event. A change that
 * fails is retried as a stream record is (`onError: 'block'` holds the slot and tries the change again;
 * `'dead-letter'` dead-letters it and goes on); its position is stored and confirmed to PostgreSQL only
 * after it was handled. Slots named `triggerkit_…` that no function reads are reported with the SQL
 * that drops them: a slot nobody reads keeps the server's WAL forever.
 * @see https://debezium.io/documentation/reference/stable/connectors/postgresql.html
 */
import pg from 'pg';
import type { SourceDeclaration } from '../../definition.js';
import type { ChangeEnvelope } from '../postgres/envelope.js';
import { startFeed } from '../postgres/feed.js';
import { lsnText, openSlotPositions } from '../postgres/positions.js';
import { connectionConfig, serverLabel, strayedSlots } from '../postgres/server.js';
import type { EmulatorFunction } from '../run-delivery.js';
import { type TriggerHost, waitUntil } from './host.js';
import type { Feed, LiveTriggers } from './types.js';

type DebeziumDeclaration = Extract<SourceDeclaration, { type: 'debezium' }>;

/** The replication slot (and publication) of a function: `triggerkit_<name>`, as PostgreSQL allows names. */
export function slotName(fn: string): string {
  return `triggerkit_${fn.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`.slice(0, 63);
}

/** The longest wait between two tries of a change that keeps failing. */
const MAX_BACKOFF_MS = 30_000;

export function startPostgresTriggers(
  host: TriggerHost,
  functions: readonly EmulatorFunction[],
): LiveTriggers {
  const url = host.postgres;
  const declaring = functions
    .map((fn) => ({
      fn,
      sources: (fn.handler.definition.sources ?? []).filter(
        (s): s is DebeziumDeclaration => s.type === 'debezium',
      ),
    }))
    .filter((d) => d.sources.length > 0);
  if (url === undefined) {
    for (const { fn } of declaring)
      host.log(
        `triggerkit: ${fn.name} declares a debezium source; pass --postgres <url> (or set TRIGGERKIT_POSTGRES_URL) to feed it from PostgreSQL.`,
      );
    return { feeds: [], stop: async () => {} };
  }
  const server = serverLabel(url);
  const positions = openSlotPositions(host.store.db);
  const feeds: Feed[] = [];
  const running = declaring.map(({ fn, sources }) => {
    const slot = slotName(fn.name);
    for (const source of sources)
      feeds.push({ fn: fn.name, source, label: `debezium ${source.table ?? '*'} (postgres ${server})` });
    const tables = sources.some((s) => s.table === undefined)
      ? []
      : [...new Set(sources.map((s) => s.table as string))];
    return startFeed({
      url,
      slot,
      tables,
      snapshotMode: sources[0]?.snapshotMode ?? 'initial',
      positions,
      key: `${server} ${slot}`,
      now: () => host.clock.now(),
      deliver: (envelope, stopped) => deliverChange(host, fn, envelope, stopped),
      log: host.log,
    });
  });
  void reportStrays(host, url, new Set(declaring.map(({ fn }) => slotName(fn.name))));
  return {
    feeds,
    async stop() {
      await Promise.all(running.map((feed) => feed.stop()));
    },
  };
}

/**
 * Invokes `fn` with one change until it is handled (delivered, filtered or dead-lettered): an invocation
 * that fails (`onError: 'block'`) is made again after a backoff, as Lambda retries a stream's batch.
 */
async function deliverChange(
  host: TriggerHost,
  fn: EmulatorFunction,
  envelope: ChangeEnvelope,
  stopped: () => boolean,
): Promise<boolean> {
  for (let failures = 0; !stopped(); failures++) {
    const result = await host.invoke(fn, envelope, 'debezium');
    if (result.error === undefined) return true;
    const { schema, table, lsn } = envelope.source as { schema: string; table: string; lsn: number };
    if (failures === 0)
      host.log(
        `triggerkit: ${fn.name} failed on the ${envelope.op} change of ${schema}.${table} at LSN ${lsnText(BigInt(lsn))}: ${describe(result.error)}; the slot holds it and tries again (onError: 'block').`,
      );
    const until = host.clock.now() + Math.min(1_000 * 2 ** failures, MAX_BACKOFF_MS);
    while (!stopped() && host.clock.now() < until)
      await waitUntil(host.clock, Math.min(until, host.clock.now() + 250));
  }
  return false;
}

/** Logs each `triggerkit_…` slot of this database that no function here reads, with the SQL that drops it. */
async function reportStrays(host: TriggerHost, url: string, used: ReadonlySet<string>): Promise<void> {
  const client = new pg.Client(connectionConfig(url));
  try {
    await client.connect();
    for (const slot of await strayedSlots(client, used))
      host.log(
        `triggerkit: replication slot ${slot} on ${serverLabel(url)} is read by no function here and keeps the server's WAL; drop it with: SELECT pg_drop_replication_slot('${slot}'); DROP PUBLICATION IF EXISTS "${slot}";`,
      );
  } catch (error) {
    host.log(`triggerkit: could not reach PostgreSQL at ${serverLabel(url)}: ${describe(error)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));
