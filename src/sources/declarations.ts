/**
 * What a handler's `sources` declare, and the check that a delivered batch is one of them. Resources
 * are read from the transport (queue ARN, topic, bucket, path…), not from the normalized events, so an
 * SNS message inside an SQS message still counts as the SQS queue that delivered it.
 */
import { TriggerError } from '../errors.js';
import { decodeS3Key } from './aws/s3.js';
import { BUILT_IN_KINDS } from './built-in.js';
import type { HttpSourceOptions } from './http/options.js';
import { type Batch, isObject } from './types.js';

/** A trigger a handler accepts. Resource fields are optional: leave one out to accept any. */
export type SourceDeclaration =
  | { type: 'bus' }
  | ({ type: 'http' } & HttpSourceOptions)
  | { type: 'aws:sqs'; queue?: string }
  | { type: 'aws:sns'; topic?: string }
  | { type: 'aws:s3'; bucket?: string; prefix?: string }
  | { type: 'aws:kinesis'; stream?: string }
  | { type: 'aws:dynamodb'; table?: string }
  | { type: 'aws:kafka'; topic?: string }
  | { type: 'aws:mq'; queue?: string }
  | { type: 'aws:cloudwatch-logs'; logGroup?: string; events?: 'per-line' | 'per-batch' }
  | { type: 'aws:eventbridge'; source?: string }
  | { type: 'cloudevents' | 'debezium' | 'rocketmq' | `alibaba:${'eventbridge' | 'oss' | 'sls' | 'mns'}` };

/** Which batch kinds each declaration type covers: HTTP envelopes all count as `http`. */
const HTTP_KINDS = new Set(['aws:apigateway:v1', 'aws:apigateway:v2', 'aws:lambda-url', 'aws:alb']);

/** The one resource field of each type, and where it is in the raw event. */
const RESOURCES: Record<string, { field: string; read: (raw: unknown) => string[] }> = {
  'aws:sqs': { field: 'queue', read: (raw) => records(raw).map((r) => lastSegment(r.eventSourceARN, ':')) },
  'aws:sns': {
    field: 'topic',
    read: (raw) => records(raw).map((r) => lastSegment((r.Sns as { TopicArn?: unknown })?.TopicArn, ':')),
  },
  'aws:kinesis': {
    field: 'stream',
    read: (raw) => records(raw).map((r) => lastSegment(r.eventSourceARN, '/')),
  },
  'aws:dynamodb': { field: 'table', read: (raw) => records(raw).map((r) => tableOf(r.eventSourceARN)) },
  'aws:s3': {
    field: 'bucket',
    read: (raw) => records(raw).map((r) => String(path(r, 's3', 'bucket', 'name') ?? '')),
  },
  'aws:kafka': {
    field: 'topic',
    read: (raw) =>
      Object.values((raw as { records?: Record<string, { topic?: string }[]> }).records ?? {}).flatMap((l) =>
        l.map((r) => r.topic ?? ''),
      ),
  },
};

/** The keys besides `type` that each declaration type takes (http's are checked by its own validator). */
export const DECLARATION_KEYS: Readonly<Record<string, readonly string[]>> = {
  'aws:sqs': ['queue'],
  'aws:sns': ['topic'],
  'aws:s3': ['bucket', 'prefix'],
  'aws:kinesis': ['stream'],
  'aws:dynamodb': ['table'],
  'aws:kafka': ['topic'],
  'aws:mq': ['queue'],
  'aws:cloudwatch-logs': ['logGroup', 'events'],
  'aws:eventbridge': ['source'],
};

/** The kinds a declaration of this type accepts. */
export const DECLARED_TYPES: readonly string[] = [
  'bus',
  'http',
  'aws:sqs',
  'aws:sns',
  'aws:s3',
  'aws:kinesis',
  'aws:dynamodb',
  'aws:kafka',
  'aws:mq',
  'aws:cloudwatch-logs',
  'aws:eventbridge',
  'cloudevents',
  'debezium',
  'rocketmq',
  'alibaba:eventbridge',
  'alibaba:oss',
  'alibaba:sls',
  'alibaba:mns',
];

/** The batch kinds a declaration type covers: `http` every HTTP envelope, `bus` structured CloudEvents. */
export function kindsOf(type: string): readonly string[] {
  if (type === 'http') return [...HTTP_KINDS];
  return [type === 'bus' ? 'cloudevents' : type];
}

