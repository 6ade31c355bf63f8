import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/support/fixtures.js';
import { cloudEventProblems } from '../../cloud-event.js';
import { isTriggerError, type TriggerError } from '../../errors.js';
import { sourceOf } from '../index.js';
import { SLS_CURSOR_RANGE_TYPE } from './sls.js';

const alibabaSls = sourceOf('alibaba:sls');

type Json = Record<string, unknown>;

function thrown(fn: () => unknown): TriggerError {
  try {
    fn();
  } catch (error) {
    if (isTriggerError(error)) return error;
    throw error;
  }
  throw new Error('expected a TriggerError, nothing was thrown');
}

describe('Alibaba SLS trigger', () => {
  const raw = fixture('sls/cursor-range.json');

  it('one event for the cursor range; id from project, Logstore, shard and cursors; data = the payload', () => {
    expect(alibabaSls.detect(raw)).toBe(true);
    const { items, reply } = alibabaSls.normalize(raw, {});
    expect(reply).toBe('throw');
    expect(items[0]?.event).toStrictEqual({
      specversion: '1.0',
      id: 'shop-logs/orders-api/1/MTc2MzkwMDAwMDAwMDAwMDAwMQ==..MTc2MzkwMDAwMDAwMDAwMDA0Mg==',
      source: 'acs:log:cn-hangzhou::project/shop-logs/logstore/orders-api',
      type: SLS_CURSOR_RANGE_TYPE,
      subject: 'shard/1',
      time: '2025-11-23T12:13:20.000Z',
      datacontenttype: 'application/json',
      aliyunregionid: 'cn-hangzhou',
      slsjobname: '1f7043ced683de1a4e3d8d70b5a412843d810001',
      slstaskid: 'c2691505-38da-4d1b-998a-f1d4bb8c0001',
      data: raw,
    });
    expect(items[0]?.ref).toBe(items[0]?.event.id);
  });

  it.each([
    ['http://cn-shanghai.log.aliyuncs.com', 'cn-shanghai'],
    ['https://ap-southeast-1-intranet.log.aliyuncs.com', 'ap-southeast-1'],
    ['cn-beijing-share.log.aliyuncs.com', 'cn-beijing'],
  ])('the region comes from the endpoint %s', (endpoint, region) => {
    const payload = structuredClone(raw) as { source: Json };
    payload.source.endpoint = endpoint;
    expect(alibabaSls.normalize(payload, {}).items[0]?.event.aliyunregionid).toBe(region);
  });

  it('a payload without its cursor range is E_SOURCE_INVALID', () => {
    const broken = structuredClone(raw) as { source: Json };
    delete broken.source.endCursor;
    const error = thrown(() => alibabaSls.normalize(broken, {}));
    expect(error.code).toBe('E_SOURCE_INVALID');
    expect(error.message).toMatch(/^SLS trigger event needs/);
  });
});

describe('alibabaSls: every event is a valid CloudEvent, ids are stable, the input untouched', () => {
  it.each(['sls/cursor-range.json'])('%s', (name) => {
    const raw = fixture(name);
    const first = alibabaSls.normalize(raw, {});
    expect(alibabaSls.normalize(raw, {})).toStrictEqual(first);
    expect(raw).toStrictEqual(fixture(name));
    for (const item of first.items) {
      expect(cloudEventProblems(item.event)).toEqual([]);
      expect(Object.isFrozen(item.event)).toBe(true);
    }
  });
});
