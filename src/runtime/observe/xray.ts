/**
 * The AWS X-Ray trace header and the W3C `traceparent`: one trace, two spellings. SQS's `AWSTraceHeader`
 * becomes the event's `traceparent` (`sources/aws/sqs.ts`); Lambda's `_X_AMZN_TRACE_ID` is the
 * invocation's, which a log line carries and a span falls back to when the event brought none.
 * @see https://docs.aws.amazon.com/xray/latest/devguide/xray-concepts.html#xray-concepts-tracingheader
 */

const ROOT = /^1-([0-9a-f]{8})-([0-9a-f]{24})$/;

/** X-Ray trace header → W3C `traceparent`: the sources' reader (SQS records run it once each). */
export { traceparentFromXray } from '../../sources/aws/xray.js';

/**
 * The `Root` of an X-Ray trace header (`1-5759e988-bd862e3fe1be46a994272793`), as Powertools logs it in
 * `xray_trace_id` and the X-Ray console searches it; `undefined` when the header has none.
 */
export function xrayRootOf(header: unknown): string | undefined {
  if (typeof header !== 'string') return undefined;
  const root = xrayFields(header).get('Root');
  return root !== undefined && ROOT.test(root) ? root : undefined;
}

/** The trace id of a W3C `traceparent` (32 hex digits), or `undefined` when it is not one. */
export function traceIdOf(traceparent: unknown): string | undefined {
  if (typeof traceparent !== 'string') return undefined;
  const match = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(traceparent);
  return match?.[1];
}

function xrayFields(header: string): Map<string, string> {
  return new Map(
    header.split(';').map((part) => {
      const at = part.indexOf('=');
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const;
    }),
  );
}
