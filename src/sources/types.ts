import type { CloudEvent } from '../cloud-event.js';

/** Transports the runtimes know how to answer. */
export type SourceKind = 'aws:sqs' | 'aws:apigateway:v2' | 'cloudevents';

/** One event of a batch, with the record identity the platform needs for partial-batch failure. */
export interface BatchItem {
  readonly event: CloudEvent;
  /** SQS `messageId`, stream sequence number, HTTP request id… */
  readonly ref: string;
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
}

/** A ready answer for control-plane requests that never reach a handler (the CloudEvents webhook handshake). */
export interface ControlResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** What `toCloudEvents` returns: the transport and its events. */
export interface Batch {
  readonly source: SourceKind;
  readonly items: readonly BatchItem[];
  /** Present for HTTP transports. */
  readonly http?: HttpRequest;
  /** Present when the request is answered by the transport itself. */
  readonly control?: ControlResponse;
}

export interface NormalizeOptions {
  /** CloudEvents `type` for plain (non-CloudEvents) HTTP requests. Default `dev.triggerkit.http.request`. */
  httpEventType?: string;
}

/** One source: a cheap shape test and a pure normalizer. */
export interface Source {
  readonly kind: SourceKind;
  /** Human name used in error messages. */
  readonly label: string;
  detect(raw: unknown): boolean;
  normalize(raw: unknown, options: NormalizeOptions): Batch;
}

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
