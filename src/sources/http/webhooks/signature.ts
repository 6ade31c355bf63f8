/**
 * What every signature scheme shares: HMAC-SHA256 over the raw body bytes, constant-time comparison of
 * same-length digests, secrets tried in turn (rotation), and replay windows checked against a clock that
 * is passed in.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { TriggerError } from '../../../errors.js';
import { isBase64 } from '../../kit/base64.js';

export type SignatureFailure = 'signature_missing' | 'signature_invalid' | 'signature_expired';

/** The outcome of a signature check; a failure says why, for the 401 answer. */
export type Verdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: SignatureFailure; readonly reason: string };

export interface VerifyContext {
  /** Secrets to try, in order (rotation: any one verifies). */
  readonly secrets: readonly string[];
  /** Now, in ms since the epoch; required by timestamped schemes. */
  readonly now: number | undefined;
  readonly toleranceSeconds: number;
}

export const VERIFIED: Verdict = Object.freeze({ ok: true });

export function missing(reason: string): Verdict {
  return { ok: false, code: 'signature_missing', reason };
}

export function invalid(reason: string): Verdict {
  return { ok: false, code: 'signature_invalid', reason };
}

export function hmacSha256(key: string | Buffer, ...parts: readonly (string | Buffer)[]): Buffer {
  const mac = createHmac('sha256', key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/** Constant-time equality; different lengths are unequal without comparing (timingSafeEqual would throw). */
export function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** True when any of the given signatures equals the digest of any secret. */
export function anyMatches(
  given: readonly Buffer[],
  secrets: readonly string[],
  digest: (secret: string) => Buffer,
): boolean {
  let matched = false;
  // Every pair is compared, without stopping at the first match, so timing says nothing about which secret.
  for (const secret of secrets) {
    // An empty key is no secret (anyone can compute its HMAC); options validation refuses it, and so
    // does this comparison, whoever calls it.
    if (secret === '') continue;
    const expected = digest(secret);
    for (const signature of given) matched = safeEqual(expected, signature) || matched;
  }
  return matched;
}

/** A hex digest as bytes, or undefined when the text is not hex of the right length. */
export function fromHex(text: string, bytes = 32): Buffer | undefined {
  return text.length === bytes * 2 && /^[0-9a-fA-F]+$/.test(text) ? Buffer.from(text, 'hex') : undefined;
}

/** A base64 digest as bytes, or undefined when the text is not canonical base64. */
export function fromBase64(text: string): Buffer | undefined {
  return isBase64(text) && text.length > 0 ? Buffer.from(text, 'base64') : undefined;
}

/**
 * The replay window, in whole seconds as the vendors' libraries count them: `|⌊now⌋ − timestamp| ≤
 * tolerance` (stripe-node and Slack's Bolt compare `Math.floor(now / 1000)`, so a request 300.9 s old
 * passes a 300 s window there and here). A timestamp as far in the future is refused too (Slack's SDKs:
 * "5 minutes either way"). Undefined when the timestamp is fresh. Without a clock nothing can be
 * checked, and accepting the request would silently drop the protection: that is a server mistake,
 * answered 500.
 */
export function staleTimestamp(
  timestamp: string,
  header: string,
  context: VerifyContext,
): Verdict | undefined {
  if (!/^\d{1,12}$/.test(timestamp))
    return invalid(`${header} must be a Unix time in seconds, got ${JSON.stringify(timestamp.slice(0, 40))}`);
  if (context.now === undefined || !Number.isFinite(context.now)) {
    throw new TriggerError(
      'E_CONFIG',
      `Checking ${header} needs the current time: pass \`now\` (ms since the epoch) in the normalize options.`,
      { path: 'now', details: { status: 500 } },
    );
  }
  const skew = Math.floor(context.now / 1000) - Number(timestamp);
  if (Math.abs(skew) <= context.toleranceSeconds) return undefined;
  return {
    ok: false,
    code: 'signature_expired',
    reason: `${header} is ${Math.abs(skew)} s ${skew > 0 ? 'old' : 'in the future'}, more than the ${context.toleranceSeconds} s allowed either way`,
  };
}
