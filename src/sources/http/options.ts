/**
 * Per-source options of an HTTP trigger (`sources: [{ type: 'http', path, verify, allow, … }]`) and their
 * validation, run once when the handler is defined.
 */
import { isIP } from 'node:net';
import { TriggerError } from '../../errors.js';
import { isBase64 } from '../kit/base64.js';
import { compilePathTemplate } from './path-template.js';

/** Webhook senders whose signatures (or shared tokens) triggerkit checks. */
export type WebhookProviderName = 'github' | 'gitlab' | 'stripe' | 'slack' | 'standard-webhooks' | 'shopify';

export const WEBHOOK_PROVIDERS: readonly WebhookProviderName[] = [
  'github',
  'gitlab',
  'stripe',
  'slack',
  'standard-webhooks',
  'shopify',
];

/** Checks the request's signature (or GitLab's shared token) before anything reads the body. */
export type WebhookVerification = SecretVerification | SnsHttpVerification;

/** A provider that signs with a shared secret (or, Standard Webhooks `v1a`, an ed25519 key pair). */
export interface SecretVerification {
  readonly provider: WebhookProviderName;
  /**
   * The signing secret; a list during rotation (any one verifies). Standard Webhooks: `whsec_<base64>` for
   * symmetric `v1` signatures, `whpk_<base64>` (the sender's ed25519 public key) for asymmetric `v1a`.
   */
  readonly secret: string | readonly string[];
  /** Replay window for timestamped schemes (Stripe, Slack, Standard Webhooks). Default 300 s. */
  readonly toleranceSeconds?: number;
}

/**
 * An Amazon SNS HTTP(S) subscription: every request is signed by SNS with the key of the X.509
 * certificate at its `SigningCertURL` (fetched from `sns.<region>.amazonaws.com` only, cached per URL), so
 * there is no secret. A `SubscriptionConfirmation` is confirmed once its signature verifies.
 */
export interface SnsHttpVerification {
  readonly provider: 'sns';
  /** Only these topics are accepted, and only their subscriptions confirmed. Default any (AWS advises a list). */
  readonly topicArns?: readonly string[];
  /** Oldest acceptable message `Timestamp`, in seconds before now. Default 3600. */
  readonly maxAgeSeconds?: number;
  /** Gets a certificate's PEM text from its URL. Default `fetch` (5 s timeout, no redirects). */
  readonly fetchCertificate?: (url: string) => Promise<string>;
  /** Confirms a subscription with a GET of its `SubscribeURL`. Default `fetch`; a non-2xx answer fails. */
  readonly confirmSubscription?: (url: string) => Promise<void>;
}

/** Who may call: Alibaba EventBridge's HTTP source controls, plus the CloudEvents webhook origin. */
export interface HttpAllowList {
  /** Source-IP blocks, IPv4 or IPv6, e.g. `['192.30.252.0/22', '2606:50c0::/32']`; a bare address is a /32 or /128. */
  readonly cidrs?: readonly string[];
  /** `Referer` host names: exact (`shop.example.com`) or a suffix pattern (`*.example.com`, subdomains only). */
  readonly referers?: readonly string[];
  /** CloudEvents webhook senders (`WebHook-Request-Origin`), same patterns as `referers`. */
  readonly origins?: readonly string[];
}

/**
 * Options of one HTTP source.
 *
 * @example
 * const options: HttpSourceOptions = {
 *   path: '/webhooks/github',
 *   method: 'POST',
 *   verify: { provider: 'github', secret: [process.env.GITHUB_SECRET_NEW ?? '', process.env.GITHUB_SECRET ?? ''] },
 *   allow: { cidrs: ['192.30.252.0/22', '140.82.112.0/20'] },
 *   maxBodyBytes: 1_000_000,
 * };
 */
export interface HttpSourceOptions {
  /**
   * The route, as API Gateway HTTP APIs write it: `{name}` matches one segment, a last `{name+}` the rest
   * (`/orders/{id}`, `/files/{proxy+}`); the handler reads them in `ctx.http.pathParameters`.
   */
  readonly path: string;
  /** Allowed methods; others get 405. Default: any. */
  readonly method?: string | readonly string[];
  /** CloudEvents `type` of plain (non-CloudEvents, non-provider) requests. */
  readonly eventType?: string;
  readonly verify?: WebhookVerification;
  readonly allow?: HttpAllowList;
  /** Largest body accepted, in bytes (after base64 decoding); larger gets 413. */
  readonly maxBodyBytes?: number;
}

export const DEFAULT_TOLERANCE_SECONDS = 300;

