/**
 * Reading request bodies without altering them: text only when the bytes are UTF-8 (a replacement
 * character would change what the sender signed and sent), and JSON refused with a 400 when it cannot be
 * read as sent.
 */
import { TriggerError } from '../../errors.js';

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

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
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badBody(`${where} is not valid JSON (${(error as Error).message})${hint}.`, error);
  }
}

function badBody(message: string, cause?: unknown): TriggerError {
  return new TriggerError('E_SOURCE_INVALID', message, { cause, details: { status: 400 } });
}
