/**
 * The S3 object operations over a folder bucket: PutObject (plain or `aws-chunked`, the SDK's default
 * checksum streaming), GetObject, HeadObject, DeleteObject. Writes go through the ledger, so an API
 * write is announced once, as a dropped file is, and the answer's `x-amz-request-id` is the one its
 * notification names.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { RouteRequest } from '../router.js';
import { fileState, md5OfFile } from './folders.js';
import { keyProblem, pathOfKey } from './keys.js';
import { requestIdOf } from './records.js';
import { decodeAwsChunked, noSuchKey, S3Error } from './s3-xml.js';
import type { BucketService } from './service.js';

export function objectOperations(buckets: BucketService) {
  /** The object's file and its headers now, or NoSuchKey. */
  async function objectOf(bucket: string, key: string) {
    const path = join(buckets.folderOf(bucket), pathOfKey(key));
    const state = keyProblem(key) === undefined ? await fileState(path) : undefined;
    if (state === undefined) throw noSuchKey(key);
    const row = buckets.store.object(bucket, key);
    const known = row !== undefined && row.size === state.size && row.mtimeMs === state.mtimeMs;
    return {
      path,
      headers: {
        'content-type': (known && row.contentType) || 'binary/octet-stream',
        'content-length': String(state.size),
        etag: `"${known ? row.etag : await md5OfFile(path)}"`,
        'last-modified': new Date(state.mtimeMs).toUTCString(),
        'accept-ranges': 'bytes',
      },
    };
  }

  /** The bytes of a PutObject body: an `aws-chunked` one decoded, its length and Content-MD5 checked. */
  function payloadOf({ req, body }: RouteRequest): Buffer {
    const chunked =
      String(req.headers['content-encoding'] ?? '').includes('aws-chunked') ||
      String(req.headers['x-amz-content-sha256'] ?? '').startsWith('STREAMING-');
    const bytes = chunked ? decodeAwsChunked(body) : body;
    const declared = req.headers['x-amz-decoded-content-length'];
    if (chunked && declared !== undefined && Number(declared) !== bytes.length)
      throw new S3Error(
        400,
        'IncompleteBody',
        `The body has ${bytes.length} bytes, not the ${declared} announced.`,
      );
    const sent = req.headers['content-md5'];
    if (typeof sent === 'string' && createHash('md5').update(bytes).digest('base64') !== sent)
      throw new S3Error(400, 'BadDigest', 'The Content-MD5 you specified did not match what was received.');
    return bytes;
  }

  return {
    async put(request: RouteRequest, bucket: string, key: string): Promise<void> {
      const problem = keyProblem(key);
      if (problem !== undefined)
        throw new S3Error(400, 'InvalidArgument', `Key ${JSON.stringify(key)}: ${problem}.`);
      if (request.req.headers['x-amz-copy-source'] !== undefined)
        throw new S3Error(501, 'NotImplemented', 'CopyObject is not served here; get the object and put it.');
      const bytes = payloadOf(request);
      const etag = createHash('md5').update(bytes).digest('hex');
      const type = request.req.headers['content-type'];
      const change = await buckets.ledger.put(
        bucket,
        key,
        bytes,
        etag,
        typeof type === 'string' ? type : null,
      );
      request.res.writeHead(200, { etag: `"${etag}"`, 'x-amz-request-id': requestIdOf(change) }).end();
    },
    async get({ res }: RouteRequest, bucket: string, key: string, requestId: string): Promise<void> {
      const object = await objectOf(bucket, key);
      res.writeHead(200, { ...object.headers, 'x-amz-request-id': requestId });
      await new Promise<void>((resolve, reject) => {
        createReadStream(object.path).on('error', reject).on('end', resolve).pipe(res);
      });
    },
    async head({ res }: RouteRequest, bucket: string, key: string, requestId: string): Promise<void> {
      const object = await objectOf(bucket, key);
      res.writeHead(200, { ...object.headers, 'x-amz-request-id': requestId }).end();
    },
    /** S3 answers 204 whether or not the key existed; only an existing object is announced. */
    async remove({ res }: RouteRequest, bucket: string, key: string, requestId: string): Promise<void> {
      const change = keyProblem(key) === undefined ? await buckets.ledger.remove(bucket, key) : undefined;
      res.writeHead(204, { 'x-amz-request-id': change ? requestIdOf(change) : requestId }).end();
    },
  };
}
