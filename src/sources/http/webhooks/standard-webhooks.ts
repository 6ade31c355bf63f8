/**
 * Standard Webhooks (and Svix, which sends the same scheme as `svix-*`): `webhook-signature` is a
 * space-separated list of signatures of `<webhook-id>.<webhook-timestamp>.<raw body>`, any one of which
 * verifies:
 * - `v1,<base64>`: HMAC-SHA256 keyed with the base64-decoded secret (`whsec_<base64>`);
 * - `v1a,<base64>`: ed25519, checked with the sender's public key (`whpk_<base64 of its 32 bytes>`).
 * A `whsec_` secret checks only `v1` entries and a `whpk_` key only `v1a`; a rotation list may mix both.
 * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
 */
import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import type { HttpRequest } from '../../types.js';
import { asObject, type ProviderEvent, text, toTime, type WebhookProvider } from './provider.js';
import {
  anyMatches,
  fromBase64,
  hmacSha256,
  invalid,
  missing,
  staleTimestamp,
  VERIFIED,
} from './signature.js';

/** The three headers, by the prefix the sender uses. */
function headersOf(req: HttpRequest) {
  const prefix =
    req.headers['webhook-id'] === undefined && req.headers['svix-id'] !== undefined ? 'svix' : 'webhook';
  return {
    prefix,
    id: req.headers[`${prefix}-id`],
    timestamp: req.headers[`${prefix}-timestamp`],
    signature: req.headers[`${prefix}-signature`],
  };
}

export function standardWebhooksKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
}

const PUBLIC_KEY_PREFIX = 'whpk_';
/** DER SubjectPublicKeyInfo of an ed25519 key, up to its 32 raw bytes (RFC 8410 §4). */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const ED25519_SIGNATURE_BYTES = 64;
/** Keys built once per configured `whpk_` text; a definition holds a handful at most. */
const publicKeys = new Map<string, KeyObject>();

/** The ed25519 public key of a `whpk_<base64>` text (validated at definition time: 32 bytes). */
function publicKeyOf(serialized: string): KeyObject {
  let key = publicKeys.get(serialized);
  if (key === undefined) {
    const raw = Buffer.from(serialized.slice(PUBLIC_KEY_PREFIX.length), 'base64');
    key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
    if (publicKeys.size >= 64) publicKeys.clear();
    publicKeys.set(serialized, key);
  }
  return key;
}

/** The signatures of the header a configured key kind can check, by version. */
function signaturesOf(header: string): { v1: Buffer[]; v1a: Buffer[] } {
  const found = { v1: [] as Buffer[], v1a: [] as Buffer[] };
  for (const entry of header.split(' ')) {
    const comma = entry.indexOf(',');
    const version = entry.slice(0, comma);
    if (version !== 'v1' && version !== 'v1a') continue;
    const bytes = fromBase64(entry.slice(comma + 1));
    if (bytes !== undefined) found[version].push(bytes);
  }
  return found;
}

export const standardWebhooks: WebhookProvider = {
  name: 'standard-webhooks',
  detect: (req) =>
    (req.headers['webhook-id'] !== undefined && req.headers['webhook-signature'] !== undefined) ||
    (req.headers['svix-id'] !== undefined && req.headers['svix-signature'] !== undefined),
  verify(req, context) {
    const { prefix, id, timestamp, signature } = headersOf(req);
    for (const [name, value] of [
      ['id', id],
      ['timestamp', timestamp],
      ['signature', signature],
    ] as const) {
      if (value === undefined) return missing(`no ${prefix}-${name} header`);
    }
    const secrets = context.secrets.filter((s) => !s.startsWith(PUBLIC_KEY_PREFIX));
    const keys = context.secrets.filter((s) => s.startsWith(PUBLIC_KEY_PREFIX));
    // Only the versions the configured keys can check count: a whpk_ key never accepts a v1 entry.
    const versions = [...(secrets.length > 0 ? ['v1'] : []), ...(keys.length > 0 ? ['v1a'] : [])];
    const given = signaturesOf(signature as string);
    if ((secrets.length === 0 || given.v1.length === 0) && (keys.length === 0 || given.v1a.length === 0))
      return invalid(
        `${prefix}-signature has no ${versions.map((v) => `${v},<base64>`).join(' or ')} signature`,
      );
    const stale = staleTimestamp(timestamp as string, `${prefix}-timestamp`, context);
    if (stale !== undefined) return stale;
    const signed = `${id}.${timestamp}.`;
    const symmetric = anyMatches(given.v1, secrets, (secret) =>
      hmacSha256(standardWebhooksKey(secret), signed, req.body),
    );
    const data =
      keys.length > 0 && given.v1a.length > 0 ? Buffer.concat([Buffer.from(signed), req.body]) : undefined;
    const asymmetric =
      data !== undefined &&
      keys.some((key) =>
        given.v1a.some(
          (bytes) => bytes.length === ED25519_SIGNATURE_BYTES && verify(null, data, publicKeyOf(key), bytes),
        ),
      );
    return symmetric || asymmetric
      ? VERIFIED
      : invalid(`no ${versions.join(' or ')} signature in ${prefix}-signature matches the body`);
  },
  toEvent(req, payload) {
    const { id, timestamp } = headersOf(req);
    const body = asObject(payload);
    // The spec's recommended payload is { type, timestamp, data }; `type` is already full-stop delimited.
    const event: ProviderEvent = {
      id: id || req.requestId,
      source: req.path,
      type: text(body.type) ?? 'dev.triggerkit.webhook',
      time: toTime(body.timestamp) ?? toTime(timestamp) ?? req.time,
    };
    return event;
  },
};
