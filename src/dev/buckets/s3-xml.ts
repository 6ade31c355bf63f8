/**
 * S3's REST-XML wire format for the emulator's S3 API subset: answers, S3's XML errors, the
 * `aws-chunked` body encoding of streamed uploads, and the one XML document read
 * (`NotificationConfiguration`). Signatures are not checked.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
 */
import type { ServerResponse } from 'node:http';

export const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** An answer in S3's error format: `<Error><Code>NoSuchKey</Code>…`. */
export class S3Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'S3Error';
  }
}

export const noSuchBucket = (bucket: string) =>
  new S3Error(404, 'NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucket });
export const noSuchKey = (key: string) =>
  new S3Error(404, 'NoSuchKey', 'The specified key does not exist.', { Key: key });

/** Named entities, as S3 writes them (the SDK's parser reads these, not numeric ones). */
const ESCAPES: Record<string, string> = {
  '<': '&lt;',
  '>': '&gt;',
  '&': '&amp;',
  "'": '&apos;',
  '"': '&quot;',
};
export const escapeXml = (text: string): string =>
  text.replace(/[<>&'"\r]/g, (c) => ESCAPES[c] ?? `&#${c.charCodeAt(0)};`);

/** `<Name>value</Name>` for each defined field, in order (arrays repeat the element). */
export function element(name: string, value: unknown): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.map((v) => element(name, v)).join('');
  if (typeof value === 'object' && value !== null)
    return `<${name}>${Object.entries(value)
      .map(([k, v]) => element(k, v))
      .join('')}</${name}>`;
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** Sends an XML document whose root is `root` with S3's namespace. */
export function sendXml(
  res: ServerResponse,
  status: number,
  root: string,
  content: Record<string, unknown>,
  headers: Record<string, string> = {},
): void {
  const inner = Object.entries(content)
    .map(([k, v]) => element(k, v))
    .join('');
  const text = `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${S3_XMLNS}">${inner}</${root}>`;
  res.writeHead(status, {
    'content-type': 'application/xml',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Sends `error` as S3 does; a HEAD answer has no body (the SDK reads the status alone). */
export function sendS3Error(res: ServerResponse, method: string, error: S3Error, requestId: string): void {
  if (method === 'HEAD') {
    res.writeHead(error.status, { 'x-amz-request-id': requestId }).end();
    return;
  }
  const text =
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${element('Code', error.code)}${element('Message', error.message)}` +
    `${Object.entries(error.fields)
      .map(([k, v]) => element(k, v))
      .join('')}${element('RequestId', requestId)}</Error>`;
  res.writeHead(error.status, {
    'content-type': 'application/xml',
    'content-length': Buffer.byteLength(text),
    'x-amz-request-id': requestId,
  });
  res.end(text);
}

/**
 * The payload of an `aws-chunked` body: `<hex size>[;chunk-signature=…]\r\n<bytes>\r\n` chunks up to a
 * zero-size one, then optional trailers (`x-amz-checksum-crc32:…`), which are not checked.
 */
export function decodeAwsChunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = body.indexOf('\r\n', at);
    const size =
      eol < 0 ? Number.NaN : Number.parseInt(body.toString('latin1', at, eol).split(';')[0] ?? '', 16);
    if (!Number.isInteger(size) || size < 0)
      throw new S3Error(
        400,
        'IncompleteBody',
        `The aws-chunked body has no valid chunk header at byte ${at}.`,
      );
    at = eol + 2;
    if (size === 0) return Buffer.concat(parts);
    if (at + size + 2 > body.length || body[at + size] !== 13 || body[at + size + 1] !== 10)
      throw new S3Error(400, 'IncompleteBody', `The aws-chunked body ends inside a chunk of ${size} bytes.`);
    parts.push(body.subarray(at, at + size));
    at += size + 2;
  }
}

/** The inner XML of each `<name>…</name>` in `xml` (no nesting of the same name). */
export function elements(xml: string, name: string): string[] {
  const pattern = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`, 'g');
  return [...xml.matchAll(pattern)].map((match) => match[1] ?? '');
}

/** The text of each `<name>…</name>` leaf in `xml`, entities resolved. */
export const texts = (xml: string, name: string): string[] => elements(xml, name).map(unescapeXml);

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };
function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, entity: string) => {
    if (entity.startsWith('#x') || entity.startsWith('#X'))
      return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number(entity.slice(1)));
    return ENTITIES[entity] ?? whole;
  });
}
