/**
 * ListObjectsV2 over a folder bucket: keys in UTF-8 byte order (as S3 lists them), `prefix`,
 * `delimiter` (common prefixes count once toward `max-keys`), `start-after`, and an opaque
 * `continuation-token` that names the last key or common prefix returned.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
 */
import { join } from 'node:path';
import { fileState, listKeys, md5OfFile } from './folders.js';
import { pathOfKey } from './keys.js';
import { S3Error } from './s3-xml.js';
import type { BucketService } from './service.js';

const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** The elements of the `ListBucketResult` answer. */
export async function listObjects(buckets: BucketService, bucket: string, query: URLSearchParams) {
  const prefix = query.get('prefix') ?? '';
  const delimiter = query.get('delimiter') ?? '';
  const maxKeys = Number(query.get('max-keys') ?? 1000);
  if (!Number.isInteger(maxKeys) || maxKeys < 0)
    throw new S3Error(400, 'InvalidArgument', 'max-keys must be a whole number from 0 to 1000.');
  const token = query.get('continuation-token');
  const after = token ? Buffer.from(token, 'base64url').toString('utf8') : (query.get('start-after') ?? '');
  const skipsPrefix = token !== null && delimiter !== '' && after.endsWith(delimiter);
  const keys = (await listKeys(buckets.folderOf(bucket)))
    .filter((k) => k.startsWith(prefix) && byBytes(k, after) > 0 && !(skipsPrefix && k.startsWith(after)))
    .sort(byBytes);

  const contents: Record<string, unknown>[] = [];
  const prefixes: string[] = [];
  let last: string | undefined;
  let truncated = false;
  for (const key of keys) {
    const at = delimiter === '' ? -1 : key.indexOf(delimiter, prefix.length);
    const common = at < 0 ? undefined : key.slice(0, at + delimiter.length);
    if (common !== undefined && common === prefixes.at(-1)) continue;
    if (contents.length + prefixes.length >= Math.min(maxKeys, 1000)) {
      truncated = true;
      break;
    }
    if (common !== undefined) prefixes.push(common);
    else contents.push(await describeObject(buckets, bucket, key));
    last = common ?? key;
  }
  const encode = query.get('encoding-type') === 'url';
  const name = (text: string) => (encode ? encodeURIComponent(text).replaceAll('%2F', '/') : text);
  return {
    Name: bucket,
    Prefix: name(prefix),
    ...(delimiter !== '' && { Delimiter: name(delimiter) }),
    MaxKeys: maxKeys,
    ...(encode && { EncodingType: 'url' }),
    KeyCount: contents.length + prefixes.length,
    IsTruncated: truncated,
    ...(token !== null && { ContinuationToken: token }),
    ...(truncated &&
      last !== undefined && { NextContinuationToken: Buffer.from(last).toString('base64url') }),
    ...(query.has('start-after') && { StartAfter: name(query.get('start-after') ?? '') }),
    Contents: contents.map((c) => ({ ...c, Key: name(c.Key as string) })),
    CommonPrefixes: prefixes.map((p) => ({ Prefix: name(p) })),
  };
}

async function describeObject(buckets: BucketService, bucket: string, key: string) {
  const path = join(buckets.folderOf(bucket), pathOfKey(key));
  const state = await fileState(path);
  const row = buckets.store.object(bucket, key);
  const known = state && row && row.size === state.size && row.mtimeMs === state.mtimeMs;
  return {
    Key: key,
    LastModified: new Date(state?.mtimeMs ?? 0).toISOString(),
    ETag: `"${known ? row.etag : await md5OfFile(path)}"`,
    Size: state?.size ?? 0,
    StorageClass: 'STANDARD',
  };
}
