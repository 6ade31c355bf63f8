/**
 * What FC hands an event handler is bytes: the trigger's JSON (OSS, SLS, MNS, timer, CDN, HTTP,
 * EventBridge), or CBOR (Tablestore streams). JSON is parsed here; other bytes go on as they are, for
 * the source that reads them (the Tablestore source decodes its CBOR), so only a bundle that declares
 * that source carries the decoder.
 */
import { TriggerError } from '../../errors.js';

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/**
 * The event FC passed, decoded: a `Buffer` (or any byte array, or a string) of JSON is parsed; other
 * bytes are handed on as a `Buffer` (a Tablestore batch's CBOR; else `toCloudEvents` names them an
 * unknown source). An already-parsed object (a local caller) is taken as it is.
 *
 * @example
 * decodeFcEvent(Buffer.from('{"triggerName":"t","triggerTime":"2025-01-01T00:00:00Z"}')) // { triggerName: 't', … }
 */
export function decodeFcEvent(event: unknown): unknown {
  if (typeof event === 'string') return parseJson(event);
  if (!(event instanceof Uint8Array)) return event;
  let first = 0;
  while (first < event.length && WHITESPACE.has(event[first] as number)) first++;
  const head = event[first];
  if (head === undefined) {
    throw new TriggerError(
      'E_SOURCE_UNKNOWN',
      'The FC event is empty: invoke the function with the event its trigger sends (a JSON payload), or test it with a recorded one.',
    );
  }
  if (head === OPEN_BRACE || head === OPEN_BRACKET) return parseJson(Buffer.from(event).toString('utf8'));
  return Buffer.isBuffer(event) ? event : Buffer.from(event);
}

function parseJson(text: string): unknown {
  const start = text.trimStart()[0];
  if (start !== '{' && start !== '[') return text;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new TriggerError(
      'E_SOURCE_INVALID',
      `The FC event starts like JSON but does not parse (${(error as Error).message}); send valid JSON, as FC's triggers do.`,
      { cause: error },
    );
  }
}
