/**
 * The registry: the catalog's rows as sources, in detection order. In a bundle `triggerkit build` pruned
 * (`src/build/prune.ts`) a row without its normalizer becomes a detect-only stand-in: it recognizes
 * exactly what its source recognizes, at the same place in the detection order, and gives an empty batch
 * that `checkDeclaredSource` refuses with the same `E_SOURCE_UNDECLARED` message as the real one — the
 * same kind, reply and resources, and for HTTP envelopes the request path and answer style.
 */

import { CATALOG } from './catalog.js';
import type { CatalogRow } from './catalog-row.js';
import type { Batch, HttpRequest, Source, SourceKind } from './types.js';

type Row = CatalogRow<SourceKind>;
type Resources = Readonly<Record<string, readonly string[]>>;

/** A pruned row's normalizer: no events, only what the refusal and the answer read. */
export function standIn(row: Row): NonNullable<Row['normalize']> {
  return (raw) => {
    const envelope = row.envelope?.(raw);
    // A refused request: only its path (the refusal names it) and the answer style are read.
    const http = envelope && ({ ...envelope } as HttpRequest);
    return Object.freeze({
      source: row.kind,
      reply: row.reply,
      items: Object.freeze([]),
      ...(http && { http }),
    });
  };
}

/** What the transport names, per declaration key that selects batches by it: distinct values, if any. */
function resourcesOf(row: Row): Source['resources'] {
  const keys = row.declares?.keys;
  if (keys === undefined || keys === 'http') return undefined;
  const readers = Object.entries(keys).flatMap(([key, spec]) =>
    'read' in spec ? [[key, spec.read.bind(spec)] as const] : [],
  );
  if (readers.length === 0) return undefined;
  return (raw): Resources => {
    const named: Record<string, readonly string[]> = {};
    for (const [key, read] of readers) {
      const values = read(raw);
      if (values.length > 0) named[key] = Object.freeze(values);
    }
    return Object.freeze(named);
  };
}

function toSource(row: Row): Source {
  const resources = resourcesOf(row);
  return Object.freeze({
    kind: row.kind,
    reply: row.reply,
    label: row.label,
    detect: row.detect,
    normalize: row.normalize ?? standIn(row),
    ...(row.envelope && { envelope: row.envelope }),
    ...(resources && { resources }),
  });
}

/** The catalog's rows, each seen through the shape every row shares. */
export const ROWS: readonly Row[] = CATALOG;

/** Every source, in detection order (first match wins). */
export const SOURCES: readonly Source[] = ROWS.map(toSource);

const BY_KIND = new Map(SOURCES.map((source) => [source.kind, source]));

/** The source of a kind. */
export function sourceOf(kind: SourceKind): Source {
  return BY_KIND.get(kind) as Source;
}

/** The row of a kind. */
export function rowOf(kind: SourceKind): Row {
  return ROWS.find((row) => row.kind === kind) as Row;
}

/** The source that recognizes `raw`, without normalizing it. */
export function detectSource(raw: unknown): Source | undefined {
  return SOURCES.find((s) => s.detect(raw));
}

/** `batch` with what the transport names (`Batch.resources`, when it names anything), for the `sources` check. */
export function withResources(source: Source, raw: unknown, batch: Batch): Batch {
  const read = source.resources;
  return read === undefined ? batch : (Object.freeze(new NamedBatch(batch, read, raw)) as Batch);
}

/**
 * A batch whose `resources` are read from the transport on first use: only a declaration that names a
 * queue, topic, bucket… looks at them, and reading them (every record's ARN, every S3 key decoded) would
 * cost each batch otherwise. A class, so the getter lives on its prototype and the batch keeps one shape
 * (an accessor defined on each object made batches twice as slow to build).
 */
class NamedBatch {
  readonly #read: NonNullable<Source['resources']>;
  readonly #raw: unknown;
  #resources: Batch['resources'] | null = null;

  constructor(batch: Batch, read: NonNullable<Source['resources']>, raw: unknown) {
    Object.assign(this, batch);
    this.#read = read;
    this.#raw = raw;
  }

  get resources(): Batch['resources'] {
    if (this.#resources === null) {
      const found = this.#read(this.#raw);
      this.#resources = Object.keys(found).length === 0 ? undefined : found;
    }
    return this.#resources;
  }
}
