import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from 'citty';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fixture, fixturePath } from '../../test/support/fixtures.js';
import { schemaCommand } from '../cli/schema.js';
import {
  checkEventsAgainstRegistry,
  inferSchemaFromEvents,
  inferSchemasByType,
  recordedEvents,
} from './commands.js';
import { compileSchema } from './compile.js';
import { inferSchema } from './infer.js';

const sqsBatch = fixture('sqs/orders-batch.json');
const orderCreated = fixture('cloudevents/order-created.json');
const orderPlaced = fixture('eventbridge/order-placed.json');

/** JSON values, and objects whose strings look like formats (dates, UUIDs, emails) or nearly do. */
const formatted = fc.oneof(
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  fc.uuid(),
  fc.emailAddress(),
  fc.constantFrom('2025-13-45T25:61:00Z', 'a@b', '"x"@example.com', 'not-a-uuid'),
);
const sample = fc.oneof(fc.jsonValue(), fc.record({ at: formatted, tags: fc.array(formatted) }));

describe('inferSchema', () => {
  it('keeps the types seen, requires what every sample has, merges array items, proposes formats', () => {
    expect(
      inferSchema([
        { id: 'b7e1c1d2-3f4a-4b5c-8d6e-7f8091a2b3c4', at: '2025-11-23T12:15:00Z', total: 5, tags: ['a'] },
        {
          id: '0c2b6f0e-1d2e-4c3b-9a8f-7e6d5c4b3a21',
          at: '2025-11-24T08:00:00.5+01:00',
          total: 7.5,
          note: null,
        },
        { id: '5f0e1d2c-3b4a-4c5d-8e7f-9a0b1c2d3e4f', at: '2025-11-25', total: '7.50', tags: [] },
      ]),
    ).toEqual({
      type: 'object',
      properties: {
        id: { type: 'string', format: 'uuid' },
        at: { type: 'string' },
        total: { type: ['number', 'string'] },
        tags: { type: 'array', items: { type: 'string' } },
        note: { type: 'null' },
      },
      required: ['id', 'at', 'total'],
    });
    expect(inferSchema(['2025-11-23T12:15:00Z', '2025-11-24T08:00:00Z'])).toEqual({
      type: 'string',
      format: 'date-time',
    });
    expect(inferSchema([[], 310])).toEqual({ type: ['array', 'number'] });
  });

  it('infers a schema that ajv compiles (strict) and every sample it came from passes', () => {
    fc.assert(
      fc.property(fc.array(sample, { minLength: 1, maxLength: 5 }), (samples) => {
        const validate = compileSchema(inferSchema(samples));
        for (const sample of samples) expect(validate(sample)).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });
});

describe('inferSchemaFromEvents', () => {
  it('normalizes raw platform events and CloudEvents, and names their types', () => {
    expect(recordedEvents([sqsBatch, orderCreated]).map((e) => e.type)).toEqual([
      ...Array(4).fill('com.amazonaws.sqs.message'),
      'com.example.order.created',
    ]);
    const schema = inferSchemaFromEvents([sqsBatch]);
    expect(schema).toMatchObject({
      $schema: 'http://json-schema.org/draft-07/schema#',
      'x-cloudevents-type': 'com.amazonaws.sqs.message',
      type: 'object',
      required: ['orderId', 'total', 'currency'],
      properties: { total: { type: ['number', 'string'] }, items: { type: 'array' } },
    });
    expect(inferSchemaFromEvents([sqsBatch, orderCreated])['x-cloudevents-type']).toEqual([
      'com.amazonaws.sqs.message',
      'com.example.order.created',
    ]);
  });

  it('groups by type for the registry, one schema each', () => {
    const byType = inferSchemasByType([sqsBatch, orderCreated, orderPlaced]);
    expect([...byType.keys()]).toEqual([
      'com.amazonaws.sqs.message',
      'com.example.order.created',
      'Order Placed',
    ]);
    expect(byType.get('Order Placed')).toMatchObject({ 'x-cloudevents-type': 'Order Placed' });
  });

  it('reads a JSON array of recorded events, and says which input it cannot read', () => {
    expect(recordedEvents([[orderCreated, sqsBatch]])).toHaveLength(5);
    expect(() => inferSchemaFromEvents([{ hello: 'world' }])).toThrow(/No known event source/);
    expect(() => inferSchemaFromEvents([])).toThrow(/No events to infer a schema from/);
  });
});

describe('checkEventsAgainstRegistry', () => {
  const root = mkdtempSync(join(tmpdir(), 'tk-check-'));
  writeFileSync(
    join(root, 'com.amazonaws.sqs.message.json'),
    JSON.stringify({ type: 'object', required: ['total'], properties: { total: { type: 'number' } } }),
  );

  it('validates each event by its type, listing problems with pointers, and fails unknown types', () => {
    const { ok, checks } = checkEventsAgainstRegistry([sqsBatch, orderCreated], root);
    expect(ok).toBe(false);
    expect(checks.map((c) => [c.id, c.problems.map((p) => `${p.pointer} ${p.message}`)])).toEqual([
      ['7d3f2c1a-5b6e-4f8d-9a0b-1c2d3e4f5a6b', []],
      ['8e4a3d2b-6c7f-4a9e-8b1c-2d3e4f5a6b7c', []],
      ['9f5b4e3c-7d8a-4b0f-9c2d-3e4f5a6b7c8d', ['/total must be number']],
      ['a06c5f4d-8e9b-4c1a-8d3e-4f5a6b7c8d9e', []],
      [
        'b7e1c1d2-3f4a-4b5c-8d6e-7f8091a2b3c4',
        [expect.stringContaining('no schema in the registry for type')],
      ],
    ]);
    expect(checks[0]?.schema).toMatch(/tk-check-.*\/com\.amazonaws\.sqs\.message\.json$/);
    expect(checkEventsAgainstRegistry([orderCreated], root).checks[0]?.schema).toBeUndefined();
  });
});

describe('triggerkit schema (citty commands)', () => {
  const out: string[] = [];
  afterEach(() => {
    vi.restoreAllMocks();
    out.length = 0;
    process.exitCode = undefined;
  });
  const capture = () =>
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0);

  it('infer --out writes the schema; --registry writes <type>.json and keeps existing files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-infer-'));
    const file = join(dir, 'order.json');
    await runCommand(schemaCommand, {
      rawArgs: ['infer', fixturePath('cloudevents/order-created.json'), '--out', file],
    });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
      'x-cloudevents-type': 'com.example.order.created',
    });
    capture();
    const args = ['infer', fixturePath('eventbridge/order-placed.json'), '--registry', dir];
    await runCommand(schemaCommand, { rawArgs: args });
    await runCommand(schemaCommand, { rawArgs: args });
    expect(out.join('')).toMatch(
      /^wrote .*Order-Placed\.json\nkept .*Order-Placed\.json \(exists; --force to overwrite\)\n$/,
    );
  });

  it('check prints a verdict per event and sets exit code 1 when one is invalid', async () => {
    capture();
    const rawArgs = ['check', fixturePath('sqs/orders-batch.json'), '--registry', checkRoot()];
    await runCommand(schemaCommand, { rawArgs });
    expect(out.join('')).toContain('FAIL com.amazonaws.sqs.message 9f5b4e3c-7d8a-4b0f-9c2d-3e4f5a6b7c8d');
    expect(out.join('')).toContain('orders.json): data/total must be number\n');
    expect(out.join('')).toMatch(/\n3 of 4 event\(s\) valid\n$/);
    expect(process.exitCode).toBe(1);
  });

  it('names the file it cannot read as a recorded event', async () => {
    const bad = join(mkdtempSync(join(tmpdir(), 'tk-bad-')), 'bad.json');
    writeFileSync(bad, '{"hello": "world"}');
    await expect(runCommand(schemaCommand, { rawArgs: ['infer', bad] })).rejects.toThrow(
      new RegExp(`^${bad}: No known event source`),
    );
  });
});

function checkRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'tk-check-cli-'));
  writeFileSync(
    join(root, 'orders.json'),
    JSON.stringify({
      'x-cloudevents-type': 'com.amazonaws.sqs.message',
      type: 'object',
      properties: { total: { type: 'number' } },
    }),
  );
  return root;
}
