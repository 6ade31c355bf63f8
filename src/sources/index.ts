/** `toCloudEvents`: detect the source of a raw payload and normalize it into CloudEvents. */
import { isTriggerError, TriggerError, tooDeep } from '../errors.js';
import { closestSource } from './closest.js';
import { detectSource, SOURCES, withResources } from './registry.js';
import { type Batch, isObject, type NormalizeOptions } from './types.js';

export { detectSource, SOURCES, sourceOf } from './registry.js';

/**
 * Normalizes any supported raw event (a Lambda event, an HTTP request, a recorded fixture) into CloudEvents,
 * with what the transport names (`resources`: queue, topic, bucket…) for the `sources` check. Throws
 * `TriggerError` `E_SOURCE_UNKNOWN` when no source recognizes the input, `E_SOURCE_INVALID` when the
 * recognized source is malformed.
 *
 * @example
 * const { source, items, resources } = toCloudEvents(sqsEvent);
 * items[0].event.type // 'com.amazonaws.sqs.message'
 * items[0].ref        // the SQS messageId
 * resources            // { queue: ['orders'] }
 */
export function toCloudEvents(raw: unknown, options: NormalizeOptions = {}): Batch {
  const source = detectSource(raw);
  if (source !== undefined) {
    try {
      return withResources(source, raw, source.normalize(raw, options));
    } catch (thrown) {
      const error = tooDeep(thrown, `the ${source.label}`);
      // A recognized input whose fields do not make a valid CloudEvent is malformed input: say so with
      // the code callers check, keeping the list of problems.
      if (!isTriggerError(error) || error.code !== 'E_CLOUDEVENT_INVALID') throw error;
      throw new TriggerError('E_SOURCE_INVALID', error.message, {
        cause: error,
        eventId: error.eventId,
        details: { status: 400, problems: error.details },
      });
    }
  }
  const closest = closestSource(raw);
  throw new TriggerError(
    'E_SOURCE_UNKNOWN',
    `No known event source matches this input: ${describeShape(raw)}. ${closest ?? HINT} ${KNOWN}`,
    {
      details: { known: SOURCES.map((s) => s.label) },
    },
  );
}

const HINT =
  'It resembles none of them: a CloudEvent needs `specversion`, an SQS batch `Records[].eventSource: "aws:sqs"`, ' +
  'an HTTP API request `version: "2.0"` with `routeKey` and `requestContext.http`.';
const KNOWN = `Known sources: ${SOURCES.map((s) => s.label).join(', ')}.`;

function describeShape(raw: unknown): string {
  if (raw === null || raw === undefined) return String(raw);
  if (Array.isArray(raw)) return `an array of ${raw.length} item(s)`;
  if (!isObject(raw)) return `a ${typeof raw}`;
  const keys = Object.keys(raw);
  const shown = keys.slice(0, 8).join(', ');
  if (Array.isArray(raw.Records) && isObject(raw.Records[0])) {
    const r = raw.Records[0];
    // SNS spells it `EventSource`: name the key that was actually there.
    const key = 'eventSource' in r || !('EventSource' in r) ? 'eventSource' : 'EventSource';
    return `an object with Records[] whose first record has ${key} ${JSON.stringify(r[key])}`;
  }
  return keys.length === 0
    ? 'an empty object'
    : `an object with keys ${shown}${keys.length > 8 ? ', …' : ''}`;
}

export type {
  Batch,
  BatchItem,
  FailureReply,
  HttpRequest,
  NormalizeOptions,
  RejectedRecord,
  SourceKind,
  Transport,
} from './types.js';
