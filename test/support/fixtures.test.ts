import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture, fixtureNames, fixturePath, hasSamples, sample, sampleNames } from './fixtures.js';

describe('fixture', () => {
  it('reads test/fixtures/events/<path> whatever the working directory', () => {
    const cwd = process.cwd();
    process.chdir('/');
    try {
      const raw = fixture<{ Records: unknown[] }>('sqs/orders-batch.json');
      expect(raw.Records.length).toBeGreaterThan(0);
    } finally {
      process.chdir(cwd);
    }
    expect(fixturePath('sqs/orders-batch.json')).toMatch(
      /\/test\/fixtures\/events\/sqs\/orders-batch\.json$/,
    );
  });

  it('parses afresh on every call, so a test may mutate what it gets', () => {
    const first = fixture<{ Records: unknown[] }>('sqs/orders-batch.json');
    first.Records.length = 0;
    expect(fixture<{ Records: unknown[] }>('sqs/orders-batch.json').Records.length).toBeGreaterThan(0);
    expect(fixture('sqs/orders-batch.json')).toStrictEqual(
      JSON.parse(readFileSync(fixturePath('sqs/orders-batch.json'), 'utf8')),
    );
  });

  it('stays an object when spread into an `unknown` parameter (its type is not inferred from there)', () => {
    const take = (raw: unknown) => raw;
    expect(take({ ...fixture('sqs/orders-batch.json'), extra: 1 })).toHaveProperty('extra', 1);
  });

  it('names a missing file and what its folder holds', () => {
    expect(() => fixture('sqs/no-such-batch.json')).toThrow(
      /^No fixture test\/fixtures\/events\/sqs\/no-such-batch\.json \(there are sqs\/[^)]*sqs\/orders-batch\.json/,
    );
    expect(() => fixture('nowhere/x.json')).toThrow(
      'No fixture test/fixtures/events/nowhere/x.json (test/fixtures/events/nowhere has none); fix the path',
    );
  });
});

describe('fixtureNames', () => {
  it('lists the .json files of a folder, sorted and folder-qualified', () => {
    const names = fixtureNames('sns');
    expect(names).toContain('sns/http-notification.json');
    expect(names.every((name) => name.startsWith('sns/') && name.endsWith('.json'))).toBe(true);
    expect(names).toEqual([...names].sort());
  });

  it('lists every recorded event by default, each readable by fixture', () => {
    const names = fixtureNames();
    expect(names).toEqual(expect.arrayContaining(['sqs/orders-batch.json', 'webhooks/github-push.json']));
    for (const name of names) expect(() => fixture(name)).not.toThrow();
  });
});

describe.runIf(hasSamples)('public samples (skipped when the corpus is absent)', () => {
  it('lists and reads them', () => {
    const [first] = sampleNames();
    expect(first).toMatch(/\.json$/);
    expect(sample(first ?? '')).toBeTypeOf('object');
  });
});
