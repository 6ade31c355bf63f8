/**
 * Who may call an HTTP source, checked before anything reads the body: the controls of Alibaba
 * EventBridge's HTTP event source (methods, source-IP CIDR blocks, `Referer` domains) plus a body-size limit
 * and, for CloudEvents webhooks, the sender's `WebHook-Request-Origin`.
 */
import { BlockList, isIP } from 'node:net';
import type { HttpRequest } from '../types.js';
import { type HttpAllowList, type HttpSourceOptions, isCidr } from './options.js';

/** Why a request is refused, and the status to answer with. */
export interface Denial {
  readonly ok: false;
  readonly statusCode: number;
  /** Machine-readable: `method_not_allowed`, `ip_denied`, `referer_denied`, `origin_denied`, `body_too_large`, `signature_*`. */
  readonly code: string;
  readonly reason: string;
  /** Headers the answer needs (`Allow` for 405, `WWW-Authenticate` for 401). */
  readonly headers?: Readonly<Record<string, string>>;
}

export type CheckResult = { readonly ok: true } | Denial;

export const ALLOWED: CheckResult = Object.freeze({ ok: true });

/** Compiled once per options object: the allowlist's CIDR blocks as a `BlockList`. */
const compiled = new WeakMap<HttpAllowList, BlockList>();

/**
 * Source IP, `Referer`, origin, method and size, in that order: a caller from outside the allowlists learns
 * nothing else. A CloudEvents webhook handshake (`OPTIONS` with `WebHook-Request-Origin`) passes the method
 * check: it is answered by the transport, never by the handler.
 */
export function checkGuards(req: HttpRequest, options: HttpSourceOptions): CheckResult {
  const allow = options.allow;
  if (allow?.cidrs !== undefined && allow.cidrs.length > 0) {
    const ip = req.sourceIp;
    const family = ip === undefined ? 0 : isIP(ip);
    if (ip === undefined || family === 0 || !cidrsOf(allow).check(ip, family === 6 ? 'ipv6' : 'ipv4')) {
      return deny(403, 'ip_denied', `source IP ${ip ?? '(unknown)'} is not in the allowed CIDR blocks`);
    }
  }
  if (allow?.referers !== undefined && allow.referers.length > 0) {
    const referer = req.headers.referer;
    const host = referer === undefined ? undefined : hostOf(referer);
    if (host === undefined || !matchesHost(host, allow.referers)) {
      return deny(
        403,
        'referer_denied',
        referer === undefined ? 'no Referer header' : `Referer host ${host ?? '(unreadable)'} is not allowed`,
      );
    }
  }
  const origin = req.headers['webhook-request-origin'];
  if (allow?.origins !== undefined && allow.origins.length > 0) {
    if (origin === undefined || !matchesHost(origin.trim().toLowerCase(), allow.origins)) {
      return deny(
        403,
        'origin_denied',
        origin === undefined
          ? 'no WebHook-Request-Origin header'
          : `WebHook-Request-Origin ${origin} is not allowed`,
      );
    }
  }
  const methods = methodsOf(options);
  const handshake = req.method === 'OPTIONS' && origin !== undefined;
  if (methods !== undefined && !handshake && !methods.includes(req.method.toUpperCase())) {
    return deny(405, 'method_not_allowed', `${req.method} is not allowed here; use ${methods.join(' or ')}`, {
      allow: methods.join(', '),
    });
  }
  if (options.maxBodyBytes !== undefined && req.body.length > options.maxBodyBytes) {
    return deny(
      413,
      'body_too_large',
      `the body is ${req.body.length} bytes, more than the ${options.maxBodyBytes} allowed`,
    );
  }
  return ALLOWED;
}

/** Allowed methods, upper-case, or undefined for any. */
export function methodsOf(options: HttpSourceOptions): string[] | undefined {
  if (options.method === undefined) return undefined;
  const methods: readonly unknown[] = typeof options.method === 'string' ? [options.method] : options.method;
  return methods.filter((m): m is string => typeof m === 'string').map((m) => m.toUpperCase());
}

/** `example.com` matches itself; `*.example.com` matches its subdomains at any depth, not itself. */
export function matchesHost(host: string, patterns: readonly string[]): boolean {
  return patterns.some((raw) => {
    const pattern = raw.toLowerCase();
    return pattern.startsWith('*.')
      ? host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1
      : host === pattern;
  });
}

/** The host name of a `Referer` URL (no port); undefined when it is not a URL. */
function hostOf(referer: string): string | undefined {
  if (!URL.canParse(referer)) return undefined;
  return new URL(referer).hostname.toLowerCase() || undefined;
}

function cidrsOf(allow: HttpAllowList): BlockList {
  let list = compiled.get(allow);
  if (list === undefined) {
    list = new BlockList();
    for (const cidr of allow.cidrs ?? []) {
      // Options come validated (validateHttpSourceOptions); anything else is skipped, never thrown here.
      if (!isCidr(cidr)) continue;
      const [address = '', bits] = cidr.split('/');
      const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (bits === undefined) list.addAddress(address, type);
      else list.addSubnet(address, Math.min(Number(bits), type === 'ipv6' ? 128 : 32), type);
    }
    compiled.set(allow, list);
  }
  return list;
}

export function deny(
  statusCode: number,
  code: string,
  reason: string,
  headers?: Record<string, string>,
): Denial {
  return headers === undefined
    ? { ok: false, statusCode, code, reason }
    : { ok: false, statusCode, code, reason, headers };
}
