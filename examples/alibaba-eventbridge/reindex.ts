/**
 * CONSTANT (a fixed value): whatever the upload, the target receives the same command. Written as an
 * object it arrives as that object; written as a string it stays a string, even one that looks like JSON.
 */
import { defineHandler } from 'triggerkit';
import { importUploads } from './rule.js';

interface Reindex {
  job: string;
  index: string;
}

export const handler = defineHandler<Reindex>({
  name: 'oss-reindex',
  sources: [{ type: 'alibaba:eventbridge' }],
  filter: importUploads,
  filterDialect: 'alibaba',
  transform: { form: 'CONSTANT', value: { job: 'rebuild-search-index', index: 'customers' } },
  async handle(event) {
    return { queued: `${event.data.job}:${event.data.index}`, after: event.id };
  },
});
