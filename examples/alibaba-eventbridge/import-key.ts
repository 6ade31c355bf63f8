/**
 * JSONPATH (part of the event): the target receives only what one path finds, here the object key as a
 * plain string. The schema checks what the transform produced, so a path that finds nothing fails the
 * event without a retry instead of starting an import of `undefined`.
 */
import { defineHandler } from 'triggerkit';
import { importUploads } from './rule.js';

export const handler = defineHandler({
  name: 'oss-import',
  sources: [{ type: 'alibaba:eventbridge' }],
  filter: importUploads,
  filterDialect: 'alibaba',
  transform: { form: 'JSONPATH', value: '$.data.oss.object.key' },
  schema: { type: 'string', pattern: '\\.csv$' } as const,
  async handle(event) {
    const key = event.data;
    return { importing: key, table: key.slice('imports/'.length, -'.csv'.length) };
  },
});