/** RFC 9110 §5.6.2 token: what a method name may contain. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
/** A host name (or `*.` suffix pattern) as `Referer` / `WebHook-Request-Origin` carry it; no scheme, no path. */
export const HOST_PATTERN = new RegExp(`^(?:\\*\\.)?(?:${LABEL}\\.)*${LABEL}$`);
const VERIFY_KEYS = new Set(['provider', 'secret', 'toleranceSeconds']);
const SNS_KEYS = new Set([
  'provider',
  'topicArns',
  'maxAgeSeconds',
  'fetchCertificate',
  'confirmSubscription',
]);
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(?:\.fifo)?$/;
const ALLOW_KEYS = new Set(['cidrs', 'referers', 'origins']);

/**
 * Checks HTTP source options and returns them frozen; throws `TriggerError` `E_CONFIG` naming the key
 * (`sources[1].verify.secret`) and how to fix it.
 *
 * @example
 * validateHttpSourceOptions({ path: '/hook', allow: { cidrs: ['10.0.0.0/33'] } }, 'sources[0]');
 * // throws: Expected `sources[0].allow.cidrs[0]` to be an IP address or CIDR block …, got "10.0.0.0/33".
 */
export function validateHttpSourceOptions(options: unknown, where: string): HttpSourceOptions {
  const o = record(options, where, "an object such as { path: '/webhooks/shop' }");
  if (typeof o.path !== 'string' || !o.path.startsWith('/'))
    fail(`${where}.path`, "a path starting with '/', e.g. '/webhooks/shop'", o.path);
  compilePathTemplate(o.path, `${where}.path`);
  if (o.method !== undefined) {
    const methods = Array.isArray(o.method) ? o.method : [o.method];
    if (methods.length === 0) fail(`${where}.method`, "a method such as 'POST', or a list of them", o.method);
    methods.forEach((m: unknown, i) => {
      if (typeof m !== 'string' || !TOKEN.test(m))
        fail(
          Array.isArray(o.method) ? `${where}.method[${i}]` : `${where}.method`,
          "an HTTP method such as 'POST'",
          m,
        );
    });
  }
  if (o.eventType !== undefined && (typeof o.eventType !== 'string' || o.eventType === ''))
    fail(`${where}.eventType`, "a non-empty CloudEvents type such as 'com.shop.order.webhook'", o.eventType);
  if (
    o.maxBodyBytes !== undefined &&
    !(Number.isSafeInteger(o.maxBodyBytes) && (o.maxBodyBytes as number) >= 0)
  )
    fail(`${where}.maxBodyBytes`, 'a whole number of bytes (0 or more), e.g. 1_000_000', o.maxBodyBytes);
  if (o.verify !== undefined) checkVerify(o.verify, `${where}.verify`);
  if (o.allow !== undefined) checkAllow(o.allow, `${where}.allow`);
  return freeze(o);
}

function checkVerify(value: unknown, where: string): void {
  const v = record(value, where, "an object such as { provider: 'github', secret: '…' }");
  if (v.provider === 'sns') {
    checkSns(v, where);
    return;
  }
  unknownKeys(v, VERIFY_KEYS, where);
  if (!WEBHOOK_PROVIDERS.includes(v.provider as WebhookProviderName))
    fail(
      `${where}.provider`,
      `one of ${[...WEBHOOK_PROVIDERS, 'sns'].map((p) => `'${p}'`).join(', ')}`,
      v.provider,
    );
  // `triggerkit build` loads each handler once to learn its sources, where runtime secrets are not set: an
  // unset secret is checked when the bundle loads in Lambda, with this same message, not at build time.
  if (v.secret === undefined && process.env.TRIGGERKIT_BUILD_PROBE === '1') return;
  const secrets = Array.isArray(v.secret) ? v.secret : [v.secret];
  if (secrets.length === 0)
    fail(`${where}.secret`, 'a signing secret, or a non-empty list of them while you rotate', v.secret);
  secrets.forEach((secret: unknown, i) => {
    const at = Array.isArray(v.secret) ? `${where}.secret[${i}]` : `${where}.secret`;
    // Never echo a secret into an error message: say what kind of value it was.
    if (typeof secret !== 'string' || secret.trim() === '')
      fail(at, 'a non-empty secret string (is the environment variable set?)', secret, kindOf(secret));
    if (v.provider === 'standard-webhooks') {
      // A public key is no secret, but it is still not echoed: the message would differ by key kind.
      if (secret.startsWith('whpk_')) {
        const key = secret.slice(5);
        if (!isBase64(key) || Buffer.from(key, 'base64').length !== 32)
          fail(
            at,
            'a Standard Webhooks public key: whpk_ followed by the base64 of 32 ed25519 key bytes',
            secret,
            'a string that is not',
          );
        return;
      }
      if (secret.startsWith('whsk_'))
        fail(
          at,
          "the sender's public key (whpk_…): a whsk_ key is its private signing key, which stays with the sender",
          secret,
          'a whsk_ private key',
        );
      const key = secret.startsWith('whsec_') ? secret.slice(6) : secret;
      if (!isBase64(key) || key.length === 0)
        fail(
          at,
          'a Standard Webhooks secret: whsec_ (or, for v1a signatures, whpk_) followed by base64',
          secret,
          'a string that is not',
        );
    }
  });
  const t = v.toleranceSeconds;
  if (t !== undefined && !(typeof t === 'number' && Number.isFinite(t) && t > 0))
    fail(
      `${where}.toleranceSeconds`,
      `a positive number of seconds (default ${DEFAULT_TOLERANCE_SECONDS})`,
      t,
    );
}

