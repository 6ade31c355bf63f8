/**
 * Reads the `clicks` Kinesis stream in order per shard. A record the handler cannot take is
 * dead-lettered and the shard moves on (`onError: 'dead-letter'`), instead of holding every later record.
 */
import { defineHandler, NonRetryableError } from 'triggerkit';

export const handler = defineHandler<{ page: string }>({
  name: 'clicks',
  sources: [{ type: 'aws:kinesis', stream: 'clicks', batchSize: 100, bisectBatchOnFunctionError: true }],
  onError: 'dead-letter',
  async handle(event) {
    if (typeof event.data?.page !== 'string') throw new NonRetryableError('a click without a page');
    return { page: event.data.page };
  },
});
