/** What the `events` factories share: the common options, and one way to call the generators. */
import type { SourceKind } from '../sources/types.js';
import { type GenerateOptionsByKind, generateEvent } from './generate/index.js';
import type { CommonOptions } from './generate/kit.js';

/** What every factory takes: deterministic ids from `seed`, the send time, region and account. */
export type Shared = Pick<CommonOptions, 'seed' | 'time' | 'region' | 'account'>;

export type Options<K extends SourceKind> = GenerateOptionsByKind[K];

/** The generator of `kind`, its result typed as the factory says. */
export const make = <T, K extends SourceKind>(kind: K, options: Options<K>): T =>
  generateEvent(kind, options) as T;

/** An HTTP request: `body` is an object (sent as JSON) or a string (sent as text). */
export interface HttpRequestOptions extends Shared {
  /** Default `POST`. */
  readonly method?: string;
  /** Default `/`. */
  readonly path?: string;
  /** The API Gateway route it matched (`/orders/{id}`): the `routeKey` and `pathParameters`. Default: the path. */
  readonly route?: string;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string | readonly string[]>>;
}

/** The generator options of a request. */
export function requestOf(o: HttpRequestOptions): Options<'aws:apigateway:v2'> {
  const { body, ...rest } = o;
  return body === undefined ? rest : { ...rest, data: body };
}
