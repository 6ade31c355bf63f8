/**
 * The gate in front of an HTTP source: guards, then the webhook signature on the raw body bytes. A refused
 * request is answered by the transport (401/403/405/413 with the reason); the handler never runs.
 */
import type { ControlResponse, HttpRequest } from '../types.js';
import { ALLOWED, type CheckResult, checkGuards, type Denial } from './guards.js';
import { DEFAULT_TOLERANCE_SECONDS, type HttpSourceOptions } from './options.js';
import { WEBHOOK_PROVIDER_TABLE } from './webhooks/providers.js';

/**
 * Checks a request against its source's options: source IP, `Referer`, origin, method, body size, then
 * the signature (`verify`; an SNS signature is checked asynchronously afterwards, see `settleHttpBatch`). `now` (ms since the epoch) is needed for timestamped signatures (Stripe, Slack,
 * Standard Webhooks); it is never read from the clock here.
 *
 * @example
 * const result = checkHttpRequest(req, { path: '/hooks/github', verify: { provider: 'github', secret } }, Date.now());
 * if (!result.ok) return { statusCode: result.statusCode, body: result.reason }; // 401 "X-Hub-Signature-256 does not match the body"
 */
export function checkHttpRequest(
  req: HttpRequest,
  options: HttpSourceOptions,
  now: number | undefined,
): CheckResult {
  const guarded = checkGuards(req, options);
  if (!guarded.ok || options.verify === undefined) return guarded;
  // The CloudEvents webhook handshake is unsigned by design: it is answered, never delivered.
  if (req.method === 'OPTIONS' && req.headers['webhook-request-origin'] !== undefined) return ALLOWED;
  // SNS signatures need a certificate fetched: settleHttpBatch (sns-subscription.ts) checks them, and until
  // then the request's batch refuses to run.
  if (options.verify.provider === 'sns') return ALLOWED;
  const { provider, secret, toleranceSeconds } = options.verify;
  const verifier = WEBHOOK_PROVIDER_TABLE[provider];
  const verdict = verifier.verify(req, {
    secrets: typeof secret === 'string' ? [secret] : secret,
    now,
    toleranceSeconds: toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS,
  });
  if (verdict.ok) return ALLOWED;
  return {
    ok: false,
    statusCode: 401,
    code: verdict.code,
    reason: verdict.reason,
    // RFC 9110 §15.5.2: a 401 names the scheme the client must use.
    headers: { 'www-authenticate': `Signature realm="${provider}"` },
  };
}

/** The answer to a refused request: the status, the headers it needs, and a JSON body with the reason. */
export function denialResponse(denial: Denial): ControlResponse {
  return {
    statusCode: denial.statusCode,
    headers: { 'content-type': 'application/json', ...denial.headers },
    body: JSON.stringify({ error: denial.code, message: denial.reason }),
  };
}
