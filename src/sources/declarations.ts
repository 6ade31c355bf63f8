/**
 * What a handler's `sources` declare, and the check that a delivered batch is one of them, both derived
 * from the `declares` of the catalog's rows. Resources are what the transport names (`Batch.resources`:
 * the queue of the ARN, the topic, the bucket…), not the normalized events, so an SNS message inside an
 * SQS message still counts as the SQS queue that delivered it.
 */
import { TriggerError } from '../errors.js';
import type { SourceRow } from './catalog.js';
import type { CatalogRow, DeclarationOf, Declares, Key, Setting } from './catalog-row.js';
import { compilePathTemplate, matchPathTemplate } from './http/path-template.js';
import { ROWS, rowOf } from './registry.js';
import type { Batch, SourceKind } from './types.js';

/** A trigger a handler accepts. Resource fields are optional: leave one out to accept any. */
export type SourceDeclaration = DeclarationOf<SourceRow>;

type Row = CatalogRow<SourceKind>;

/** The types that declare a row: its own (default its kind), then its variants'. */
const typesOf = (row: Row): readonly string[] => [
  ...(row.declares?.types ?? [row.kind]),
  ...Object.keys(row.declares?.variants ?? {}),
];
/** The keys a declaration `type` takes on `row`: a variant's own, else the row's. */
const keysOf = (row: Row, type: string): Readonly<Record<string, Key<unknown>>> => {
  const variant = row.declares?.variants?.[type];
  const keys = variant === undefined ? row.declares?.keys : variant.keys;
  return keys === undefined || keys === 'http' ? {} : keys;
};
/** The key whose value names the resource (queue, topic, bucket…), for messages. */
const resourceKey = (row: Row, type: string) =>
  Object.entries(keysOf(row, type)).find(([, key]) => key.match === 'equal')?.[0];
/** The first row a declaration type covers: it holds the type's keys. */
const rowOfType = (type: string) => ROWS.find((row) => typesOf(row).includes(type));

/**
 * Every declaration type: those that are not a kind first (`bus`, `http`), then the kinds, in catalog
 * order, then the variants (`aws:schedule`).
 */
export const DECLARED_TYPES: readonly string[] = (() => {
  const variants = ROWS.flatMap((row) => Object.keys(row.declares?.variants ?? {}));
  const types = [...new Set(ROWS.flatMap(typesOf))].filter((t) => !variants.includes(t));
  const kinds = new Set<string>(ROWS.map((row) => row.kind));
  return [...types.filter((t) => !kinds.has(t)), ...types.filter((t) => kinds.has(t)), ...variants];
})();

/** What a declaration key may be: one of some strings, any non-empty string (`undefined`), or a setting. */
export type KeyRule = readonly string[] | Setting | undefined;

/**
 * The keys besides `type` each declaration type takes, and the values each may be; http's are checked by
 * its own validator.
 */
export const DECLARATION_KEYS: Readonly<Record<string, Readonly<Record<string, KeyRule>>>> =
  Object.fromEntries(
    DECLARED_TYPES.map((type) => {
      const keys = Object.entries(keysOf(rowOfType(type) as Row, type));
      return [
        type,
        Object.fromEntries(
          keys.map(([key, spec]) => [
            key,
            spec.match === 'setting' ? spec : 'values' in spec ? spec.values : undefined,
          ]),
        ),
      ];
    }),
  );

/** The cross-key rule of a declaration type, if its row has one. */
export function declarationCheck(type: string): Declares<unknown>['check'] {
  const declares = rowOfType(type)?.declares;
  const variant = declares?.variants?.[type];
  return variant === undefined ? declares?.check : variant.check;
}

/** The batch kinds a declaration type covers: `http` every HTTP envelope, `bus` structured CloudEvents. */
export function kindsOf(type: string): readonly SourceKind[] {
  return ROWS.filter((row) => typesOf(row).includes(type)).map((row) => row.kind);
}