/**
 * In a Lambda bundle `triggerkit build` pruned to its handlers' sources, throws `E_CONFIG` for a handler
 * whose sources the bundle cannot normalize (one defined after the module loaded, which the build did not
 * see). A handler without `sources` takes every trigger, so it needs them all. Elsewhere a no-op.
 */
export function checkBuiltInSources(sources: readonly SourceDeclaration[], handler: string): void {
  if (BUILT_IN_KINDS === undefined) return;
  const missing =
    sources.length === 0
      ? 'every source (it declares no `sources`)'
      : sources
          .filter((s) => kindsOf(s.type).some((kind) => !BUILT_IN_KINDS?.has(kind)))
          .map((s) => s.type)
          .join(', ');
  if (missing === '') return;
  throw new TriggerError(
    'E_CONFIG',
    `${handler} needs ${missing}, which \`triggerkit build\` left out of this bundle: it keeps the sources of the handlers defined when the module loaded. Define the handler when the module loads (export const handler = defineHandler({ … })), then rebuild.`,
    { path: 'sources' },
  );
}

/**
 * Throws `E_SOURCE_UNDECLARED` when a handler that declares `sources` receives a batch from anything else.
 * A handler without `sources` accepts every trigger.
 */
export function checkDeclaredSource(
  sources: readonly SourceDeclaration[],
  batch: Batch,
  raw: unknown,
  handler: string,
): void {
  if (sources.length === 0) return;
  const type = HTTP_KINDS.has(batch.source) ? 'http' : batch.source;
  const candidates = sources.filter((s) => s.type === type || (s.type === 'bus' && type === 'cloudevents'));
  if (candidates.some((s) => accepts(s, batch, raw))) return;
  const declared = sources.map(describe).join(', ');
  const seen = describeBatch(type, batch, raw);
  throw new TriggerError(
    'E_SOURCE_UNDECLARED',
    `Handler "${handler}" does not accept ${seen}: it declares ${declared}. Add the trigger to its \`sources\`, or route it to another handler.`,
    { details: { status: 404 } },
  );
}

function accepts(declaration: SourceDeclaration, batch: Batch, raw: unknown): boolean {
  if (declaration.type === 'http') return batch.http === undefined || batch.http.path === declaration.path;
  const resource = RESOURCES[declaration.type];
  if (resource === undefined) return true;
  const wanted = (declaration as Record<string, unknown>)[resource.field];
  const prefix = declaration.type === 'aws:s3' ? declaration.prefix : undefined;
  if (declaration.type === 'aws:s3' && prefix !== undefined) {
    const keys = records(raw).map((r) => decodeS3Key(String(path(r, 's3', 'object', 'key') ?? '')));
    if (!keys.every((key) => key.startsWith(prefix))) return false;
  }
  return wanted === undefined || resource.read(raw).every((r) => r === wanted);
}

function describe(declaration: SourceDeclaration): string {
  if (declaration.type === 'http') return `http ${declaration.path}`;
  const resource = RESOURCES[declaration.type];
  const value = resource && (declaration as Record<string, unknown>)[resource.field];
  return value === undefined ? declaration.type : `${declaration.type} ${resource?.field} "${String(value)}"`;
}

function describeBatch(type: string, batch: Batch, raw: unknown): string {
  if (type === 'http') return `an HTTP request to ${batch.http?.path ?? '(unknown path)'}`;
  const resource = RESOURCES[type];
  const values = resource ? [...new Set(resource.read(raw))] : [];
  return values.length > 0 ? `${type} ${resource?.field} ${values.map((v) => `"${v}"`).join(', ')}` : type;
}

function records(raw: unknown): Record<string, unknown>[] {
  const list = isObject(raw) && Array.isArray(raw.Records) ? raw.Records : [];
  return list.filter(isObject);
}

function lastSegment(value: unknown, separator: string): string {
  return typeof value === 'string' ? (value.split(separator).pop() ?? '') : '';
}

/** `arn:aws:dynamodb:region:account:table/Orders/stream/2026-…` → `Orders` */
function tableOf(arn: unknown): string {
  return typeof arn === 'string' ? (arn.split(':table/')[1]?.split('/')[0] ?? '') : '';
}

function path(value: unknown, ...keys: string[]): unknown {
  let node = value;
  for (const key of keys) node = isObject(node) ? node[key] : undefined;
  return node;
}
