/**
 * The web UI's stream page over 10,000 stored events, in a real browser: how long from navigation until
 * the list is on screen, and until a search has narrowed it. The figures are printed for bench/README.md;
 * the bounds here are only a generous sanity check (timings belong in bench/, not in a test's verdict).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser, startUiEmulator } from './support/ui-browser.js';

const EVENTS = 10_000;
let app: Awaited<ReturnType<typeof startUiEmulator>>;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;

beforeAll(async () => {
  app = await startUiEmulator();
  const { store } = app.emulator;
  const start = Date.now() - EVENTS * 1000;
  // Stored as they would be once handled: filtered by one function, delivered to another, with its trace.
  store.transaction(() => {
    for (let i = 0; i < EVENTS; i++) {
      const event = {
        specversion: '1.0',
        id: `load-${i}`,
        source: `/shop/region-${i % 7}`,
        type: i % 3 === 0 ? 'com.example.order.created' : 'com.example.order.shipped',
        data: { orderId: `o-${i}`, total: i % 500 },
      } as const;
      const at = start + i * 1000;
      store.accept(event, at, [
        { handler: 'orders', matched: false },
        { handler: 'audit', matched: false },
      ]);
      store.trace(event, 'audit', 'attempt-1', at, { outcome: 'delivered', ms: 1.5 });
    }
    store.db
      .prepare("UPDATE deliveries SET status = 'delivered', attempts = 1 WHERE handler = 'audit'")
      .run();
  });
  browser = await launchBrowser();
  page = await browser.context.newPage();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

it('loads the stream page over 10,000 events, and narrows it by a search', async () => {
  // A first visit compiles and caches the page: the figure is a developer's reload, not a cold browser.
  await page.goto(`${app.url}/ui/`);
  await page.getByRole('link', { name: `load-${EVENTS - 1}` }).waitFor();
  await page.reload();
  await page.getByRole('link', { name: `load-${EVENTS - 1}` }).waitFor();
  // Navigation start to the list's first render (a mark the page sets), and the API call behind it.
  const loaded = (await page.evaluate(
    "performance.getEntriesByName('events-listed')[0].startTime",
  )) as number;
  const api = (await page.evaluate(
    "performance.getEntriesByType('resource').find((e) => e.name.includes('/ui/api/events')).duration",
  )) as number;
  const rows = await page.locator('tbody tr').count();
  expect(rows).toBe(100);

  const before = (await page.evaluate('performance.now()')) as number;
  await page.getByLabel('Search id, type or source').fill('load-4242');
  await page.locator('tbody tr').filter({ hasText: 'load-4242' }).waitFor();
  await expect.poll(() => page.locator('tbody tr').count()).toBe(1);
  const searched = ((await page.evaluate('performance.now()')) as number) - before;

  await page.getByLabel('Search id, type or source').fill('');
  await page.getByRole('button', { name: 'Older events' }).click();
  await expect.poll(() => page.locator('tbody tr').count()).toBe(200);

  console.log(
    `web UI, ${EVENTS} stored events: list on screen ${loaded.toFixed(0)} ms after navigation ` +
      `(GET /ui/api/events ${api.toFixed(0)} ms), ` +
      `search narrowed it in ${searched.toFixed(0)} ms`,
  );
  expect(loaded).toBeLessThan(10_000);
  expect(searched).toBeLessThan(10_000);
});
