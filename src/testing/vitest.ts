/**
 * `triggerkit/testing/vitest`: registers the matchers with vitest's `expect` and tells TypeScript about
 * them. Import it once, from a setup file (`setupFiles: ['triggerkit/testing/vitest']` in
 * vitest.config, with the setup file in your tsconfig's `include`) or at the top of a test file.
 *
 * @example
 * import 'triggerkit/testing/vitest';
 * expect(await invoke(handler, events.sqs({ data: order }))).toHaveDelivered();
 */
import { expect } from 'vitest';
import { matchers, type TriggerMatchers } from './matchers.js';

expect.extend(matchers);

// Kept in the emitted .d.ts, which drops the value import above: without it the augmentation below reaches
// no project's `vitest`, and `expect(result).toHaveDelivered()` does not typecheck there.
export type {} from 'vitest';

declare module 'vitest' {
  // biome-ignore lint/suspicious/noExplicitAny: the type parameter must be declared as vitest declares it.
  interface Assertion<T = any> extends TriggerMatchers<void> {}
}
