/**
 * The emulator's routes are one table — method, path pattern (`/events/:id`), handler — matched here.
 * A request target that cannot be read (malformed percent-encoding, an absolute URL) is the client's
 * error: 400, never 500.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface RouteRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly method: string;
  /** The path as sent (still percent-encoded). */
  readonly path: string;
  readonly query: URLSearchParams;
  /** The `:name` segments of the route's path, percent-decoded. */
  readonly params: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export interface Route {
  readonly method: string;
  /**
   * Literal segments and `:name` placeholders, each one whole non-empty segment; a last `*name` takes
   * the rest of the path, `/` included, and may be empty or absent (`/photos/`, `/photos` of `/:bucket/*key`).
   */
  readonly path: string;
  /** Served only to requests that carry this header (the SQS JSON protocol's `x-amz-target`). */
  readonly header?: string;
  /** Served only when this holds of the path's params as sent (a bucket route: only for buckets that exist). */
  readonly when?: (params: Readonly<Record<string, string>>) => boolean;
  /** One line for `GET /`. */
  readonly summary: string;
  /** Refused to requests a browser could send cross-site without asking (guard.ts). */
  readonly changesState?: boolean;
  /** What the route takes, for the answer to a request it refuses (`POST /events takes CloudEvents: …`). */
  readonly accepts?: string;
  handle(request: RouteRequest): Promise<void> | void;
}

/** An answer the emulator gives instead of serving the request (4xx), as `{ error, message }`. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'HttpProblem';
  }
}

export function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Splits a request target into its path and query; only origin-form (`/path?query`) is served. */
export function parseTarget(target: string): { path: string; query: URLSearchParams } {
  if (!target.startsWith('/'))
    throw new HttpProblem(
      400,
      'E_BAD_REQUEST',
      `The request target must be a path such as /events, got ${JSON.stringify(target.slice(0, 100))}.`,
    );
  const at = target.indexOf('?');
  return at < 0
    ? { path: target, query: new URLSearchParams() }
    : { path: target.slice(0, at), query: new URLSearchParams(target.slice(at + 1)) };
}

/** Percent-decodes a path segment; malformed encoding (`%E0%A4%A`, `%zz`) is a 400. */
export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpProblem(
      400,
      'E_BAD_REQUEST',
      `The path segment ${JSON.stringify(segment.slice(0, 100))} is not valid percent-encoding (RFC 3986 §2.1).`,
    );
  }
}

export interface CompiledRoute {
  readonly route: Route;
  /** The decoded params when the path matches, whatever the method. */
  match(path: string): Record<string, string> | undefined;
}

export function compileRoute(route: Route): CompiledRoute {
  const pattern = route.path.split('/');
  return {
    route,
    match(path) {
      const rest = pattern.at(-1)?.startsWith('*') === true;
      const found = path.split('/');
      if (rest ? found.length < pattern.length - 1 : found.length !== pattern.length) return undefined;
      const segments = rest
        ? [...found.slice(0, pattern.length - 1), found.slice(pattern.length - 1).join('/')]
        : found;
      const params: Record<string, string> = {};
      for (const [i, part] of pattern.entries()) {
        const segment = segments[i] as string;
        if (part.startsWith(':') || part.startsWith('*')) {
          if (segment === '' && part.startsWith(':')) return undefined;
          params[part.slice(1)] = segment;
        } else if (part !== segment) return undefined;
      }
      if (route.when?.(params) === false) return undefined;
      // Decoded only once the path matched: a malformed segment of an unknown path is a plain 404.
      for (const [name, raw] of Object.entries(params)) params[name] = decodeSegment(raw);
      return params;
    },
  };
}

/**
 * The route serving `method path`, and its params; `allowed` lists the methods the path has when only
 * the method is wrong.
 */
export function findRoute(
  table: readonly CompiledRoute[],
  method: string,
  path: string,
  headers: IncomingMessage['headers'],
): { route: Route; params: Record<string, string> } | { allowed: string[] } {
  const allowed: string[] = [];
  for (const compiled of table) {
    const { route } = compiled;
    if (route.header !== undefined && headers[route.header] === undefined) continue;
    const params = compiled.match(path);
    if (params === undefined) continue;
    if (route.method === method) return { route, params };
    allowed.push(route.method);
  }
  return { allowed };
}
