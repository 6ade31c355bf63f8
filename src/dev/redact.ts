/**
 * What `triggerkit dev --record` takes out of a raw event before it is written to a fixture: every
 * header, query parameter and cookie that carries a credential or a signature. The event keeps its
 * shape (the names stay, the values become `[redacted]`), so it still replays — except where the
 * handler checks a signature, which then fails as a forged request would (README, "Command line").
 */

export const REDACTED = '[redacted]';

/**
 * Names of headers (and query parameters) whose values are secrets: `Authorization`, `Proxy-Authorization`,
 * `Cookie`, `Set-Cookie`, `X-Api-Key`, and any name that says secret, token, signature, password,
 * credential or api key — `X-Hub-Signature(-256)`, `Stripe-Signature`, `X-Slack-Signature`,
 * `svix-signature`, `webhook-signature`, `X-Gitlab-Token`, `X-Amz-Security-Token`, `X-Amz-Signature`,
 * `X-Amz-Credential`…
 */
const SECRET_NAME =
  /^(?:authorization|proxy-authorization|cookie|set-cookie)$|secret|token|signature|password|credential|api-?key/i;

/** Whether a header (or query parameter) named `name` carries a secret. */
export const isSecretName = (name: string): boolean => SECRET_NAME.test(name);

/** The members of a request envelope (API Gateway, ALB, Function URL, Alibaba HTTP) that hold names → values. */
const NAMED_VALUES = new Set([
  'headers',
  'multiValueHeaders',
  'queryStringParameters',
  'multiValueQueryStringParameters',
  'queryParameters',
]);

function redactValues(values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values))
    out[name] = !isSecretName(name)
      ? value
      : Array.isArray(value)
        ? value.map(() => REDACTED)
        : value === null || value === undefined
          ? value
          : REDACTED;
  return out;
}

/** `a=1&X-Amz-Signature=abc` → `a=1&X-Amz-Signature=[redacted]` (a query string as sent). */
function redactQuery(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const at = pair.indexOf('=');
      const name = at < 0 ? pair : pair.slice(0, at);
      return at >= 0 && isSecretName(decodeURIComponentSafe(name)) ? `${name}=${REDACTED}` : pair;
    })
    .join('&');
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * A copy of `raw` with every secret header, query parameter and cookie replaced by `[redacted]`, at any
 * depth (an SQS message body is a string and stays as sent). `raw` is not changed.
 *
 * @example
 * redactEvent({ headers: { authorization: 'Bearer x', 'content-type': 'application/json' } });
 * // { headers: { authorization: '[redacted]', 'content-type': 'application/json' } }
 */
export function redactEvent(raw: unknown): unknown {
  if (Array.isArray(raw)) return raw.map(redactEvent);
  if (typeof raw !== 'object' || raw === null) return raw;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (NAMED_VALUES.has(key) && typeof value === 'object' && value !== null && !Array.isArray(value))
      out[key] = redactValues(value as Record<string, unknown>);
    else if (key === 'cookies' && Array.isArray(value)) out[key] = value.map(() => REDACTED);
    else if (key === 'rawQueryString' && typeof value === 'string') out[key] = redactQuery(value);
    else out[key] = redactEvent(value);
  }
  return out;
}
