/**
 * X-Ray trace header → W3C `traceparent`, for SQS records (`attributes.AWSTraceHeader`). Runs once per
 * record, so the header Lambda writes — `Root=1-<8 hex>-<24 hex>;Parent=<16 hex>;Sampled=<0|1>`, maybe
 * followed by `;Lineage=…` — is read in place, without splitting it; any other shape goes through the
 * general reader, which gives the same answer for those headers too (a property test holds them equal).
 * @see https://docs.aws.amazon.com/xray/latest/devguide/xray-concepts.html#xray-concepts-tracingheader
 */

/**
 * X-Ray `Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1` → W3C
 * `00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-01`; `undefined` without a Root and Parent.
 */
export function traceparentFromXray(header: unknown): string | undefined {
  if (typeof header !== 'string') return undefined;
  return canonical(header) ?? traceparentFromFields(header);
}

// Offsets in `Root=1-xxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx;Parent=xxxxxxxxxxxxxxxx;Sampled=x`.
const ROOT = 'Root=1-';
const PARENT = ';Parent=';
const SAMPLED = ';Sampled=';
const LINEAGE = ';Lineage=';
const EPOCH_AT = 7;
const RANDOM_AT = 16;
const PARENT_AT = 48;
const SAMPLED_AT = 73;
const LENGTH = 74;

/**
 * The header as Lambda writes it, or `null` when it has any other shape (then the general reader
 * decides). `undefined` when it has the shape but no usable trace (an all-zero id or parent).
 */
function canonical(h: string): string | undefined | null {
  if (h.length < LENGTH || !h.startsWith(ROOT) || h.charCodeAt(15) !== 45 /* - */) return null;
  if (!h.startsWith(PARENT, 40) || !h.startsWith(SAMPLED, 64)) return null;
  const sampled = h.charCodeAt(SAMPLED_AT);
  if (sampled !== 48 && sampled !== 49 /* 0 or 1 */) return null;
  // Only a Lineage may follow: a later Root, Parent or Sampled would win over the ones read here.
  if (h.length > LENGTH && (!h.startsWith(LINEAGE, LENGTH) || h.indexOf(';', LENGTH + 1) !== -1)) return null;
  const epochZero = lowerHex(h, EPOCH_AT, 15);
  const randomZero = lowerHex(h, RANDOM_AT, 40);
  const parentZero = lowerHex(h, PARENT_AT, 64);
  if (epochZero === -1 || randomZero === -1 || parentZero === -1) return null;
  if (parentZero === 1 || (epochZero === 1 && randomZero === 1)) return undefined;
  return `00-${h.slice(EPOCH_AT, 15)}${h.slice(RANDOM_AT, 40)}-${h.slice(PARENT_AT, 64)}-0${sampled === 49 ? 1 : 0}`;
}

/** `-1` unless `h[from, to)` is lowercase hex; else `1` when every digit is 0, `0` otherwise. */
function lowerHex(h: string, from: number, to: number): number {
  let zero = 1;
  for (let i = from; i < to; i++) {
    const c = h.charCodeAt(i);
    if (c === 48) continue;
    if ((c < 49 || c > 57) && (c < 97 || c > 102)) return -1;
    zero = 0;
  }
  return zero;
}

/** Any header: `;`-separated `key=value` fields, trimmed, the last of a key winning. */
export function traceparentFromFields(header: string): string | undefined {
  const fields = new Map(
    header.split(';').map((part) => {
      const at = part.indexOf('=');
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const;
    }),
  );
  const root = /^1-([0-9a-f]{8})-([0-9a-f]{24})$/.exec(fields.get('Root') ?? '');
  const parent = fields.get('Parent') ?? '';
  if (root === null || !/^[0-9a-f]{16}$/.test(parent) || /^0+$/.test(parent)) return undefined;
  const traceId = `${root[1]}${root[2]}`;
  if (/^0+$/.test(traceId)) return undefined;
  return `00-${traceId}-${parent}-${fields.get('Sampled') === '1' ? '01' : '00'}`;
}
