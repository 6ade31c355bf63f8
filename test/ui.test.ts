/**
 * The web UI in a real browser (Debian's chromium through playwright-core): events appear live, an
 * event's page shows its schema problems by JSON pointer, a dead letter is redriven and delivers, a time
 * range is replayed; a page of another origin cannot drive the state-changing routes, the UI's own can.
 * `UI_SCREENSHOTS=1` also writes the screenshots in docs/ui/.
 */
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, postEvent, startUiEmulator } from './support/ui-browser.js';

let app: Awaited<ReturnType<typeof startUiEmulator>>;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
const SHOTS = process.env.UI_SCREENSHOTS === '1' ? new URL('../docs/ui/', import.meta.url) : undefined;

async function shot(name: string, target = page): Promise<void> {
  if (SHOTS === undefined) return;
  mkdirSync(SHOTS, { recursive: true });
  await target.screenshot({ path: new URL(`${name}.png`, SHOTS).pathname, fullPage: true });
}

beforeAll(async () => {
  app = await startUiEmulator();
  browser = await launchBrowser();
  page = await browser.context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('the web UI', () => {
  it('shows a posted event as it arrives, with its handlers and outcomes', async () => {
    await page.goto(`${app.url}/ui/`);
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('live');
    await postEvent(app.url, {
      id: 'order-ok-1',
      source: '/shop/orders',
      type: 'com.example.order.created',
      data: { orderId: 'o-1', total: 12.5 },
    });
    const row = page.getByRole('row').filter({ hasText: 'order-ok-1' });
    await row.waitFor();
    await expect.poll(() => row.textContent()).toMatch(/orders delivered.*audit delivered/);
    expect(await row.textContent()).toContain('flaky filtered');
  });

  it('opens an event and shows its schema failure by JSON pointer', async () => {
    await postEvent(app.url, {
      id: 'order-bad-1',
      source: '/shop/orders',
      type: 'com.example.order.created',
      data: { orderId: 'o-2', total: 'twelve' },
    });
    await page.getByRole('link', { name: 'order-bad-1' }).click();
    const orders = page.getByRole('article', { name: 'Handler orders' });
    const problems = orders.getByRole('table', { name: 'Schema problems' });
    await problems.waitFor();
    expect(await problems.textContent()).toContain('/total');
    expect(await orders.textContent()).toMatch(/schema failed: data\/total must be number/);
    expect(await orders.textContent()).toContain('dead-lettered');
    await shot('event');
  });

  it('redrives a dead letter and the event is delivered', async () => {
    await postEvent(app.url, { id: 'flaky-1', source: '/shop/jobs', type: 'com.example.flaky', data: {} });
    await page.goto(`${app.url}/ui/#/dead-letters`);
    const row = page.getByRole('row').filter({ hasText: 'flaky-1' });
    await row.waitFor();
    expect(await row.textContent()).toContain('flaky call 1 failed');
    await shot('dead-letters');
    await row.getByRole('button', { name: /^Redrive \d+$/ }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^Redriven: \d+\.$/ })
      .waitFor();
    await expect.poll(() => row.count()).toBe(0);
    await page.goto(`${app.url}/ui/#/event?id=flaky-1&source=%2Fshop%2Fjobs`);
    const flaky = page.getByRole('article', { name: 'Handler flaky' });
    await expect.poll(() => flaky.locator('h3 .badge').textContent(), { timeout: 10_000 }).toBe('delivered');
    expect(await flaky.textContent()).toContain('redriven');
  });

  it('replays a time range through the bus', async () => {
    await page.goto(`${app.url}/ui/#/replay`);
    await page.getByLabel('Handler').selectOption('audit');
    await page.getByRole('button', { name: 'Replay' }).click();
    const status = page.getByRole('status').filter({ hasText: /events replayed/ });
    await status.waitFor();
    const replayed = Number((await status.textContent())?.match(/(\d+) events replayed/)?.[1]);
    expect(replayed).toBeGreaterThanOrEqual(3);
    await page.goto(`${app.url}/ui/#/`);
    await page.getByLabel('Handler').selectOption('audit');
    const copies = page.getByRole('row').filter({ hasText: 'order-ok-1' });
    await expect.poll(() => copies.count()).toBe(2);
    await page.getByLabel('Handler').selectOption('');
    await page.getByRole('row').filter({ hasText: 'flaky-1' }).first().waitFor();
    await shot('stream');
  });

  it('lists the handlers with their filter, schema, retry policy and counts', async () => {
    await page.goto(`${app.url}/ui/#/handlers`);
    const orders = page.getByRole('article', { name: 'orders' });
    await orders.waitFor();
    expect(await orders.textContent()).toMatch(/maxAttempts/);
    await orders.getByText('Schema').click();
    expect(await orders.textContent()).toContain('minimum');
    await shot('handlers');
  });

  it('sends the sample event from the form, shows it, and reruns it', async () => {
    await page.goto(`${app.url}/ui/#/send`);
    const body = page.getByLabel('CloudEvent (JSON)');
    await expect.poll(() => body.inputValue()).toContain('com.example.order.created');
    const id = (JSON.parse(await body.inputValue()) as { id: string }).id;
    await page.getByRole('button', { name: 'Send' }).click();
    const accepted = page.getByRole('status').getByRole('link');
    await accepted.waitFor();
    await accepted.click();
    const orders = page.getByRole('article', { name: 'Handler orders' });
    await orders.locator('h3 .badge', { hasText: 'delivered' }).waitFor();
    await page.getByRole('button', { name: 'Rerun', exact: true }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Rerun of ${id} started.` })
      .waitFor();
    await expect.poll(() => orders.getByText(/attempt 1/).count()).toBe(2);
  });

  it('is usable at phone width', async () => {
    const phone = await browser.context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${app.url}/ui/`);
    await phone.getByRole('link', { name: 'order-ok-1' }).first().waitFor();
    const width = await phone.evaluate('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(390);
    await shot('stream-phone', phone);
    await phone.close();
  });
});

describe('the UI origin, and no other, drives the state-changing routes', () => {
  let other: Server;
  let otherUrl: string;
  beforeAll(async () => {
    other = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end('<p>other site</p>'),
    );
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}/`;
  });
  afterAll(() => {
    // The other page's browser keeps its connection open: close it rather than wait for it.
    other.closeAllConnections();
    return new Promise<void>((resolve) => other.close(() => resolve()));
  });

  const counts = () =>
    app.emulator.store.db
      .prepare(
        'SELECT (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM dead_letters WHERE redriven_at IS NULL) AS letters',
      )
      .get();

  it('refuses cross-origin fetches and form posts to redrive, replay, rerun and send', async () => {
    await postEvent(app.url, { id: 'flaky-2', source: '/shop/jobs', type: 'com.example.flaky', data: {} });
    // Every delivery settled (flaky-2's included), so nothing but the requests below could change the counts.
    const unsettled = () =>
      (
        app.emulator.store.db
          .prepare("SELECT count(*) AS n FROM deliveries WHERE status IN ('pending', 'running')")
          .get() as { n: number }
      ).n;
    await expect.poll(unsettled, { timeout: 10_000 }).toBe(0);
    expect((counts() as { letters: number }).letters).toBeGreaterThan(0);
    const before = counts();
    const foreign = await browser.context.newPage();
    await foreign.goto(otherUrl);
    const targets = [
      ['/dead-letters/redrive', '{}'],
      ['/replay?from=2000-01-01T00:00:00Z', '{}'],
      ['/ui/api/rerun', JSON.stringify({ id: 'order-ok-1', source: '/shop/orders' })],
      ['/events', JSON.stringify({ specversion: '1.0', id: 'x-1', source: '/x', type: 't' })],
      ['/sources/aws:sqs', '{"items":[{}]}'],
    ];
    const results = await foreign.evaluate(
      async ({ base, targets }) => {
        const out: string[] = [];
        for (const [path, body] of targets) {
          // A JSON request needs a preflight, which the emulator never grants: the browser refuses it.
          out.push(
            await fetch(base + path, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body,
            }).then(
              (r) => `sent ${r.status}`,
              () => 'blocked',
            ),
          );
          // A "simple" request goes out unasked: the emulator refuses it (the answer is opaque here).
          await fetch(base + path, {
            method: 'POST',
            mode: 'no-cors',
            headers: { 'content-type': 'text/plain' },
            body,
          });
        }
        return out;
      },
      { base: app.url, targets },
    );
    expect(results).toEqual(targets.map(() => 'blocked'));
    // A form posted from the other site, as a CSRF page would.
    await foreign.setContent(
      `<form method="post" enctype="text/plain" action="${app.url}/dead-letters/redrive"><input name='{"ids":[1],"x":"' value='"}'></form>`,
    );
    const [answer] = await Promise.all([
      foreign.waitForNavigation(),
      foreign.locator('form').evaluate((form) => (form as unknown as { submit(): void }).submit()),
    ]);
    expect(answer?.status()).toBe(415);
    expect(counts()).toEqual(before);
    await foreign.close();
  });

  it("accepts the same requests from the UI's own origin", async () => {
    await page.goto(`${app.url}/ui/`);
    const letters = (counts() as { letters: number }).letters;
    const status = await page.evaluate(
      (path) =>
        fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).then(
          (r) => r.status,
        ),
      '/dead-letters/redrive',
    );
    expect(status).toBe(200);
    expect((counts() as { letters: number }).letters).toBeLessThan(letters);
  });
});
