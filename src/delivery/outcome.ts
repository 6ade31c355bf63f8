/**
 * What one attempt of one event through one handler came to. Every runtime reads these: the attempt
 * loop decides on a failure, traces record them, `invoke` reports them.
 */
import type { CloudEvent } from '../cloud-event.js';

/** Where an event failed; `source` is a record that could not be read into a CloudEvent at all. */
export type Stage = 'source' | 'transform' | 'schema' | 'idempotency' | 'handler';

export type Outcome =
  | {
      readonly status: 'delivered';
      readonly event: CloudEvent;
      readonly input: CloudEvent;
      readonly result: unknown;
      /** A duplicate of an event that completed within the handler's idempotency `ttl`: not handled again; `result` is the first one's. */
      readonly duplicate?: true;
    }
  | { readonly status: 'filtered'; readonly event: CloudEvent }
  | {
      readonly status: 'failed';
      readonly event: CloudEvent;
      readonly stage: Stage;
      readonly error: unknown;
      readonly retryable: boolean;
    };
