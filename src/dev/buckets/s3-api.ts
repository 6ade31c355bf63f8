/**
 * A subset of the S3 REST API over the folder buckets, for the AWS SDK v3 and CLI with path-style
 * addressing (`forcePathStyle: true`, `--endpoint-url`): CreateBucket, HeadBucket, ListObjectsV2,
 * Put/GetBucketNotificationConfiguration, GetBucketLocation, and the object operations
 * (s3-objects.ts). Signatures are not checked. ListBuckets cannot be served: `GET /` is the emulator's
 * list of routes. Every route serves only a bucket that exists (CreateBucket: a name that may be
 * created), so bucket paths never shadow the emulator's own routes or the handlers' HTTP paths. The
 * SDK addresses a bucket as `/<bucket>/` (trailing slash): an empty key is the bucket itself.
 */
import { randomUUID } from 'node:crypto';
import type { Route, RouteRequest } from '../router.js';
import { REGION } from '../sqs/queues.js';
import type { TriggerHost } from '../triggers/host.js';
import { listObjects } from './list-objects.js';
import {
  type NotificationConfig,
  parseNotificationConfig,
  renderNotificationConfig,
} from './notifications.js';
import { configureNotifications } from './queue-destination.js';
import { objectOperations } from './s3-objects.js';
import { noSuchBucket, S3Error, sendS3Error, sendXml } from './s3-xml.js';
import type { BucketService } from './service.js';

type Handle = (request: RouteRequest, bucket: string, key: string, requestId: string) => Promise<void> | void;

/** The S3 API's routes, to append to the emulator's table (after its own routes). */
export function s3Routes(host: TriggerHost, buckets: BucketService, canPublish: boolean): Route[] {
  const objects = objectOperations(buckets);
  const exists = ({ bucket }: Readonly<Record<string, string>>) => buckets.exists(bucket ?? '');

  /** Answers S3 errors in S3's XML, with a request id on every answer. */
  function route(method: string, path: string, summary: string, handle: Handle, when = exists): Route {
    return {
      method,
      path,
      summary,
      when,
      ...(method !== 'GET' && method !== 'HEAD' && { changesState: true }),
      async handle(request) {
        const requestId = randomUUID().replaceAll('-', '').slice(0, 16).toUpperCase();
        try {
          await handle(request, request.params.bucket ?? '', request.params.key ?? '', requestId);
        } catch (error) {
          if (!(error instanceof S3Error)) throw error;
          sendS3Error(request.res, request.method, error, requestId);
        }
      },
    };
  }

  async function putBucket({ res, query, body }: RouteRequest, bucket: string, requestId: string) {
    if (query.has('notification')) {
      if (!buckets.exists(bucket)) throw noSuchBucket(bucket);
      const config = parseNotificationConfig(body.toString('utf8'));
      configureNotifications(host, buckets.store, bucket, config, canPublish);
      res.writeHead(200, { 'x-amz-request-id': requestId }).end();
      return;
    }
    const problem = buckets.problem(bucket);
    if (problem !== undefined) throw new S3Error(400, 'InvalidBucketName', `Bucket ${bucket}: ${problem}.`);
    await buckets.watch(bucket);
    res.writeHead(200, { location: `/${bucket}`, 'x-amz-request-id': requestId }).end();
  }

  async function getBucket({ res, query }: RouteRequest, bucket: string, requestId: string) {
    const headers = { 'x-amz-request-id': requestId };
    if (query.has('notification')) {
      const config = buckets.store.notification(bucket) as NotificationConfig | undefined;
      return sendXml(
        res,
        200,
        'NotificationConfiguration',
        config ? renderNotificationConfig(config) : {},
        headers,
      );
    }
    if (query.has('location')) return sendXml(res, 200, 'LocationConstraint', {}, headers);
    if (query.get('list-type') !== '2')
      throw new S3Error(501, 'NotImplemented', 'Only ListObjectsV2 (list-type=2) lists a bucket here.');
    sendXml(res, 200, 'ListBucketResult', await listObjects(buckets, bucket, query), headers);
  }

  const notDeleted = () => {
    throw new S3Error(501, 'NotImplemented', 'DeleteBucket is not served here: delete the folder.');
  };

  return [
    route(
      'PUT',
      '/:bucket/*key',
      'S3 PutObject (aws-chunked too), PutBucketNotificationConfiguration (empty key, ?notification)',
      (request, bucket, key, id) =>
        key === '' ? putBucket(request, bucket, id) : objects.put(request, bucket, key),
    ),
    // Creating a bucket takes a path no route has: only an S3 client's request (signed with this header)
    // may, so that any other request to an unknown path stays a 404.
    {
      ...route(
        'PUT',
        '/:bucket/*key',
        'S3 CreateBucket (a new bucket, empty key)',
        (request, bucket, _key, id) => putBucket(request, bucket, id),
      ),
      header: 'x-amz-content-sha256',
      when: ({ bucket, key }) =>
        key === '' &&
        bucket !== undefined &&
        !buckets.exists(bucket) &&
        buckets.problem(bucket) === undefined,
    },
    route(
      'GET',
      '/:bucket/*key',
      'S3 GetObject, ListObjectsV2 (empty key, ?list-type=2), GetBucketNotificationConfiguration',
      (request, bucket, key, id) =>
        key === '' ? getBucket(request, bucket, id) : objects.get(request, bucket, key, id),
    ),
    route('HEAD', '/:bucket/*key', 'S3 HeadObject, HeadBucket (empty key)', (request, bucket, key, id) =>
      key === ''
        ? void request.res.writeHead(200, { 'x-amz-request-id': id, 'x-amz-bucket-region': REGION }).end()
        : objects.head(request, bucket, key, id),
    ),
    route('DELETE', '/:bucket/*key', 'S3 DeleteObject', (request, bucket, key, id) =>
      key === '' ? notDeleted() : objects.remove(request, bucket, key, id),
    ),
  ];
}
