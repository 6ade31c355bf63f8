/**
 * Object-store declarations select notifications by bucket, key prefix and key suffix, on the key as the
 * handler sees it (S3's form-encoded key decoded; OSS's raw key).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkDeclaredSource } from './declarations.js';
import { detectSource, withResources } from './registry.js';

const fixture = (path: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../test/fixtures/events/${path}`, import.meta.url), 'utf8'));

function check(sources: Parameters<typeof checkDeclaredSource>[0], raw: unknown): void {
  const source = detectSource(raw);
  if (source === undefined) throw new Error('fixture not detected');
  checkDeclaredSource(sources, withResources(source, raw, source.normalize(raw, {})), 'h');
}

/** One record of the S3 fixture, whose key is `invoices/2025/red+flower+%281%29.pdf`. */
const s3 = () => {
  const raw = fixture('s3/put-encoded-keys.json') as { Records: unknown[] };
  return { Records: raw.Records.slice(0, 1) };
};
/** The OSS fixture's first entry, whose key is `invoices/2025/发票 11-23.pdf`. */
const oss = () => {
  const raw = fixture('oss/put-and-delete.json') as { events: unknown[] };
  return { events: raw.events.slice(0, 1) };
};

describe('object-store declarations', () => {
  it('S3: a suffix matches the decoded key, and a key with another suffix is refused', () => {
    expect(() => check([{ type: 'aws:s3', bucket: 'shop-invoices', suffix: ').pdf' }], s3())).not.toThrow();
    expect(() => check([{ type: 'aws:s3', bucket: 'shop-invoices', suffix: '.jpg' }], s3())).toThrow(
      /does not accept aws:s3 bucket "shop-invoices", key "invoices\/2025\/red flower \(1\)\.pdf": it declares aws:s3 bucket "shop-invoices" \(keys ending "\.jpg"\)\./,
    );
    expect(() =>
      check([{ type: 'aws:s3', prefix: 'invoices/', suffix: 'flower (1).pdf' }], s3()),
    ).not.toThrow();
  });

  it('OSS: bucket, prefix and suffix are checked on the raw key', () => {
    const ok = { type: 'alibaba:oss', bucket: 'shop-uploads', prefix: 'invoices/', suffix: '.pdf' } as const;
    expect(() => check([ok], oss())).not.toThrow();
    expect(() => check([{ ...ok, bucket: 'other' }], oss())).toThrow(/alibaba:oss bucket "shop-uploads"/);
    expect(() => check([{ ...ok, suffix: '.png' }], oss())).toThrow(/does not accept/);
    expect(() => check([{ ...ok, prefix: 'tmp/' }], oss())).toThrow(/does not accept/);
  });
});
