/**
 * The AWS X-Ray trace header and the W3C `traceparent`: one trace, two spellings. SQS's `AWSTraceHeader`
 * becomes the event's `traceparent` (`sources/aws/sqs.ts`); Lambda's `_X_AMZN_TRACE_ID` is the
 * invocation's, which a log line carries and a span falls back to when the event brought none.
 * @see https://docs.aws.amazon.com/xray/latest/devguide/xray-concepts.html#xray-concepts-tracingheader
 */

const ROOT = /^1-([0-9a-f]{8})-([0-9a-f]{24})$/;

/**
 * X-Ray `Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1` → W3C
 * `00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-01`; `undefined` without a Root and Parent.
 *
 * @example
 * traceparentFromXray(process.env._X_AMZN_TRACE_ID) // '00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-01'
 */
export function traceparentFromXray(header: unknown): string | undefined {
  if (typeof header !== 'string') return undefined;
  const fields = xrayFields(header);
  const root = ROOT.exec(fields.get('Root') ?? '');
  const parent = fields.get('Parent') ?? '';
  if (root === null || !/^[0-9a-f]{16}$/.test(parent) || /^0+$/.test(parent)) return undefined;
  const traceId = `${root[1]}${root[2]}`;
  if (/^0+$/.test(traceId)) return undefined;
  return `00-${traceId}-${parent}-${fields.get('Sampled') === '1' ? '01' : '00'}`;
}

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
