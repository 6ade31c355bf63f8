/** What every family of live triggers (sqs.ts, sns.ts, kinesis.ts, schedules.ts, …) gives the emulator. */
import type { SourceDeclaration } from '../../definition.js';

/** One declared source a live trigger feeds: the banner and `GET /` say `label` for it. */
export interface Feed {
  /** The function's name in the emulator. */
  readonly fn: string;
  readonly source: SourceDeclaration;
  /** What feeds it, as the user would name it: `aws:sqs shop-orders`, `aws:schedule rate(5 minutes)`. */
  readonly label: string;
}

/** The running triggers of one family, over one set of functions (rebuilt after a reload). */
export interface LiveTriggers {
  readonly feeds: readonly Feed[];
  /** Stops polling and timers, and waits for the invocations in flight. */
  stop(): Promise<void>;
}
