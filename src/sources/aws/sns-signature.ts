/**
 * Amazon SNS message signatures. `verifySnsMessage` is pure: it takes the signing certificate (PEM) as
 * input. `fetchAndVerifySnsMessage` checks that `SigningCertURL` is an SNS certificate URL, fetches it with
 * the function it is given (inject `fetch`, a cache, or a test double), then verifies.
 *
 * Signed text: `Name\nValue\n` for each field, in this order — Notification: Message, MessageId,
 * Subject (only when present), Timestamp, TopicArn, Type; (Un)SubscriptionConfirmation: Message,
 * MessageId, SubscribeURL, Timestamp, Token, TopicArn, Type. SignatureVersion 1 is SHA1withRSA,
 * 2 is SHA256withRSA; `Signature` is base64.
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html
 */
import { verify, X509Certificate } from 'node:crypto';
import { isBase64 } from '../kit/base64.js';
import { isObject } from '../types.js';

/**
 * Why a message is refused: no signature; a signature that does not verify (or a message or certificate URL
 * that cannot be checked); a stale message or an expired certificate; a topic not on the list; a certificate
 * that could not be fetched (a transient failure: the sender may retry).
 */
export type SnsRefusal =
  | 'signature_missing'
  | 'signature_invalid'
  | 'signature_expired'
  | 'topic_denied'
  | 'certificate_unavailable';

export type SnsVerification =
  | { readonly valid: true }
  | { readonly valid: false; readonly code: SnsRefusal; readonly reason: string };

export interface SnsVerifyOptions {
  /** Now, in ms since the epoch: when given, stale messages and expired certificates are refused. */
  readonly now?: number;
  /** Oldest acceptable `Timestamp`, in ms before `now`. Default one hour. */
  readonly maxAgeMs?: number;
  /** When given, messages from any other topic are refused (AWS advises rejecting unexpected topics). */
  readonly topicArns?: readonly string[];
}

const SIGNED_FIELDS: Readonly<Record<string, readonly string[]>> = {
  Notification: ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
  SubscriptionConfirmation: [
    'Message',
    'MessageId',
    'SubscribeURL',
    'Timestamp',
    'Token',
    'TopicArn',
    'Type',
  ],
  UnsubscribeConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
};
const OPTIONAL = new Set(['Subject']);
const ALGORITHMS: Readonly<Record<string, string>> = { '1': 'sha1', '2': 'sha256' };
/**
 * SNS's own hosts, by partition: `sns.<region>.amazonaws.com` for the commercial regions and AWS GovCloud
 * (US) (`us-gov-west-1`), `sns.<region>.amazonaws.com.cn` for the China regions. The region is held to
 * AWS's region syntax (`<area>-[gov-]<direction>-<n>`), so an S3 bucket host such as
 * `sns.s3-us-west-2.amazonaws.com` (a bucket named "sns", anyone's to create) is no SNS host.
 */
const SNS_HOST =
  /^sns\.((?:(?:af|ap|ca|eu|il|me|mx|sa|us)-(?:gov-)?[a-z]+-\d{1,2})\.amazonaws\.com|cn-[a-z]+-\d{1,2}\.amazonaws\.com\.cn)$/;
const CERT_PATH = /^\/[A-Za-z0-9._/-]+\.pem$/;
const CERT_URL_PROBLEM =
  'SigningCertURL is not an https://sns.<region>.amazonaws.com/….pem URL (or sns.<region>.amazonaws.com.cn)';
const HOUR = 3_600_000;

/**
 * True for `https://sns.<region>.amazonaws.com/….pem` (and `sns.cn-<…>.amazonaws.com.cn`): the only
 * certificate URLs to fetch. Anything else could make us trust a key of the sender's choosing.
 */
export function isSnsSigningCertUrl(url: unknown): url is string {
  if (typeof url !== 'string' || !url.startsWith('https://') || !URL.canParse(url)) return false;
  const parsed = new URL(url);
  // The text itself must be the plain form: no credentials, port, query or fragment, nothing URL parsing
  // would normalize away (`%2e`, `\`, upper case).
  return (
    url === `https://${parsed.hostname}${parsed.pathname}` &&
    snsRegion(parsed.hostname) !== undefined &&
    CERT_PATH.test(parsed.pathname)
  );
}

/** The region of an SNS host name (`sns.eu-west-1.amazonaws.com` → `eu-west-1`), or undefined. */
export function snsRegion(hostname: string): string | undefined {
  return SNS_HOST.exec(hostname)?.[1]?.split('.')[0];
}

/**
 * True for the `SubscribeURL` of a confirmation from this topic: `https://sns.<region>.amazonaws.com/` (or
 * `.amazonaws.com.cn`) with `Action=ConfirmSubscription`, no port or credentials, and the region of the
 * topic's ARN. A signed message carries it, but a GET to any other host is never made on its word.
 *
 * @example
 * isSnsSubscribeUrl('https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=…&Token=…', 'arn:aws:sns:eu-west-1:210987654321:shop-alerts'); // true
 */
export function isSnsSubscribeUrl(url: unknown, topicArn: string): url is string {
  if (typeof url !== 'string' || !URL.canParse(url)) return false;
  const parsed = new URL(url);
  const region = snsRegion(parsed.hostname);
  return (
    parsed.protocol === 'https:' &&
    parsed.port === '' &&
    parsed.username === '' &&
    parsed.password === '' &&
    region !== undefined &&
    topicArn.split(':')[3] === region &&
    parsed.searchParams.get('Action') === 'ConfirmSubscription'
  );
}

