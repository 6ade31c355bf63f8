import 'triggerkit/testing/vitest';
import { readFileSync } from 'node:fs';
import { events, invoke } from 'triggerkit/testing';
import { describe, expect, it } from 'vitest';
import { handler as backup } from './backup.js';
import { handler as indexer } from './indexer.js';

const recorded = (name: string) =>
  JSON.parse(readFileSync(new URL(`../events/${name}`, import.meta.url), 'utf8'));

describe('one topic, two pipelines', () => {
  it('backs up and indexes a placed order, each from the same recorded notification', async () => {
    const message = recorded('order-placed.json');
    const archived = await invoke(backup, message);
    expect(archived).toHaveDelivered();
    expect(archived.results).toEqual([{ archived: `orders/o-1/${message.Records[0].Sns.MessageId}.json` }]);
    const indexed = await invoke(indexer, message);
    expect(indexed.results).toEqual([{ indexed: 'o-1', document: { status: 'placed', total: 120 } }]);
  });

  it('backs up a draft, which the indexer filters out without running', async () => {
    const draft = recorded('order-draft.json');
    expect(await invoke(backup, draft)).toHaveDelivered();
    const indexed = await invoke(indexer, draft);
    expect(indexed).toHaveBeenFiltered();
    expect(indexed.results).toEqual([]);
  });

  it('refuses an invalid order at the schema in both pipelines', async () => {
    const invalid = events.sns({ topic: 'orders', data: { orderId: 'o-3', status: 'placed', total: -1 } });
    expect(await invoke(backup, invalid)).toHaveFailedAt('schema');
    expect(await invoke(indexer, invalid)).toHaveFailedAt('schema');
  });
});
