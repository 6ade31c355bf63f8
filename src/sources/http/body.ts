/**
 * Reading request bodies without altering them: text only when the bytes are UTF-8 (a replacement
 * character would change what the sender signed and sent), and JSON refused with a 400 when it cannot be
 * read as sent.
 */
import { TriggerError } from '../../errors.js';

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Deepest JSON nesting read from a request body (as Jackson's default). `JSON.parse` reads deeper, but
 * every later step that recurses — serializing the event for a trace, the emulator's store, a dead
 * letter — would overflow the stack on it (5,000 levels do) and answer 500 for the sender's mistake.
 */
export const MAX_JSON_DEPTH = 1000;

/** The body as text, or undefined when its bytes are not valid UTF-8. */
export function utf8Text(body: Uint8Array): string | undefined {
  try {
    return STRICT_UTF8.decode(body);
  } catch {
    return undefined;
  }
}

/**
 * A JSON body as sent: its bytes must be UTF-8 (RFC 8259 §8.1) and parse. Throws `TriggerError`
 * `E_SOURCE_INVALID` (`details.status` 400) naming `where`, and `hint` (`; send …`) on what to fix.
 *
 * @example
 * parseJsonBody(req.body, `The body of ${req.method} ${req.path}`) // { orderId: 'ord-1' }
 */
export function parseJsonBody(body: Uint8Array | string, where: string, hint = ''): unknown {
  const text = typeof body === 'string' ? body : utf8Text(body);
  if (text === undefined) {
    throw badBody(`${where} is not valid UTF-8; JSON must be sent as UTF-8 (RFC 8259 §8.1).`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw badBody(`${where} is not valid JSON (${(error as Error).message})${hint}.`, error);
  }
  if (tooDeep(text)) {
    throw badBody(
      `${where} nests JSON more than ${MAX_JSON_DEPTH} levels deep; flatten it, or send deep documents as a string.`,
    );
  }
  return value;
}

/** JSON text, or undefined when it is not JSON or nests too deep (a body read as bytes instead). */
export function tryJson(text: string): { value: unknown } | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return tooDeep(text) ? undefined : { value };
  } catch {
    return undefined;
  }
}

/**
 * A form body (`application/x-www-form-urlencoded`) as its fields, `+` a space, each `%XX` escape a UTF-8
 * byte. Unlike `URLSearchParams`, which keeps a malformed escape as text and turns bytes that are not
 * UTF-8 into U+FFFD, it refuses both: `E_SOURCE_INVALID` (400).
 *
 * @example
 * parseForm('command=%2Fdeploy&text=api+v2', 'This slack form body') // [['command', '/deploy'], ['text', 'api v2']]
 */
export function parseForm(text: string, where: string): [string, string][] {
  const fields: [string, string][] = [];
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = eq < 0 ? pair : pair.slice(0, eq);
    const value = eq < 0 ? '' : pair.slice(eq + 1);
    fields.push([formDecode(name, where), formDecode(value, where)]);
  }
  return fields;
}

function formDecode(text: string, where: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    throw badBody(
      `${where} has malformed percent-encoding (${JSON.stringify(text.slice(0, 60))}); each % must start an escape of UTF-8 bytes such as %C3%A9.`,
    );
  }
}

/** True when the JSON text opens more than MAX_JSON_DEPTH arrays or objects at once (strings skipped). */
function tooDeep(text: string): boolean {
  if (text.length <= MAX_JSON_DEPTH) return false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      // Skip a string: up to the next quote that no backslash escapes.
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 92) i++;
        else if (d === 34) break;
      }
    } else if (c === 123 || c === 91) {
      if (++depth > MAX_JSON_DEPTH) return true;
    } else if (c === 125 || c === 93) depth--;
  }
  return false;
}

function badBody(message: string, cause?: unknown): TriggerError {
  return new TriggerError('E_SOURCE_INVALID', message, { cause, details: { status: 400 } });
}
