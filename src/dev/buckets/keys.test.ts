import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeS3Key } from '../../sources/aws/s3-detect.js';
import { encodeS3Key, keyProblem } from './keys.js';
import { decodeAwsChunked } from './s3-xml.js';

describe('encodeS3Key', () => {
  it('spells keys as the S3 notification fixture does', () => {
    const fixture = JSON.parse(
      readFileSync(
        new URL('../../../test/fixtures/events/s3/put-encoded-keys.json', import.meta.url),
        'utf8',
      ),
    ) as { Records: { s3: { object: { key: string } } }[] };
    for (const record of fixture.Records) {
      const encoded = record.s3.object.key;
      expect(encodeS3Key(decodeS3Key(encoded))).toBe(encoded);
    }
    expect(encodeS3Key('cat photo.jpg')).toBe('cat+photo.jpg');
    expect(encodeS3Key("a+b (1)!~'*.jpg")).toBe('a%2Bb+%281%29%21%7E%27*.jpg');
  });

  it('is read back by decodeS3Key for any key', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (key) => decodeS3Key(encodeS3Key(key)) === key));
  });

  it('refuses keys a folder cannot hold', () => {
    for (const key of ['', 'a/', '../x', 'a//b', 'a/./b']) expect(keyProblem(key)).toBeDefined();
    expect(keyProblem('albums/cat photo.jpg')).toBeUndefined();
  });
});

describe('decodeAwsChunked', () => {
  it('reads signed and unsigned chunks and skips the trailer', () => {
    const body = Buffer.from(
      '6;chunk-signature=ab\r\nhello \r\n5\r\nworld\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n',
    );
    expect(decodeAwsChunked(body).toString()).toBe('hello world');
  });

  it('refuses a body cut inside a chunk', () => {
    expect(() => decodeAwsChunked(Buffer.from('a\r\nhello'))).toThrow(/ends inside a chunk of 10 bytes/);
  });
});
