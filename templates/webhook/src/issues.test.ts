import 'triggerkit/testing/vitest';
import { readFileSync } from 'node:fs';
import { events, invoke } from 'triggerkit/testing';
import { describe, expect, it } from 'vitest';
import { handler } from './issues.js';

const recorded = (name: string) =>
  JSON.parse(readFileSync(new URL(`../events/${name}`, import.meta.url), 'utf8'));
const secret = process.env.GITHUB_WEBHOOK_SECRET as string; // set in vitest.config.ts
const path = '/webhooks/github';
const opened = {
  action: 'opened',
  issue: { number: 8, title: 'Typo' },
  repository: { full_name: 'acme/app' },
};

describe('issues', () => {
  it('triages a signed "issue opened" delivery', async () => {
    const result = await invoke(handler, recorded('issue-opened.json'));
    expect(result).toHaveDelivered();
    expect(result.results).toEqual([{ triaged: 'acme/app#7' }]);
    expect(result.response).toMatchObject({ statusCode: 200 });
  });

  it('filters deliveries of other events', async () => {
    expect(await invoke(handler, recorded('push.json'))).toHaveBeenFiltered();
  });

  it('answers 401 to a delivery signed with another secret, and the handler never runs', async () => {
    const forged = events.github({ secret: `not-${secret}`, path, event: 'issues', payload: opened });
    const result = await invoke(handler, forged);
    expect(result.response).toMatchObject({ statusCode: 401 });
    expect(result.delivered).toEqual([]);
  });

  it('refuses an issue payload without its number at the schema', async () => {
    const payload = { ...opened, issue: { title: 'No number' } };
    const result = await invoke(handler, events.github({ secret, path, event: 'issues', payload }));
    expect(result).toHaveFailedAt('schema');
  });
});
