import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/support/fixtures.js';
import { cloudEventProblems } from '../../cloud-event.js';
import { isTriggerError } from '../../errors.js';
import { detectSource, sourceOf, toCloudEvents } from '../index.js';

const timer = sourceOf('alibaba:timer');

describe('FC time trigger', () => {
  it('one event per tick: the trigger and the tick are its identity, the JSON message its data', () => {
    const raw = fixture('fc/timer.json');
    expect(detectSource(raw)?.kind).toBe('alibaba:timer');
    const batch = toCloudEvents(raw);
    expect(batch).toMatchObject({ source: 'alibaba:timer', reply: 'throw' });
    expect(batch.items).toEqual([
      {
        ref: 'nightly-report@2025-12-01T02:00:00Z',
        event: {
          specversion: '1.0',
          id: 'nightly-report@2025-12-01T02:00:00Z',
          source: 'acs.fc.timer',
          type: 'com.aliyun.fc.timer',
          subject: 'nightly-report',
          time: '2025-12-01T02:00:00Z',
          datacontenttype: 'application/json',
          data: { report: 'daily-sales', region: 'cn-hangzhou' },
        },
      },
    ]);
  });

  it('a text message stays text; no message, no data; the same tick twice has the same id', () => {
    const raw = fixture('fc/timer-text-payload.json');
    const [item] = toCloudEvents(raw).items;
    expect(item?.event).toMatchObject({ datacontenttype: 'text/plain', data: 'awesome-fc' });
    expect(cloudEventProblems(item?.event)).toEqual([]);
    const { payload: _, ...bare } = raw;
    const [again] = toCloudEvents(bare).items;
    expect(again?.event.id).toBe(item?.event.id);
    expect(again?.event).not.toHaveProperty('data');
  });

  it('is not taken for other shapes that happen to have a triggerTime', () => {
    expect(timer.detect({ triggerTime: 'x', triggerName: 'y', other: 1 })).toBe(false);
    expect(timer.detect({ triggerTime: 'x' })).toBe(false);
  });

  it('refuses a tick time that is not RFC 3339, naming the fields', () => {
    try {
      toCloudEvents({ triggerTime: 'yesterday', triggerName: 'nightly' });
      expect.unreachable();
    } catch (error) {
      expect(isTriggerError(error) && error.code).toBe('E_SOURCE_INVALID');
      expect((error as Error).message).toMatch(/triggerTime/);
    }
  });
});
