import 'triggerkit/testing/vitest';
import { readFileSync } from 'node:fs';
import { events, invoke } from 'triggerkit/testing';
import { describe, expect, it } from 'vitest';
import { handler } from './thumbnails.js';

const recorded = (name: string) =>
  JSON.parse(readFileSync(new URL(`../events/${name}`, import.meta.url), 'utf8'));

describe('thumbnails', () => {
  it('makes a thumbnail of a JPEG uploaded under images/', async () => {
    const result = await invoke(handler, recorded('image-uploaded.json'));
    expect(result).toHaveDelivered();
    expect(result.results).toEqual([
      { thumbnail: 'oss://uploads/thumbnails/images/2026/12/cover.jpg', bytes: 48213, on: 'local' },
    ]);
  });

  it('reads a generated OSS notification the same way', async () => {
    const result = await invoke(
      handler,
      events.oss({ bucket: 'uploads', key: 'images/a b.jpg', size: 1024 }),
    );
    expect(result).toHaveDelivered();
    expect(result.delivered[0]?.subject).toContain('images/a b.jpg');
  });

  it('refuses an empty upload at the schema, without running the handler', async () => {
    const result = await invoke(handler, recorded('empty-image.json'));
    expect(result).toHaveFailedAt('schema');
    expect(result.results).toEqual([]);
  });
});