/** Kinds a bundle that `triggerkit build` pruned holds no normalizer for (none elsewhere). */
const LEFT_OUT: ReadonlySet<string> = new Set(ROWS.filter((row) => !row.normalize).map((row) => row.kind));

/**
 * In a Lambda bundle `triggerkit build` pruned to its handlers' sources, throws `E_CONFIG` for a handler
 * whose sources the bundle cannot normalize (one defined after the module loaded, which the build did not
 * see). A handler without `sources` takes every trigger, so it needs them all. Elsewhere a no-op.
 */
export function checkBuiltInSources(sources: readonly SourceDeclaration[], handler: string): void {
  if (LEFT_OUT.size === 0) return;
  const missing =
    sources.length === 0
      ? 'every source (it declares no `sources`)'
      : sources
          .filter((s) => kindsOf(s.type).some((kind) => LEFT_OUT.has(kind)))
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
 *
 * @example
 * checkDeclaredSource([{ type: 'http', path: '/hooks/orders' }], toCloudEvents(request), 'orders-webhook');
 */
export function checkDeclaredSource(
  sources: readonly SourceDeclaration[],
  batch: Batch,
  handler: string,
): void {
  if (sources.length === 0) return;
  const row = rowOf(batch.source);
  const types = typesOf(row);
  if (sources.some((s) => types.includes(s.type) && accepts(s, row, batch))) return;
  const declared = sources.map(describe).join(', ');
  throw new TriggerError(
    'E_SOURCE_UNDECLARED',
    `Handler "${handler}" does not accept ${describeBatch(types[0] as string, row, batch)}: it declares ${declared}. Add the trigger to its \`sources\`, or route it to another handler.`,
    { details: { status: 404 } },
  );
}

function accepts(declaration: SourceDeclaration, row: Row, batch: Batch): boolean {
  if (declaration.type === 'http')
    return (
      batch.http === undefined ||
      matchPathTemplate(compilePathTemplate(declaration.path, 'path'), batch.http.path) !== undefined
    );
  return Object.entries(keysOf(row, declaration.type)).every(([key, spec]) => {
    const wanted = (declaration as Record<string, unknown>)[key];
    if (spec.match === 'none' || typeof wanted !== 'string') return true;
    const values = batch.resources?.[key] ?? [];
    if (spec.match === 'equal') return values.every((value) => value === wanted);
    return spec.match === 'prefix'
      ? values.every((value) => value.startsWith(wanted))
      : values.every((value) => value.endsWith(wanted));
  });
}

function describe(declaration: SourceDeclaration): string {
  if (declaration.type === 'http') return `http ${declaration.path}`;
  const row = rowOfType(declaration.type);
  const key = row && resourceKey(row, declaration.type);
  const value = key && (declaration as Record<string, unknown>)[key];
  const named = value === undefined ? declaration.type : `${declaration.type} ${key} "${String(value)}"`;
  // Object-store declarations narrow by key: say so, or "bucket X … it declares bucket X" reads as a riddle.
  const { prefix, suffix } = declaration as { prefix?: unknown; suffix?: unknown };
  const keys = [
    typeof prefix === 'string' ? `starting "${prefix}"` : undefined,
    typeof suffix === 'string' ? `ending "${suffix}"` : undefined,
  ].filter((part) => part !== undefined);
  return keys.length === 0 ? named : `${named} (keys ${keys.join(' and ')})`;
}

function describeBatch(type: string, row: Row, batch: Batch): string {
  if (type === 'http') return `an HTTP request to ${batch.http?.path ?? '(unknown path)'}`;
  const key = resourceKey(row, type);
  const values = (key && batch.resources?.[key]) || [];
  const named = values.length > 0 ? `${type} ${key} ${values.map((v) => `"${v}"`).join(', ')}` : type;
  const objects = batch.resources?.suffix ?? batch.resources?.prefix ?? [];
  return objects.length > 0 ? `${named}, key ${objects.map((v) => `"${v}"`).join(', ')}` : named;
}
