/**
 * What keeps a web page from driving the emulator. Any page the developer opens can send "simple"
 * requests (POST with text/plain, a form encoding or no body type) to 127.0.0.1 without asking first,
 * and a DNS-rebinding page can even read the answers. So:
 *
 * - every request must name an allowed `Host`: localhost and its subdomains, any IP literal (a rebinding
 *   attack needs a domain name of its own), the host the emulator is bound to, and `--allow-host` names;
 * - on the emulator's own routes, an `Origin` header must be the emulator's own (the web UI at `/ui/`,
 *   reached by whatever address passed the `Host` check) or name one of those hosts (not an IP literal a
 *   page could be served from), and `null` is refused;
 * - the emulator's state-changing routes refuse what a browser sends cross-site without a CORS preflight:
 *   a request that carries neither a non-simple Content-Type nor a header only a preflighted request can
 *   carry (`ce-*`, `x-amz-*`, `x-fc-*`, `authorization`). curl with `-H 'content-type: application/json'`, the
 *   AWS SDK and CLI, and binary-mode CloudEvents all pass.
 *
 * No answer carries CORS headers, so a browser lets no other origin read an answer or send a request
 * that needs a preflight: only the UI's own origin can use these routes from a page.
 *
 * Routes a handler declares (`{ type: 'http', path }`) get the `Host` check only: they are the handler's
 * API, served as API Gateway would (a webhook may well be a form post).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import { HttpProblem, type Route } from './router.js';

const SIMPLE_TYPES = new Set(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data']);
/** Headers a browser attaches to a cross-site request only after a successful preflight. */
const PREFLIGHTED = /^(ce-|x-amz-|x-amzn-|amz-sdk-|x-fc-)|^authorization$/;

export interface HostPolicy {
  /** The address the server is bound to. */
  readonly bound: string;
  /** More host names to accept (a tunnel's, a LAN name). */
  readonly extra: readonly string[];
}

/** The host name of a `Host` header or an origin's authority, lower-cased, without port or brackets. */
function hostName(authority: string): string {
  const host = authority.trim().toLowerCase();
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']') < 0 ? undefined : host.indexOf(']'));
  const colon = host.lastIndexOf(':');
  return (colon < 0 ? host : host.slice(0, colon)).replace(/\.$/, '');
}

const isLocalName = (name: string) => name === 'localhost' || name.endsWith('.localhost');
const named = (policy: HostPolicy, name: string) =>
  name === hostName(policy.bound.includes(':') ? `[${policy.bound}]` : policy.bound) ||
  policy.extra.some((h) => hostName(h) === name);

/** Throws 403 for a `Host` the emulator does not answer to (DNS rebinding). */
export function checkHost(headers: IncomingHttpHeaders, policy: HostPolicy): void {
  const host = headers.host;
  if (host === undefined) return;
  const name = hostName(host);
  if (isLocalName(name) || isIP(name) !== 0 || named(policy, name)) return;
  throw new HttpProblem(
    403,
    'E_FORBIDDEN_HOST',
    `Host ${JSON.stringify(host)} is not one the emulator answers to (localhost, IP addresses, the bound host); ` +
      `start it with --allow-host ${name} to reach it by that name.`,
  );
}

/** Throws 403 for a foreign `Origin`, 415 for a request a browser may send cross-site unasked. */
export function checkOwnRoute(
  method: string,
  headers: IncomingHttpHeaders,
  policy: HostPolicy,
  route: Pick<Route, 'method' | 'path' | 'changesState' | 'accepts'>,
): void {
  const origin = headers.origin;
  if (origin !== undefined && !isAllowedOrigin(origin, policy, headers.host)) {
    throw new HttpProblem(
      403,
      'E_FORBIDDEN_ORIGIN',
      `Requests from the web page at ${JSON.stringify(origin)} are refused: the emulator's own routes answer local pages and clients that send no Origin.`,
    );
  }
  if (route.changesState !== true) return;
  const type = (headers['content-type'] ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
  const preflighted = Object.keys(headers).some((name) => PREFLIGHTED.test(name));
  if (preflighted || (type !== '' && !SIMPLE_TYPES.has(type))) return;
  const given = JSON.stringify(headers['content-type'] ?? '(none)');
  throw new HttpProblem(
    415,
    'E_UNSUPPORTED_MEDIA_TYPE',
    `${route.accepts ?? `${method} ${route.path} takes JSON (curl -H 'content-type: application/json')`}; ` +
      `got Content-Type ${given}, which any web page may send unasked, so it is refused.`,
  );
}

function isAllowedOrigin(origin: string, policy: HostPolicy, host: string | undefined): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  // Same origin: a page the emulator served itself (its web UI), on an address the Host check passed.
  if (url.protocol === 'http:' && host !== undefined && url.host === host.trim().toLowerCase()) return true;
  const name = hostName(url.host);
  return isLocalName(name) || name === '127.0.0.1' || name === '::1' || named(policy, name);
}
