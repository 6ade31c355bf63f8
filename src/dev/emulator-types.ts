/** What the emulator takes and what it offers (`createEmulator`, emulator.ts). */
import type { Server } from 'node:http';
import type { CloudEvent } from '../cloud-event.js';
import type { TraceRecord } from '../runtime/hooks.js';
import type { Clock } from './clock.js';
import type { LogFeed } from './logs/feeds.js';
import type { EmulatorFunction } from './run-delivery.js';
import type { StateLock } from './store/lock.js';
import type { Store } from './store/store.js';

export type { EmulatorFunction } from './run-delivery.js';

export interface EmulatorOptions {
  functions: readonly EmulatorFunction[];
  /**
   * Receives every attempt's trace, instead of the printed lines. Default: `log` prints one line per
   * attempt of an event through a handler (a failed one with its retry or dead letter), per dead letter
   * and per refused request (`trace-line.ts`).
   */
  onTrace?: (trace: TraceRecord) => void;
  log?: (line: string) => void;
  /** Colour the printed lines. Default: when `log` is the default and stdout is a terminal (`colour.ts`). */
  colour?: boolean;
  /** Where the SQLite state lives (`.triggerkit` in a project); default in memory. */
  stateDir?: string;
  /** The state folder's lock, when the caller took it already (`triggerkit dev` takes it first). */
  stateLock?: StateLock;
  /** A server already listening (`triggerkit dev` binds the port before it touches the state). */
  server?: Server;
  /** Host names to answer besides localhost, IP addresses and the bound host (a tunnel's, say). */
  allowHosts?: readonly string[];
  /** Emulated time; default real time. */
  clock?: Clock;
  /** Randomness for backoff jitter. */
  random?: () => number;
  /**
   * How long finished events (with their deliveries and traces) are kept: deleted once older than
   * `maxAgeMs` or beyond the newest `maxEvents`, at start and every minute. Default 7 days and
   * 100,000 events; 0 turns a bound off. Pending work and dead letters are always kept.
   */
  retention?: { maxAgeMs?: number; maxEvents?: number };
  /** The PostgreSQL server (`postgres://…`) whose changes feed the `debezium` sources. */
  postgres?: string;
  /**
   * The DynamoDB-compatible server (dynalite, DynamoDB Local: `http://localhost:8000`) the DynamoDB API is
   * forwarded to; writes through the emulator feed the `aws:dynamodb` sources.
   */
  dynamodb?: string;
  /** A folder per bucket (`--bucket name=dir`); other buckets: `<stateDir>/buckets/<name>` (in memory: a temporary folder). */
  buckets?: Readonly<Record<string, string>>;
  /** Local log groups fed by a tailed file or a command's output (`--logs app=logs/app.log`). */
  logs?: readonly LogFeed[];
  /**
   * A folder to write every raw event that reaches a handler to, one redacted JSON fixture each
   * (`--record`, record.ts).
   */
  record?: string;
  /** Where the built web UI is (index.html, app.js, app.css); default the package's `dist/ui`. */
  uiDir?: string;
}

export interface Emulator {
  /**
   * Starts listening (or, given a listening server, reports it); resolves to the base URL once the live
   * triggers are ready to notice (every bucket folder scanned). Port 0 picks a free port.
   */
  listen(port?: number, host?: string): Promise<string>;
  /** Swaps in rebuilt handlers without dropping the server. */
  setFunctions(functions: readonly EmulatorFunction[]): void;
  /** Accepts a CloudEvent on the bus: stored durably, then delivered to every matching bus handler. */
  publish(event: CloudEvent): void;
  /** Runs every delivery due now, and resolves when they are done. */
  settle(): Promise<void>;
  /** With a manual clock: moves it to each next due time (through `advanceTo`) until nothing is pending. */
  runUntilIdle(advanceTo: (at: number) => void): Promise<void>;
  readonly store: Store;
  readonly clock: Clock;
  /** What feeds a function here, in one line: `aws:sqs shop-orders, POST /hooks/orders`. */
  listensTo(name: string): string;
  /** Invokes one function with a raw Lambda event, as the Lambda Invoke API does. */
  invoke(
    name: string,
    raw: unknown,
    /** How the function is called: with a Lambda context (default), or as Function Compute calls it. */
    platform?: 'aws-lambda' | 'alibaba-fc',
  ): Promise<{ response?: unknown; error?: unknown; traces: TraceRecord[] }>;
  close(): Promise<void>;
  readonly server: Server;
}
