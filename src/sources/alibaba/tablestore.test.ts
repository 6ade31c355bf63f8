import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/support/fixtures.js';
import { cloudEventProblems } from '../../cloud-event.js';
import { detectSource, toCloudEvents } from '../index.js';

describe('Tablestore stream trigger', () => {
  const raw = fixture('fc/tablestore-stream.json');
  const batch = toCloudEvents(raw);

  it('one ordered batch, one CDC event per row change', () => {
    expect(detectSource(raw)?.kind).toBe('alibaba:tablestore');
    expect(batch).toMatchObject({ source: 'alibaba:tablestore', reply: 'throw', ordered: true });
    expect(batch.items.map((i) => [i.event.type, i.event.subject])).toEqual([
      ['com.aliyun.tablestore.put', 'order_id=ord-1001,shop_id=12'],
      ['com.aliyun.tablestore.update', 'order_id=ord-1001,shop_id=12'],
      ['com.aliyun.tablestore.delete', 'order_id=ord-0999,shop_id=12'],
    ]);
    for (const item of batch.items) {
      expect(cloudEventProblems(item.event)).toEqual([]);
      expect(item.ref).toBe(item.event.id);
    }
  });

  it('the change view: op, keys, the columns written and deleted; time from the microsecond stamp', () => {
    expect(batch.items[0]?.event).toMatchObject({
      id: '1764578465123456:order_id=ord-1001,shop_id=12',
      source: 'acs.tablestore',
      time: '2025-12-01T08:41:05.123Z',
      data: {
        op: 'c',
        keys: { shop_id: 12, order_id: 'ord-1001' },
        columns: { status: 'placed', total: 120.5 },
        deletedColumns: [],
      },
    });
    expect(batch.items[1]?.event.data).toEqual({
      op: 'u',
      keys: { shop_id: 12, order_id: 'ord-1001' },
      columns: { status: 'paid' },
      deletedColumns: ['coupon', 'note'],
    });
    expect(batch.items[2]?.event.data).toMatchObject({ op: 'd', columns: {} });
  });

  it('the same batch twice gives the same ids; an unreadable row is rejected, the others still run', () => {
    expect(toCloudEvents(fixture('fc/tablestore-stream.json')).items.map((i) => i.event.id)).toEqual(
      batch.items.map((i) => i.event.id),
    );
    const broken = fixture<{ Records: unknown[] }>('fc/tablestore-stream.json');
    broken.Records[1] = { Type: 'RenameRow', PrimaryKey: [] };
    const partial = toCloudEvents(broken);
    expect(partial.items).toHaveLength(2);
    expect(partial.rejected?.[0]).toMatchObject({ index: 1, ref: 'Records[1]' });
    expect(partial.rejected?.[0]?.error.message).toMatch(/PutRow, UpdateRow or DeleteRow/);
  });
});