function checkSns(v: Record<string, unknown>, where: string): void {
  unknownKeys(v, SNS_KEYS, where);
  list(v.topicArns, `${where}.topicArns`, (entry, at) => {
    if (typeof entry !== 'string' || !TOPIC_ARN.test(entry))
      fail(at, "an SNS topic ARN such as 'arn:aws:sns:eu-west-1:210987654321:shop-alerts'", entry);
  });
  const age = v.maxAgeSeconds;
  if (age !== undefined && !(typeof age === 'number' && Number.isFinite(age) && age > 0))
    fail(`${where}.maxAgeSeconds`, 'a positive number of seconds (default 3600)', age);
  for (const key of ['fetchCertificate', 'confirmSubscription'] as const) {
    if (v[key] !== undefined && typeof v[key] !== 'function')
      fail(`${where}.${key}`, 'a function (url: string) => Promise<…>', v[key]);
  }
}

function checkAllow(value: unknown, where: string): void {
  const a = record(value, where, "an object such as { cidrs: ['10.0.0.0/8'] }");
  unknownKeys(a, ALLOW_KEYS, where);
  list(a.cidrs, `${where}.cidrs`, (entry, at) => {
    if (!isCidr(entry))
      fail(at, "an IP address or CIDR block such as '203.0.113.0/24' or '2001:db8::/32'", entry);
  });
  for (const key of ['referers', 'origins'] as const) {
    list(a[key], `${where}.${key}`, (entry, at) => {
      if (typeof entry !== 'string' || !HOST_PATTERN.test(entry.toLowerCase()))
        fail(
          at,
          "a host name such as 'shop.example.com' or a pattern such as '*.example.com' (no scheme, no path)",
          entry,
        );
    });
  }
}

/** `a.b.c.d/n` (n ≤ 32), an IPv6 block (n ≤ 128), or a bare address. */
export function isCidr(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const [address = '', bits, extra] = value.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

function list(value: unknown, where: string, check: (entry: unknown, at: string) => void): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) fail(where, 'a list', value);
  value.forEach((entry, i) => {
    check(entry, `${where}[${i}]`);
  });
}

function record(value: unknown, where: string, expected: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(where, expected, value);
  return value as Record<string, unknown>;
}

function unknownKeys(value: Record<string, unknown>, known: ReadonlySet<string>, where: string): void {
  for (const key of Object.keys(value)) {
    if (!known.has(key))
      throw new TriggerError(
        'E_CONFIG',
        `Unknown option \`${where}.${key}\`; the known ones are ${[...known].map((k) => `\`${k}\``).join(', ')}.`,
        { path: `${where}.${key}` },
      );
  }
}

function fail(path: string, expected: string, got: unknown, shown = describe(got)): never {
  throw new TriggerError('E_CONFIG', `Expected \`${path}\` to be ${expected}, got ${shown}.`, { path });
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint')
    return kindOf(value);
  return JSON.stringify(value) ?? kindOf(value);
}

function kindOf(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === '') return 'an empty string';
  if (typeof value === 'string') return 'a blank string';
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

/** A frozen copy: later changes to the caller's object cannot change a compiled handler. */
function freeze(o: Record<string, unknown>): HttpSourceOptions {
  const copy: Record<string, unknown> = { ...o };
  if (Array.isArray(o.method)) copy.method = Object.freeze([...o.method]);
  if (o.verify !== undefined) {
    const v = { ...(o.verify as Record<string, unknown>) };
    for (const key of ['secret', 'topicArns']) {
      const entry = v[key];
      if (Array.isArray(entry)) v[key] = Object.freeze([...entry]);
    }
    copy.verify = Object.freeze(v);
  }
  if (o.allow !== undefined) {
    const a = o.allow as Record<string, unknown>;
    copy.allow = Object.freeze(
      Object.fromEntries(Object.entries(a).map(([k, l]) => [k, Object.freeze([...(l as unknown[])])])),
    );
  }
  return Object.freeze(copy) as unknown as HttpSourceOptions;
}
