import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { traceparentFromFields, traceparentFromXray } from './xray.js';

const hex = (n: number, digits = '0123456789abcdef') =>
  fc.array(fc.constantFrom(...digits), { minLength: n, maxLength: n }).map((d) => d.join(''));
/** Mostly valid lowercase hex, sometimes all zeros, upper case or another alphabet. */
const digits = (n: number) =>
  fc.oneof(
    { weight: 6, arbitrary: hex(n) },
    { weight: 1, arbitrary: fc.constant('0'.repeat(n)) },
    { weight: 1, arbitrary: hex(n, '0123456789ABCDEFg ') },
  );
const lambdaShaped = fc
  .record({
    epoch: digits(8),
    random: digits(24),
    parent: digits(16),
    sampled: fc.constantFrom('0', '1', '', '2', ' 1'),
    tail: fc.constantFrom(
      '',
      ';Lineage=a87bd80c:0',
      ';Lineage=1:2:3;Sampled=0',
      ';Root=1-x',
      ';Parent=1',
      ';',
    ),
  })
  .map((p) => `Root=1-${p.epoch}-${p.random};Parent=${p.parent};Sampled=${p.sampled}${p.tail}`);

describe('traceparentFromXray', () => {
  it('reads the header Lambda writes in place, answering as the field-by-field reader does', () => {
    fc.assert(
      fc.property(fc.oneof(lambdaShaped, fc.string()), (header) => {
        expect(traceparentFromXray(header)).toBe(traceparentFromFields(header));
      }),
      { numRuns: 20_000 },
    );
  });

  it.each([
    ['Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1', '-01'],
    ['Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0;Lineage=a87bd80c:0', '-00'],
  ])('%s', (header, flags) => {
    expect(traceparentFromXray(header)).toBe(`00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8${flags}`);
  });

  it.each([
    'Root=1-00000000-000000000000000000000000;Parent=53995c3f42cd8ad8;Sampled=1',
    'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=0000000000000000;Sampled=1',
    'Root=1-5759E988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
  ])('no traceparent from %s', (header) => {
    expect(traceparentFromXray(header)).toBeUndefined();
  });

  it('a later field wins over the one Lambda wrote first', () => {
    const header = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1;Sampled=0';
    expect(traceparentFromXray(header)).toBe('00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-00');
  });
});
