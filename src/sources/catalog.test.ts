/**
 * The catalog is the one place a source's facts live: its kind literal appears only there and in the
 * source's own code, the registry follows its rows, and the `sources` declarations derive from them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { CATALOG } from './catalog.js';
import { DECLARATION_KEYS, DECLARED_TYPES, kindsOf, type SourceDeclaration } from './declarations.js';
import type { HttpSourceOptions } from './http/options.js';
import { SOURCES } from './index.js';
import type { SourceKind } from './types.js';

const src = new URL('../', import.meta.url);
/** Non-test TypeScript under src/sources and src/build, by path from src/. */
const FILES = ['sources', 'build'].flatMap((dir) =>
  readdirSync(new URL(`${dir}/`, src), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
    .map((name) => `${dir}/${name}`),
);
const TEXT = new Map(FILES.map((file) => [file, readFileSync(new URL(file, src), 'utf8')]));

describe('source catalog: one place per fact', () => {
  it.each(CATALOG.map((row) => [row.kind, row.module] as const))(
    "the kind '%s' is written only in the catalog and the source's own code",
    (kind, module) => {
      const own = `sources/${module.slice(2).replace(/\.js$/, '.ts')}`;
      const allowed = ['sources/catalog.ts', own, own.replace(/\.ts$/, '-detect.ts')];
      const files = FILES.filter((file) => TEXT.get(file)?.includes(`'${kind}'`));
      expect(files.filter((file) => !allowed.includes(file))).toEqual([]);
      expect(files.length).toBeLessThanOrEqual(2);
    },
  );

  it('one row per kind and label; the registry keeps the row order (the detection order)', () => {
    const kinds = CATALOG.map((row) => row.kind);
    expect(new Set(kinds).size).toBe(kinds.length);
    expect(new Set(CATALOG.map((row) => row.label)).size).toBe(kinds.length);
    expect(SOURCES.map((source) => [source.kind, source.label, source.reply])).toEqual(
      CATALOG.map((row) => [row.kind, row.label, row.reply]),
    );
  });

  it('HTTP envelopes declare as `http`, read their path without normalizing, and nothing else does', () => {
    for (const row of CATALOG) {
      const http = row.reply === 'http';
      expect([row.kind, 'envelope' in row, kindsOf('http').includes(row.kind)]).toEqual([
        row.kind,
        http,
        http,
      ]);
    }
  });

  it('declaration types and keys come from the rows', () => {
    expect(DECLARED_TYPES.slice(0, 2)).toEqual(['bus', 'http']);
    expect(DECLARED_TYPES).toEqual(
      expect.arrayContaining(CATALOG.map((row) => row.kind).filter((k) => !kindsOf('http').includes(k))),
    );
    expect(kindsOf('bus')).toEqual(['cloudevents']);
    expect(DECLARATION_KEYS['aws:s3']).toEqual({ bucket: undefined, prefix: undefined });
    expect(DECLARATION_KEYS['aws:cloudwatch-logs']).toEqual({
      logGroup: undefined,
      filterPattern: undefined,
      events: ['per-line', 'per-batch'],
    });
    expect(kindsOf('aws:schedule')).toEqual(['aws:eventbridge']);
    expect(Object.keys(DECLARATION_KEYS['aws:schedule'] ?? {})).toEqual(['expression']);
    expect(DECLARATION_KEYS['aws:eventbridge']).toEqual({ source: undefined });
    expect(DECLARATION_KEYS.debezium).toEqual({ table: undefined, snapshotMode: ['initial', 'no_data'] });
  });

  it('SourceKind and SourceDeclaration are derived types, as users write them', () => {
    expectTypeOf<'aws:sqs'>().toExtend<SourceKind>();
    expectTypeOf<'aws:sqs-typo'>().not.toExtend<SourceKind>();
    expectTypeOf<Extract<SourceDeclaration, { type: 'aws:sqs' }>>().toEqualTypeOf<{
      type: 'aws:sqs';
      queue?: string;
      batchSize?: number;
      maximumBatchingWindow?: number;
      maximumConcurrency?: number;
    }>();
    expectTypeOf<Extract<SourceDeclaration, { type: 'aws:s3' }>>().toEqualTypeOf<{
      type: 'aws:s3';
      bucket?: string;
      prefix?: string;
      suffix?: string;
    }>();
    expectTypeOf<Extract<SourceDeclaration, { type: 'alibaba:oss' }>>().toEqualTypeOf<{
      type: 'alibaba:oss';
      bucket?: string;
      prefix?: string;
      suffix?: string;
    }>();
    expectTypeOf<Extract<SourceDeclaration, { type: 'aws:cloudwatch-logs' }>>().toEqualTypeOf<{
      type: 'aws:cloudwatch-logs';
      logGroup?: string;
      filterPattern?: string;
      events?: 'per-line' | 'per-batch';
    }>();
    expectTypeOf<Extract<SourceDeclaration, { type: 'http' }>>().toEqualTypeOf<
      { type: 'http' } & HttpSourceOptions
    >();
    expectTypeOf<Extract<SourceDeclaration, { type: 'bus' }>>().toEqualTypeOf<{ type: 'bus' }>();
    expectTypeOf<Extract<SourceDeclaration, { type: 'debezium' }>>().toEqualTypeOf<{
      type: 'debezium';
      table?: string;
      snapshotMode?: 'initial' | 'no_data';
    }>();
    // A variant: a second declaration type of the EventBridge row, with a required key of its own.
    expectTypeOf<Extract<SourceDeclaration, { type: 'aws:schedule' }>>().toEqualTypeOf<{
      type: 'aws:schedule';
      expression: string;
    }>();
    expectTypeOf<SourceDeclaration['type']>().toEqualTypeOf<
      | Exclude<
          SourceKind,
          `aws:${'apigateway:v1' | 'apigateway:v2' | 'lambda-url' | 'alb'}` | 'alibaba:fc-http'
        >
      | 'bus'
      | 'http'
      | 'aws:schedule'
    >();
  });
});
