import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type CloudEvent, createCloudEvent } from '../cloud-event.js';
import { isTriggerError, type TriggerError } from '../errors.js';
import { compileSchema } from './compile.js';
import { readRegistry, registryRoot } from './registry.js';

/** A fresh registry folder holding `files` (path relative to the folder → JSON). */
function registry(files: Record<string, unknown>): string {
  const root = mkdtempSync(join(tmpdir(), 'tk-registry-'));
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return root;
}

const event = (type: string, data: unknown, dataschema?: string): CloudEvent =>
  createCloudEvent({ id: 'e-7', source: '/shop', type, data, ...(dataschema ? { dataschema } : {}) });

function thrown(fn: () => unknown): TriggerError {
  try {
    fn();
  } catch (error) {
    if (isTriggerError(error)) return error;
    throw error;
  }
  throw new Error('expected a TriggerError');
}

const address = {
  $id: 'https://schemas.example.com/address.json',
  'x-cloudevents-type': [],
  type: 'object',
  required: ['country'],
  properties: { country: { type: 'string', minLength: 2, maxLength: 2 } },
};
const orderCreated = {
  type: 'object',
  required: ['orderId', 'total'],
  properties: {
    orderId: { type: 'string' },
    total: { type: 'number' },
    shipping: { $ref: 'https://schemas.example.com/address.json' },
    billing: { $ref: 'common/address.json' },
  },
};

describe('schema registry', () => {
  const root = registry({
    'com.shop.order.created.json': orderCreated,
    'common/address.json': address,
    'payments/refund-v1.json': {
      $id: 'https://schemas.example.com/refund/v1',
      'x-cloudevents-type': 'com.shop.refund.issued',
      type: 'object',
      required: ['amount'],
    },
    'payments/refund-v2.json': {
      $id: 'https://schemas.example.com/refund/v2',
      'x-cloudevents-type': ['com.shop.refund.issued', 'com.shop.refund.reissued'],
      type: 'object',
      required: ['amount', 'reason'],
    },
    '.drafts/ignored.json': 'not even JSON',
  });
  const validate = compileSchema(`registry:${root}`);

  it('reads **/*.json, skipping dot-folders; the type is x-cloudevents-type, else the file name', () => {
    expect(readRegistry(root).map(({ file, types, id }) => ({ file, types, id }))).toEqual([
      { file: 'com.shop.order.created.json', types: ['com.shop.order.created'], id: undefined },
      { file: 'common/address.json', types: [], id: 'https://schemas.example.com/address.json' },
      {
        file: 'payments/refund-v1.json',
        types: ['com.shop.refund.issued'],
        id: 'https://schemas.example.com/refund/v1',
      },
      {
        file: 'payments/refund-v2.json',
        types: ['com.shop.refund.issued', 'com.shop.refund.reissued'],
        id: 'https://schemas.example.com/refund/v2',
      },
    ]);
  });

  it('validates an event against the schema of its type, $refs to other files (by $id or path) resolved', () => {
    const good = { orderId: 'o-1', total: 3, shipping: { country: 'PT' }, billing: { country: 'DE' } };
    expect(validate.check(event('com.shop.order.created', good))).toEqual({ ok: true, data: good });
    const bad = { orderId: 'o-1', total: 3, shipping: { country: 'Portugal' }, billing: {} };
    expect(validate.check(event('com.shop.order.created', bad))).toEqual({
      ok: false,
      problems: [
        { pointer: '/shipping/country', message: 'must NOT have more than 2 characters' },
        { pointer: '/billing', message: 'must have property "country"' },
      ],
    });
    expect(validate({ orderId: 'o-1' }, event('com.shop.order.created', {}))).toEqual([
      { pointer: '/', message: 'must have property "total"' },
    ]);
  });

  it('picks the schema whose $id the event names in dataschema', () => {
    const v1 = 'https://schemas.example.com/refund/v1';
    const v2 = 'https://schemas.example.com/refund/v2';
    expect(validate.check(event('com.shop.refund.issued', { amount: 5 }, v1))).toMatchObject({ ok: true });
    expect(validate.check(event('com.shop.refund.issued', { amount: 5 }, v2))).toMatchObject({
      ok: false,
      problems: [{ pointer: '/', message: 'must have property "reason"' }],
    });
    // One schema for the type: dataschema is not needed.
    expect(validate.check(event('com.shop.refund.reissued', { amount: 5, reason: 'x' }))).toMatchObject({
      ok: true,
    });
  });

  it('fails an event whose type has no schema, saying which type and where it looked', () => {
    const result = validate.check(event('com.shop.order.shipped', {}));
    expect(result).toEqual({
      ok: false,
      problems: [
        {
          pointer: '/',
          message: expect.stringMatching(
            /^has no schema in the registry for type "com\.shop\.order\.shipped": looked in .*tk-registry-.* for a file with "x-cloudevents-type": "com\.shop\.order\.shipped" or named com\.shop\.order\.shipped\.json$/,
          ),
        },
      ],
    });
  });

  it('fails an event of a type with several schemas when dataschema names none of them', async () => {
    const result = await validate.check(
      event('com.shop.refund.issued', { amount: 1 }, 'https://elsewhere/v3'),
    );
    expect(result.ok === false && result.problems[0]?.message).toMatch(
      /^matches 2 schemas of type "com\.shop\.refund\.issued" .*\(payments\/refund-v1\.json, payments\/refund-v2\.json\): the event must name one by its \$id in `dataschema`, and "https:\/\/elsewhere\/v3" is none of them$/,
    );
  });

  it('needs the event: called with the data alone it says so', () => {
    expect(validate({})).toEqual([
      { pointer: '/', message: 'cannot be matched to a registry schema without its event' },
    ]);
  });
});

describe('registry configuration errors (definition time)', () => {
  afterEach(() => {
    delete process.env.TRIGGERKIT_SCHEMAS;
  });

  it('finds the folder: registry:<dir>, else $TRIGGERKIT_SCHEMAS, else schemas/ in the project root', () => {
    expect(registryRoot('registry', '/project')).toBe('/project/schemas');
    expect(registryRoot('registry:contracts/events', '/project')).toBe('/project/contracts/events');
    process.env.TRIGGERKIT_SCHEMAS = '/shared/schemas';
    expect(registryRoot('registry', '/project')).toBe('/shared/schemas');
  });

  it('throws E_SCHEMA_INVALID for a missing folder, a file that is not JSON, or a schema ajv rejects', () => {
    const missing = thrown(() => compileSchema('registry:/no/such/registry'));
    expect(missing.code).toBe('E_SCHEMA_INVALID');
    expect(missing.message).toContain('no schema registry folder at /no/such/registry');
    const notJson = thrown(() => compileSchema(`registry:${registry({ 'a.b.json': '{ nope' })}`));
    expect(notJson.message).toMatch(/^`schema: a\.b\.json`: cannot read a JSON Schema from .*a\.b\.json: /);
    const invalid = thrown(() => compileSchema(`registry:${registry({ 'a.b.json': { type: 'objekt' } })}`));
    expect(invalid.message).toMatch(/a\.b\.json` is not a valid JSON Schema/);
    const badType = thrown(() =>
      compileSchema(`registry:${registry({ 'a.json': { 'x-cloudevents-type': 3 } })}`),
    );
    expect(badType.message).toContain('"x-cloudevents-type" must be a type or an array of types, got 3');
  });
});
