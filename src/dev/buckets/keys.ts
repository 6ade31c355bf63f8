/**
 * Bucket names and object keys in a folder bucket: which names a bucket may have here, how a key maps
 * to a file below the bucket's folder (and back), and how S3 spells a key in a notification.
 */
import { sep } from 'node:path';

/** The temporary file an API upload is written to before it is renamed into place: never an object. */
export const UPLOAD_PREFIX = '.triggerkit-upload-';

/**
 * S3's rules for bucket names (3–63 characters: lower-case letters, digits, dots and hyphens, starting
 * and ending with a letter or digit, not an IP address).
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
 */
export function bucketNameProblem(name: string): string | undefined {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name))
    return 'a bucket name is 3 to 63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit';
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name) || name.includes('..'))
    return 'a bucket name is not an IP address and has no two dots in a row';
  return undefined;
}

/**
 * Why `key` cannot be a file below a bucket's folder, or undefined. S3 takes any UTF-8 key up to 1,024
 * bytes; a folder cannot hold a key that ends with `/`, has an empty, `.` or `..` segment, or a NUL.
 */
export function keyProblem(key: string): string | undefined {
  if (key === '' || Buffer.byteLength(key) > 1024) return 'an object key is 1 to 1,024 bytes of UTF-8';
  const segments = key.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..' || s.includes('\0')))
    return 'a folder bucket holds keys whose `/`-separated parts are not empty, `.` or `..` (no trailing `/`)';
  if (segments.some((s) => s.startsWith(UPLOAD_PREFIX)))
    return `keys starting with ${UPLOAD_PREFIX} are the emulator's unfinished uploads`;
  return undefined;
}

/** The object key of a file, from its path relative to the bucket's folder. */
export const keyOfPath = (relative: string): string =>
  sep === '/' ? relative : relative.split(sep).join('/');

/** The path of a key relative to the bucket's folder (the key must have no `keyProblem`). */
export const pathOfKey = (key: string): string => (sep === '/' ? key : key.split('/').join(sep));

/** True for a temporary upload file (any segment), which the watcher and listings skip. */
export const isUploadFile = (relative: string): boolean =>
  relative.split(/[\\/]/).some((s) => s.startsWith(UPLOAD_PREFIX));

/**
 * A key as S3 writes it in a notification: form-encoded (`application/x-www-form-urlencoded`, as Java's
 * URLEncoder writes it) with `/` kept — a space is `+`, a literal `+` is `%2B`, `(` is `%28`; letters,
 * digits and `.-_*` stay. `decodeS3Key` (sources/aws/s3-detect.ts) reads it back.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
 */
export function encodeS3Key(key: string): string {
  return encodeURIComponent(key)
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replaceAll('%20', '+')
    .replaceAll('%2F', '/');
}
