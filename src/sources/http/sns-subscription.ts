/**
 * Amazon SNS HTTP(S) subscriptions on an HTTP source declared with `verify: { provider: 'sns' }`. Two
 * steps, because the signature needs a certificate from the network and `toCloudEvents` is pure:
 *
 * 1. `snsRequestToBatch` (pure, inside `toCloudEvents`) reads the delivery (`x-amz-sns-message-type`, the
 *    SNS JSON body) into the CloudEvents the Lambda SNS source makes, and returns a batch that refuses to
 *    run (`500 signature_unchecked`, no items) and remembers what is left to check.
 * 2. `settleHttpBatch` (asynchronous; the Lambda adapter calls it, and the emulator's HTTP routes run
 *    through that adapter) fetches the certificate (`sns.<region>.amazonaws.com` only, cached per URL),
 *    verifies, and answers: a Notification's events run; a SubscriptionConfirmation is confirmed (a GET of
 *    its `SubscribeURL`, host checked) and answered 200; an UnsubscribeConfirmation is answered 200; a
 *    refusal is 403 with the reason, and nothing is confirmed. Confirmations never reach the handler.
 * @see https://docs.aws.amazon.com/sns/latest/dg/SendMessageToHttp.prepare.html
 */
import { X509Certificate } from 'node:crypto';
import { isTriggerError } from '../../errors.js';
import { classifySnsHttpMessage, readSnsHttpBody, type SnsHttpMessage, type SnsMessage } from '../aws/sns.js';
import { fetchAndVerifySnsMessage, isSnsSubscribeUrl } from '../aws/sns-signature.js';
import type { Batch, HttpRequest, SourceKind } from '../types.js';
import { controlBatch, eventBatch } from './batch.js';
import { utf8Text } from './body.js';
import { denialResponse } from './check.js';
import { invalidRequest } from './envelope.js';
import { deny } from './guards.js';
import type { SnsHttpVerification } from './options.js';
import { controlOk } from './webhooks/provider.js';

type Fetch = (url: string) => Promise<string>;

interface Pending {
  /** The envelope only: the `Message` of an unverified request is not read. */
  readonly message: SnsMessage;
  readonly verification: SnsHttpVerification;
}

/**
 * Batches waiting for their SNS signature, by identity: the `Batch` every source shares needs no field
 * for what only this one HTTP provider does, and a batch not made here is never taken for one.
 */
const PENDING = new WeakMap<Batch, Pending>();

const DEFAULT_MAX_AGE_SECONDS = 3600;
const FETCH_TIMEOUT_MS = 5000;
/** Certificates kept per fetcher. SNS signs with one certificate per region at a time; 32 is plenty. */
const CACHE_LIMIT = 32;

/** SNS names the message type in a header on every delivery (and the body's `Type` must agree). */
export function isSnsDelivery(req: HttpRequest): boolean {
  return req.headers['x-amz-sns-message-type'] !== undefined;
}

/**
 * The pure step: the delivery read, nothing trusted yet. Throws `E_SOURCE_INVALID` (400) for a body that
 * is not an SNS message.
 *
 * @example
 * const batch = snsRequestToBatch(source.kind, req, { provider: 'sns' });
 * batch.control?.statusCode; // 500 until settleHttpBatch(batch) has checked the signature
 */
export function snsRequestToBatch(
  kind: SourceKind,
  req: HttpRequest,
  verification: SnsHttpVerification,
): Batch {
  if (!isSnsDelivery(req)) {
    return refusal(
      kind,
      req,
      403,
      'signature_missing',
      `${req.path} takes Amazon SNS deliveries (verify.provider 'sns') and this request has no ` +
        'x-amz-sns-message-type header; SNS sends one with every message',
    );
  }
  const text = utf8Text(req.body);
  if (text === undefined)
    throw invalidRequest('The SNS request body is not valid UTF-8; SNS sends JSON as UTF-8.');
  const message = readSnsHttpBody(text, req.headers);
  const batch = refusal(
    kind,
    req,
    500,
    'signature_unchecked',
    "the SNS signature has not been checked: pass the batch to settleHttpBatch (from 'triggerkit') " +
      'before running it; handlers made with defineHandler do',
  );
  PENDING.set(batch, { message, verification });
  return batch;
}

