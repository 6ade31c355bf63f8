/** triggerkit: one CloudEvent for every trigger. Public exports only. */
export type { CloudEvent, CloudEventAttributeValue, CloudEventInit } from './cloud-event.js';
export { cloudEventProblems, createCloudEvent, toStructuredJson } from './cloud-event.js';
export { defineHandler, isTriggerHandler, type TriggerHandler } from './define-handler.js';
export type { EventPattern, HandlerContext, HandlerDefinition, SourceDeclaration } from './definition.js';
export type { IdempotencyOptions } from './delivery/idempotency.js';
export type { Outcome } from './delivery/outcome.js';
export type { BackoffPolicy, Duration, RetryPolicy } from './delivery/policy.js';
export type { TriggerErrorCode } from './errors.js';
export { isTriggerError, NonRetryableError, RetryAfterError, TriggerError } from './errors.js';
export type { CompilePatternOptions, Matcher, PatternDialect } from './rules/compile-pattern.js';
export { compilePattern } from './rules/compile-pattern.js';
export type { IndexedRule, RuleIndex } from './rules/rule-index.js';
export { compileRuleIndex, createRuleIndex } from './rules/rule-index.js';
export { settleHttpBatch } from './sources/http/sns-subscription.js';
export type { Batch, BatchItem, NormalizeOptions, SourceKind } from './sources/index.js';
export { toCloudEvents } from './sources/index.js';
export type { Transform, TransformContext, TransformSpec } from './transforms/compile.js';
export { compileTransform } from './transforms/compile.js';
