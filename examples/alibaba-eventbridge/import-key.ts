/**
 * JSONPATH (part of the event): the target receives only what one path finds, here the object key as a
 * plain string. The schema checks what the transform produced: an upload that is not a CSV fails at the
 * schema stage, without a retry, instead of starting an import that cannot work.
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
