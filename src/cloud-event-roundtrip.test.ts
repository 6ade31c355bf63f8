/** The JSON event format round trip, as a property: any valid event survives serialization unchanged. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CloudEvent,
  cloudEventProblems,
  createCloudEvent,
  fromStructured,
  toStructuredJson,
} from './cloud-event.js';

const minimal = {
  specversion: '1.0',
  id: 'ord-1001',
  source: '/shop/orders',
  type: 'com.shop.order.created',
};
const RESERVED = new Set(['subject', 'time', 'datacontenttype', 'dataschema', 'data', 'data_base64']);
const NAME = fc
  .stringMatching(/^[a-z0-9]{1,20}$/)
  .filter((name) => !(name in minimal) && !RESERVED.has(name));
// JSON has no -0: fc.jsonValue() can produce it, the wire cannot carry it.
const jsonData = fc.jsonValue().map((value) => JSON.parse(JSON.stringify(value)) as unknown);
const payload = fc.oneof(
  fc.constant({}),
  fc.record({ datacontenttype: fc.constantFrom('application/json', 'application/ld+json'), data: jsonData }),
  fc.record({ data: jsonData }),
  fc.record({ datacontenttype: fc.constantFrom('text/plain', 'text/csv; charset=utf-8'), data: fc.string() }),
  fc.record({ data_base64: fc.uint8Array().map((bytes) => Buffer.from(bytes).toString('base64')) }),
);
const validEvent: fc.Arbitrary<CloudEvent> = fc
  .tuple(
    fc.record(
      {
        id: fc.string({ minLength: 1 }),
        source: fc.string({ minLength: 1 }),
        type: fc.string({ minLength: 1 }),
        subject: fc.string({ minLength: 1 }),
        time: fc
          .date({
            min: new Date('0001-01-01T00:00:00Z'),
            max: new Date('9999-12-31T23:59:59Z'),
            noInvalidDate: true,
          })
          .map((date) => date.toISOString()),
        dataschema: fc.webUrl(),
      },
      { requiredKeys: ['id', 'source', 'type'] },
    ),
    payload,
    fc.dictionary(
      NAME,
      fc.oneof(fc.string(), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.boolean()),
    ),
  )
  .map(([attributes, data, extensions]) => createCloudEvent({ ...extensions, ...attributes, ...data }));

describe('round trip (property)', () => {
  it('valid events survive toStructuredJson → fromStructured unchanged (datacontenttype defaulted)', () => {
    fc.assert(
      fc.property(validEvent, (event) => {
        const back = fromStructured(JSON.parse(toStructuredJson(event)));
        const expected = event.data !== undefined ? { datacontenttype: 'application/json', ...event } : event;
        expect(back).toStrictEqual(expected);
        expect(cloudEventProblems(back)).toEqual([]);
      }),
    );
  });
});