/** The certificate URL of a message; Lambda records spell it `SigningCertUrl`, HTTP and SQS `SigningCertURL`. */
export function snsSigningCertUrl(message: unknown): unknown {
  return isObject(message) ? (message.SigningCertURL ?? message.SigningCertUrl) : undefined;
}

/** The exact text SNS signed, or why it cannot be built. */
export function snsStringToSign(message: unknown): { text: string } | { problem: string } {
  if (!isObject(message)) return { problem: 'the message is not a JSON object' };
  const fields = typeof message.Type === 'string' ? SIGNED_FIELDS[message.Type] : undefined;
  if (fields === undefined) return { problem: `unknown message Type ${JSON.stringify(message.Type)}` };
  let text = '';
  for (const name of fields) {
    const value = message[name];
    if ((value === undefined || value === null) && OPTIONAL.has(name)) continue;
    if (typeof value !== 'string') return { problem: `\`${name}\` must be a string` };
    text += `${name}\n${value}\n`;
  }
  return { text };
}

/** What the message checks leave to the certificate: where it is, the algorithm, the signed text, the signature bytes. */
interface Signed {
  readonly certificateUrl: string;
  readonly algorithm: string;
  readonly text: string;
  readonly signature: Buffer;
}

const refused = (reason: string, code: SnsRefusal = 'signature_invalid'): SnsVerification => ({
  valid: false,
  code,
  reason,
});

/** Every check that needs no certificate, so a request that fails one never causes a fetch. */
function checkMessage(message: unknown, options: SnsVerifyOptions): Signed | SnsVerification {
  if (!isObject(message)) return refused('the message is not a JSON object');
  if (message.Signature === undefined || message.Signature === null || message.Signature === '') {
    return refused('the message has no `Signature`', 'signature_missing');
  }
  const algorithm =
    typeof message.SignatureVersion === 'string' ? ALGORITHMS[message.SignatureVersion] : undefined;
  if (algorithm === undefined) {
    return refused(
      `unsupported SignatureVersion ${JSON.stringify(message.SignatureVersion)} (expected "1" or "2")`,
    );
  }
  const certificateUrl = snsSigningCertUrl(message);
  if (!isSnsSigningCertUrl(certificateUrl)) return refused(CERT_URL_PROBLEM);
  if (typeof message.Signature !== 'string' || message.Signature === '' || !isBase64(message.Signature)) {
    return refused('`Signature` must be a base64 string');
  }
  const signed = snsStringToSign(message);
  if ('problem' in signed) return refused(signed.problem);
  if (options.topicArns !== undefined && !options.topicArns.includes(String(message.TopicArn))) {
    return refused(`unexpected TopicArn ${JSON.stringify(message.TopicArn)}`, 'topic_denied');
  }
  if (options.now !== undefined) {
    const sent = typeof message.Timestamp === 'string' ? Date.parse(message.Timestamp) : Number.NaN;
    if (Number.isNaN(sent)) return refused('`Timestamp` is not a date');
    if (options.now - sent > (options.maxAgeMs ?? HOUR))
      return refused(`the message is too old (${message.Timestamp})`, 'signature_expired');
  }
  return {
    certificateUrl,
    algorithm,
    text: signed.text,
    signature: Buffer.from(message.Signature, 'base64'),
  };
}

/**
 * Verifies an SNS message against the signing certificate (or public key) in PEM form.
 *
 * @example
 * const check = verifySnsMessage(JSON.parse(body), certificatePem, { now: Date.now() });
 * if (!check.valid) throw new Error(`SNS signature: ${check.reason}`);
 */
export function verifySnsMessage(
  message: unknown,
  certificatePem: string,
  options: SnsVerifyOptions = {},
): SnsVerification {
  const checked = checkMessage(message, options);
  return 'valid' in checked ? checked : verifySigned(checked, certificatePem, options);
}

function verifySigned(signed: Signed, certificatePem: string, options: SnsVerifyOptions): SnsVerification {
  try {
    if (options.now !== undefined && certificatePem.includes('BEGIN CERTIFICATE')) {
      const certificate = new X509Certificate(certificatePem);
      if (options.now < Date.parse(certificate.validFrom) || options.now > Date.parse(certificate.validTo)) {
        return refused(
          `the signing certificate is not valid now (${certificate.validFrom} – ${certificate.validTo})`,
          'signature_expired',
        );
      }
    }
    return verify(signed.algorithm, Buffer.from(signed.text, 'utf8'), certificatePem, signed.signature)
      ? { valid: true }
      : refused('the signature does not match');
  } catch (error) {
    return refused(
      `the certificate cannot be read (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}

/**
 * Checks the message and its `SigningCertURL`, then fetches the certificate with `fetchCertificate` (only
 * for a valid SNS URL, and only once every check that needs no certificate has passed) and verifies.
 * `now` defaults to the current time here, so stale messages are refused.
 *
 * @example
 * const cache = new Map<string, Promise<string>>();
 * const fetchCertificate = (url: string) =>
 *   cache.get(url) ?? cache.set(url, fetch(url).then((r) => r.text())).get(url)!;
 * const check = await fetchAndVerifySnsMessage(message, fetchCertificate);
 */
export async function fetchAndVerifySnsMessage(
  message: unknown,
  fetchCertificate: (url: string) => Promise<string>,
  options: SnsVerifyOptions = {},
): Promise<SnsVerification> {
  const at = { ...options, now: options.now ?? Date.now() };
  const checked = checkMessage(message, at);
  if ('valid' in checked) return checked;
  let pem: string;
  try {
    pem = await fetchCertificate(checked.certificateUrl);
  } catch (error) {
    return refused(
      `the signing certificate could not be fetched (${error instanceof Error ? error.message : String(error)})`,
      'certificate_unavailable',
    );
  }
  return verifySigned(checked, pem, at);
}
