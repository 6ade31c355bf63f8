/**
 * The web UI's stream page over 10,000 stored events, in a real browser: how long from navigation until
 * the list is on screen, and until a search has narrowed it. The figures are printed for bench/README.md;
 * the bounds here are only a generous sanity check (timings belong in bench/, not in a test's verdict).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser, startUiEmulator } from './support/ui-browser.js';

const EVENTS = 10_000;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] as number;
/** The page's document, for functions that run in it (test code is typed without the DOM). */
type Page$ = { document: { querySelectorAll(selector: string): { length: number } } };
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
  // Five reloads: navigation start to the list's first render (a mark the page sets), and the API call.
  const loads: number[] = [];
  const calls: number[] = [];
  for (let run = 0; run < 5; run++) {
    await page.reload();
    await page.getByRole('link', { name: `load-${EVENTS - 1}` }).waitFor();
    loads.push((await page.evaluate("performance.getEntriesByName('events-listed')[0].startTime")) as number);
    calls.push(
      (await page.evaluate(
        "performance.getEntriesByType('resource').find((e) => e.name.includes('/ui/api/events')).duration",
      )) as number,
    );
  }
  const loaded = median(loads);
  const api = median(calls);
  const rows = await page.locator('tbody tr').count();
  expect(rows).toBe(100);

  const before = (await page.evaluate('performance.now()')) as number;
  await page.getByLabel('Search id, type or source').fill('load-4242');
  // Checked on every animation frame: the figure is the page's, not the test's polling.
  // A function, not a string: the UI's Content-Security-Policy forbids eval.
  await page.waitForFunction(
    () => (globalThis as unknown as Page$).document.querySelectorAll('tbody tr').length === 1,
    undefined,
    { polling: 'raf' },
  );
  const searched = ((await page.evaluate('performance.now()')) as number) - before;

  await page.getByLabel('Search id, type or source').fill('');
  await page.getByRole('button', { name: 'Older events' }).click();
  await expect.poll(() => page.locator('tbody tr').count()).toBe(200);

  console.log(
    `web UI, ${EVENTS} stored events: list on screen ${loaded.toFixed(0)} ms after navigation ` +
      `(median of ${loads.map((ms) => ms.toFixed(0)).join(', ')}) ` +
      `(GET /ui/api/events ${api.toFixed(0)} ms), ` +
      `search narrowed it in ${searched.toFixed(0)} ms`,
  );
  expect(loaded).toBeLessThan(10_000);
  expect(searched).toBeLessThan(10_000);
});
