import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^triggerkit\/testing$/, replacement: src('testing/index.ts') },
      { find: /^triggerkit\/esbuild$/, replacement: src('build/plugin.ts') },
      { find: /^triggerkit\/otel$/, replacement: src('otel/index.ts') },
      { find: /^triggerkit$/, replacement: src('index.ts') },
    ],
  },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'examples/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
