/**
 * `triggerkit test-pattern --pattern <json|@file> --event <json|@file>`: the question EventBridge's
 * TestEventPattern answers, asked of what a handler's filter really sees. A platform event (the
 * EventBridge event `aws events test-event-pattern` takes, an SQS batch, an HTTP request…) is normalized
 * first, exactly as a handler would receive it; any other JSON is matched as it is.
 * @see ../../docs/patterns.md#what-a-pattern-sees
 */
import { detectSource, toCloudEvents } from '../sources/index.js';
import { type CompilePatternOptions, compilePattern } from './compile-pattern.js';

/**
 * One verdict per event the input becomes (one for an EventBridge event or a plain JSON value, one per
 * record of a batch). Throws `E_RULE_INVALID` for a bad pattern, `E_SOURCE_INVALID` for a platform event
 * that cannot be read.
 *
 * @example
 * testPattern({ source: ['aws.ec2'], detail: { state: ['running'] } }, ec2StateChangeEvent) // [true]
 */
export function testPattern(
  pattern: unknown,
  event: unknown,
  options: Pick<CompilePatternOptions, 'dialect'> = {},
): boolean[] {
  const matcher = compilePattern(pattern, options);
  if (detectSource(event) === undefined) return [matcher.matches(event)];
  return toCloudEvents(event).items.map((item) => matcher.matches(item.event));
}
