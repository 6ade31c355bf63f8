/**
 * For the web UI's browser tests: an emulator with three small handlers (one with a schema, one that
 * fails its first call and has one attempt, one that takes every order event), and Debian's chromium
 * driven by playwright-core, headless, in a fresh profile.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { defineHandler } from '../../src/define-handler.js';
import { createEmulator, type Emulator } from '../../src/dev/emulator.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Calls of the flaky handler so far: odd calls fail, so a dead letter's redrive delivers. */
let flakyCalls = 0;

export const uiFunctions = () => [
  {
    name: 'orders',
    handler: defineHandler({
      name: 'orders',
      filter: { type: ['com.example.order.created'] },
      schema: {
        type: 'object',
        required: ['orderId', 'total'],
        properties: { orderId: { type: 'string' }, total: { type: 'number', minimum: 0 } },
      },
      retry: { maxAttempts: 1 },
      handle: async () => ({ ok: true }),
    }),
  },
  {
    name: 'flaky',
    handler: defineHandler({
      name: 'flaky',
      filter: { type: ['com.example.flaky'] },
      retry: { maxAttempts: 1 },
      handle: async () => {
        flakyCalls++;
        if (flakyCalls % 2 === 1) throw new Error(`flaky call ${flakyCalls} failed`);
      },
    }),
  },
  {
    name: 'audit',
    handler: defineHandler({
      name: 'audit',
      filter: { source: [{ prefix: '/shop' }] },
      handle: async () => undefined,
    }),
  },
];

export async function startUiEmulator(): Promise<{ emulator: Emulator; url: string; stop(): Promise<void> }> {
  const stateDir = mkdtempSync(join(tmpdir(), 'triggerkit-ui-'));
  const emulator = createEmulator({ functions: uiFunctions(), stateDir, log: () => {} });
  const url = await emulator.listen(0);
  return {
    emulator,
    url,
    async stop() {
      await emulator.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** The launch flags CI uses: no sandbox (root in a container), no GPU, no network of the browser's own. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'triggerkit-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** POSTs a structured CloudEvent to the bus, as curl would. */
export async function postEvent(url: string, event: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${url}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/cloudevents+json' },
    body: JSON.stringify({ specversion: '1.0', ...event }),
  });
  if (response.status !== 202) throw new Error(`POST /events: ${response.status} ${await response.text()}`);
}
