import type { CloudEvent } from '../cloud-event.js';
import type { TriggerError } from '../errors.js';
import type { CATALOG } from './catalog.js';

/**
 * The transport that delivered a batch: one per row of the source catalog (`catalog.ts`), e.g. `aws:sqs`,
 * `aws:s3`, `aws:apigateway:v2`, `alibaba:oss`, `cloudevents`.
 */
export type SourceKind = (typeof CATALOG)[number]['kind'];

/** What delivered an event to a handler: a source, or the emulator's event bus. */
export type Transport = SourceKind | 'bus';

/**
 * How the platform expects to hear of failures:
 * - `batch-item-failures`: `{ batchItemFailures: [{ itemIdentifier: ref }] }` (SQS; FIFO batches are `ordered`);
 * - `stream-checkpoint`: the same response with sequence numbers as refs; Lambda checkpoints at the lowest
 *   (Kinesis, DynamoDB Streams; always `ordered`);
 * - `kafka-item-failures`: the same response with `{ "topic-partition", offset }` objects as identifiers;
 * - `http`: a status code and body;
 * - `throw`: the invocation fails as a whole and the platform retries it (asynchronous invocations, Amazon MQ).
 */
export type FailureReply =
  | 'batch-item-failures'
  | 'stream-checkpoint'
  | 'kafka-item-failures'
  | 'http'
  | 'throw';

/** One event of a batch, with the record identity the platform needs for partial-batch failure. */
export interface BatchItem {
  readonly event: CloudEvent;
  /** SQS `messageId`, stream sequence number, Kafka `topic-partition@offset`, HTTP request id… */
  readonly ref: string;
}

/** A record of a batch that could not be read; the rest of the batch still runs. */
export interface RejectedRecord {
  readonly ref: string;
  /** Its position in the batch. */
  readonly index: number;
  /** `E_SOURCE_INVALID`, naming the record and the problem. */
  readonly error: TriggerError;
}

/** An HTTP request in transport-neutral form; header names are lower-case. */
export interface HttpRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The body exactly as received (bytes, so signatures can be checked on them). */
  readonly body: Buffer;
  readonly requestId: string;
  readonly time: string | undefined;
  readonly sourceIp: string | undefined;
  /** The `{name}` values of the declared path this request matched (`/orders/{id}` → `{ id: '42' }`). */
  readonly pathParameters?: Readonly<Record<string, string>>;
  /**
   * The envelope sent `multiValueHeaders` (an ALB target group with multi-value headers on): the answer
   * must use `multiValueHeaders` too.
   */
  readonly multiValueHeaders?: true;
}

/** What an HTTP envelope says before its request is read: the path, and how the answer's headers go. */
export type HttpEnvelope = Pick<HttpRequest, 'multiValueHeaders'> & { readonly path: string | undefined };

/** A ready answer for control-plane requests that never reach a handler (the CloudEvents webhook handshake). */
export interface ControlResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** What `toCloudEvents` returns: the transport and its events. */
export interface Batch {
  readonly source: SourceKind;
  readonly reply: FailureReply;
  /** Records must be handled in order: stop at the first failure (FIFO queues, streams). */
  readonly ordered?: boolean;
  readonly items: readonly BatchItem[];
  /** Records that could not be normalized; reported as failed (or dead-lettered), never dropped. */
  readonly rejected?: readonly RejectedRecord[];
  /** Present for HTTP transports. */
  readonly http?: HttpRequest;
  /**
   * What the transport names, for the `sources` check: per declaration key the distinct values of the
   * batch's records, e.g. `{ queue: ['orders'] }`, `{ bucket: ['photos'], prefix: ['uploads/a.jpg'] }`
   * (the object keys a `prefix` must start). Set by `toCloudEvents` for sources whose declarations name one.
   */
  readonly resources?: Readonly<Record<string, readonly string[]>>;
  /** Present when the request is answered by the transport itself. */
  readonly control?: ControlResponse;
}

export interface NormalizeOptions {
  /** CloudEvents `type` for plain (non-CloudEvents) HTTP requests. Default `dev.triggerkit.http.request`. */
  httpEventType?: string;
  /** Now, in ms since the epoch, for replay windows of signed webhooks. Default `Date.now()`. */
  now?: number;
  /** The options of the handler's HTTP source that matched the request (guards, signature, event type). */
  http?: import('./http/options.js').HttpSourceOptions;
  /** Log sources (CloudWatch Logs, SLS): one event per log line (default) or one per delivered batch. */
  logEvents?: 'per-line' | 'per-batch';
}

/** One source as the registry holds it: a cheap shape test and a pure normalizer (see catalog.ts). */
export interface Source<T = unknown> {
  readonly kind: SourceKind;
  /** How failures are reported for this source (known before normalizing, for malformed input). */
  readonly reply: FailureReply;
  /** Human name used in error messages. */
  readonly label: string;
  detect(raw: unknown): raw is T;
  normalize(raw: T, options: NormalizeOptions): Batch;
  /** HTTP envelopes: the path and answer style, read without normalizing (for malformed requests). */
  envelope?(raw: T): HttpEnvelope;
  /** What the transport names, per declaration key (`Batch.resources`); only sources whose declarations name one. */
  resources?(raw: T): Readonly<Record<string, readonly string[]>>;
}

export type JsonObject = Record<string, unknown>;

/** A Lambda batch of `Records` (SQS, SNS, S3, Kinesis, DynamoDB Streams), as far as detection looks. */
export type RecordBatch = JsonObject & { readonly Records: readonly unknown[] };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
