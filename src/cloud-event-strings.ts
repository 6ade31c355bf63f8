/**
 * What CloudEvents strings may hold (CloudEvents 1.0 §3.1.1 "Type System"). `source` is a URI-reference
 * (RFC 3986 §4.1): what we receive must be one, and what we build from platform fields (a request path
 * with a space, a log group with two `#`) is percent-encoded until it is one. No String holds a control
 * character, a surrogate or a noncharacter.
 * @see https://www.rfc-editor.org/rfc/rfc3986#section-4.1
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md#type-system
 */

/** Every character RFC 3986 allows anywhere in a URI: unreserved, reserved, and `%` (checked apart). */
const URI_CHARACTERS = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]*$/;
const BAD_PERCENT = /%(?![0-9A-Fa-f]{2})/;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*$/;
const BRACKET = /[[\]]/;
const IP_LITERAL = /^\[(?:[0-9A-Fa-f:.]+|v[0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+)\](?::\d*)?$/;
const REG_NAME_PORT = /^[^:[\]]*(?::\d*)?$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** Characters pass 1 keeps: what a URI may hold, `%` only before two hex digits. */
const NOT_KEPT = /%(?![0-9A-Fa-f]{2})|[^A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]/gu;
/** Characters pass 2 keeps: a path segment's, without `:` and `@`, so the result is always a relative path. */
const NOT_SEGMENT = /%(?![0-9A-Fa-f]{2})|[^A-Za-z0-9\-._~!$&'()*+,;=%]/gu;

/**
 * True when `text` is a URI-reference: an absolute URI (`https://…`, `urn:…`, `arn:aws:sqs:…`) or a
 * relative reference (`/webhooks/orders`, `aws.s3`).
 *
 * @example
 * isUriReference('/webhooks/orders') // true
 * isUriReference('/my hook')         // false: a space must be written %20
 */
export function isUriReference(text: string): boolean {
  if (!URI_CHARACTERS.test(text) || BAD_PERCENT.test(text)) return false;
  const hash = text.indexOf('#');
  const beforeFragment = hash < 0 ? text : text.slice(0, hash);
  if (hash >= 0 && (text.includes('#', hash + 1) || BRACKET.test(text.slice(hash + 1)))) return false;
  const question = beforeFragment.indexOf('?');
  const hier = question < 0 ? beforeFragment : beforeFragment.slice(0, question);
  if (question >= 0 && BRACKET.test(beforeFragment.slice(question + 1))) return false;
  let rest = hier;
  const colon = hier.indexOf(':');
  const slash = hier.indexOf('/');
  // A colon before the first slash ends a scheme; a relative reference's first segment has none.
  if (colon >= 0 && (slash < 0 || colon < slash)) {
    if (!SCHEME.test(hier.slice(0, colon))) return false;
    rest = hier.slice(colon + 1);
  }
  if (!rest.startsWith('//')) return !BRACKET.test(rest);
  const end = rest.indexOf('/', 2);
  const authority = end < 0 ? rest.slice(2) : rest.slice(2, end);
  if (end >= 0 && BRACKET.test(rest.slice(end))) return false;
  const at = authority.indexOf('@');
  if (at >= 0 && (authority.includes('@', at + 1) || BRACKET.test(authority.slice(0, at)))) return false;
  const hostPort = authority.slice(at + 1);
  return hostPort.startsWith('[') ? IP_LITERAL.test(hostPort) : REG_NAME_PORT.test(hostPort);
}

/**
 * `text` as a URI-reference: unchanged when it is one; else every character a URI cannot hold
 * percent-encoded as UTF-8 (a `%` that starts no escape becomes `%25`, a second `#` `%23`); and when the
 * structure is still broken (a colon where no scheme can be, a bad port), every reserved character but
 * `/` encoded too. Lone surrogates, which have no UTF-8, become U+FFFD first.
 *
 * @example
 * toUriReference('/my hook')       // '/my%20hook'
 * toUriReference('/aws/logs#a#b')  // '/aws/logs#a%23b'
 */
export function toUriReference(text: string): string {
  if (isUriReference(text)) return text;
  const wellFormed = text.replace(LONE_SURROGATE, '\uFFFD');
  const first = wellFormed.replace(NOT_KEPT, encode);
  const hash = first.indexOf('#');
  const kept = hash < 0 ? first : first.slice(0, hash + 1) + first.slice(hash + 1).replaceAll('#', '%23');
  if (isUriReference(kept)) return kept;
  return wellFormed
    .split('/')
    .map((segment) => segment.replace(NOT_SEGMENT, encode))
    .join('/');
}

function encode(character: string): string {
  return character === '%' ? '%25' : encodeURIComponent(character);
}

/**
 * What a CloudEvents String must not hold (spec §3.1.1 "Type System"): control characters (U+0000–U+001F,
 * U+007F–U+009F), surrogate code points (a lone surrogate in JS), noncharacters.
 */
export const NOT_A_STRING_CHARACTER = /[\p{Cc}\p{Cs}\p{Noncharacter_Code_Point}]/u;

/** Why a string attribute breaks the type system, or undefined. */
export function textProblem(name: string, value: string): string | undefined {
  const bad = NOT_A_STRING_CHARACTER.exec(value);
  if (bad === null) return undefined;
  const code = (bad[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
  const kind = /\p{Cs}/u.test(bad[0])
    ? 'a lone surrogate'
    : /\p{Cc}/u.test(bad[0])
      ? 'a control character'
      : 'a noncharacter';
  return `\`${name}\` holds ${kind} (U+${code}), which CloudEvents strings may not contain; remove it, or carry such text in \`data\``;
}
