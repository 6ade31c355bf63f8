import { expect, it } from 'vitest';
import * as esbuildPlugin from '../src/build/plugin.js';
import * as triggerkit from '../src/index.js';
import * as otel from '../src/otel/index.js';
import * as testing from '../src/testing/index.js';

// Every export is a decision: this list changes only on purpose.
it('exports exactly the public API', () => {
  expect(Object.keys(triggerkit).sort()).toMatchInlineSnapshot(`
    [
      "NonRetryableError",
      "RetryAfterError",
      "TriggerError",
      "cloudEventProblems",
      "compilePattern",
      "compileRuleIndex",
      "compileTransform",
      "createCloudEvent",
      "createRuleIndex",
      "deadLettersOfFcRecord",
      "defineHandler",
      "isTriggerError",
      "isTriggerHandler",
      "settleHttpBatch",
      "toCloudEvents",
      "toStructuredJson",
    ]
  `);
  expect(Object.keys(testing).sort()).toMatchInlineSnapshot(`
    [
      "createMemoryIdempotencyStore",
      "events",
      "exampleFromSchema",
      "generateEvent",
      "invoke",
      "loadEvent",
      "matchers",
    ]
  `);
  expect(Object.keys(esbuildPlugin).sort()).toMatchInlineSnapshot(`
    [
      "triggerkitPlugin",
    ]
  `);
  expect(Object.keys(otel).sort()).toMatchInlineSnapshot(`
    [
      "openTelemetry",
    ]
  `);
});