/**
 * The asynchronous step after `toCloudEvents`: any other batch is returned as it is. Never throws; a
 * refused delivery becomes a `control` answer — 403 with the reason (`signature_missing`,
 * `signature_invalid`, `signature_expired`, `topic_denied`, `subscribe_url_denied`), 503 when the
 * certificate could not be fetched and 502 when the confirmation GET failed (the subscription stays pending).
 *
 * @example
 * const batch = await settleHttpBatch(toCloudEvents(raw, { http: source, now }), now);
 * if (batch.control) return batch.control; // 200 for a confirmed subscription, 403 for a bad signature
 */
export async function settleHttpBatch(batch: Batch, now: number = Date.now()): Promise<Batch> {
  const pending = PENDING.get(batch);
  if (pending === undefined || batch.http === undefined) return batch;
  const { verification } = pending;
  const { source: kind, http: req } = batch;
  const check = await fetchAndVerifySnsMessage(
    pending.message,
    cached(verification.fetchCertificate ?? fetchCertificate),
    {
      now,
      topicArns: verification.topicArns,
      maxAgeMs: (verification.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS) * 1000,
    },
  );
  if (!check.valid) {
    const status = check.code === 'certificate_unavailable' ? 503 : 403;
    return refusal(kind, req, status, check.code, `SNS ${pending.message.Type}: ${check.reason}`);
  }
  let message: SnsHttpMessage;
  try {
    message = classifySnsHttpMessage(pending.message, req.headers);
  } catch (error) {
    if (!isTriggerError(error)) throw error;
    return refusal(kind, req, 400, error.code, error.message);
  }
  switch (message.kind) {
    case 'notification':
      // A notification that is itself a control message (an S3 test event) has nothing to run.
      return message.events.length === 0
        ? controlBatch(kind, req, controlOk({ delivered: 0, messageId: message.message.MessageId }))
        : eventBatch(kind, req, message.events);
    case 'subscription-confirmation':
      return confirm(kind, req, message.subscribeUrl, message.topicArn, verification);
    case 'unsubscribe-confirmation':
      return controlBatch(kind, req, controlOk({ unsubscribed: message.topicArn }));
  }
}

async function confirm(
  kind: SourceKind,
  req: HttpRequest,
  url: string,
  topicArn: string,
  verification: SnsHttpVerification,
): Promise<Batch> {
  if (!isSnsSubscribeUrl(url, topicArn)) {
    return refusal(
      kind,
      req,
      403,
      'subscribe_url_denied',
      `SNS SubscriptionConfirmation: SubscribeURL is not an https://sns.<region>.amazonaws.com/?Action=ConfirmSubscription URL in the region of ${topicArn}`,
    );
  }
  try {
    await (verification.confirmSubscription ?? getSubscribeUrl)(url);
  } catch (error) {
    return refusal(
      kind,
      req,
      502,
      'confirmation_failed',
      `confirming the subscription to ${topicArn} failed (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  return controlBatch(kind, req, controlOk({ confirmed: topicArn }));
}

function refusal(kind: SourceKind, req: HttpRequest, status: number, code: string, reason: string): Batch {
  return controlBatch(kind, req, denialResponse(deny(status, code, reason)));
}

/** Certificates by URL, per fetcher (an injected one is cached too); a failed fetch is tried again next time. */
const caches = new WeakMap<Fetch, Map<string, Promise<string>>>();

function cached(fetcher: Fetch): Fetch {
  let cache = caches.get(fetcher);
  if (cache === undefined) {
    cache = new Map();
    caches.set(fetcher, cache);
  }
  const store = cache;
  return (url) => {
    const hit = store.get(url);
    if (hit !== undefined) return hit;
    if (store.size >= CACHE_LIMIT) store.delete(store.keys().next().value as string);
    const fetched = fetcher(url);
    store.set(url, fetched);
    fetched.catch(() => {
      if (store.get(url) === fetched) store.delete(url);
    });
    return fetched;
  };
}

/** No redirects: the host was checked, and a redirect could lead anywhere. */
async function get(url: string): Promise<Response> {
  const response = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  if (!response.ok)
    throw new Error(`GET ${new URL(url).origin}${new URL(url).pathname} answered ${response.status}`);
  return response;
}

/** Only a readable certificate is returned (and so cached); anything else is an unavailable one. */
async function fetchCertificate(url: string): Promise<string> {
  const pem = await (await get(url)).text();
  try {
    new X509Certificate(pem);
  } catch {
    throw new Error(`${url} did not answer with a PEM certificate`);
  }
  return pem;
}

async function getSubscribeUrl(url: string): Promise<void> {
  await (await get(url)).arrayBuffer();
}
