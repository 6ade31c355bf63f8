import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../sources/catalog.js';
import {
  DEFERRED_BUILTINS,
  deferredBuiltin,
  keepsHttpReplies,
  planBundle,
  prunedModule,
  prunedModules,
} from './prune.js';

const src = new URL('../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, src), 'utf8');

describe('prune: the normalizer modules the source catalog names', () => {
  const imports = [...read('sources/catalog.ts').matchAll(/^import \{([^}]+)\} from '(\.\/[^']+)';/gm)].map(
    (m) => [String(m[2]), String(m[1]).trim()] as const,
  );

  it("imports from each row's module only its `normalize`, which a pruned module leaves undefined", () => {
    for (const row of CATALOG) {
      const names = imports.filter(([module]) => module === row.module).map(([, names]) => names);
      expect(names, row.kind).toEqual([expect.stringMatching(/^normalize as \w+$/)]);
    }
    expect(prunedModule()).toBe('export const normalize = undefined;\n');
  });

  it("names each row's module: its `normalize` export is the row's normalizer", async () => {
    for (const row of CATALOG) {
      const module = (await import(`../sources/${row.module.slice(2)}`)) as { normalize?: unknown };
      expect(module.normalize, row.kind).toBe(row.normalize);
    }
  });

  it('drops the modules of the kinds a bundle does not keep', () => {
    const dropped = prunedModules(new Set(['aws:sqs', 'aws:kinesis']));
    expect(dropped.size).toBe(CATALOG.length - 2);
    expect([...dropped]).not.toContain('./aws/sqs.js');
    expect([...dropped]).not.toContain('./aws/kinesis.js');
    expect([...dropped]).toContain('./aws/sns.js');
    expect(prunedModules(new Set(CATALOG.map((row) => row.kind))).size).toBe(0);
  });
});

describe('prune: the plan', () => {
  const sqs = { sources: ['aws:sqs'], filter: false, transform: false, idempotency: false };
  it('keeps the declared kinds and the stages some handler uses', () => {
    expect(planBundle([sqs, { sources: ['http', 'bus'], filter: true, transform: false }])).toEqual({
      kinds: new Set([
        'aws:sqs',
        'aws:apigateway:v1',
        'aws:apigateway:v2',
        'aws:lambda-url',
        'aws:alb',
        'alibaba:fc-http',
        'cloudevents',
      ]),
      filter: true,
      transform: false,
      http: true,
      idempotency: true,
    });
  });
  it('keeps idempotency only when some handler declares it (a probe that does not say keeps it)', () => {
    expect(planBundle([sqs]).idempotency).toBe(false);
    expect(planBundle([sqs, { ...sqs, idempotency: true }]).idempotency).toBe(true);
    expect(planBundle([{ sources: ['aws:sqs'], filter: false, transform: false }]).idempotency).toBe(true);
  });
  it('keeps the SNS HTTP subscription check with any source that answers HTTP', () => {
    expect(keepsHttpReplies(new Set(['aws:sqs', 'aws:kinesis']))).toBe(false);
    expect(keepsHttpReplies(new Set(['aws:sqs', 'aws:lambda-url']))).toBe(true);
    expect(keepsHttpReplies(undefined)).toBe(true);
  });
  it('keeps every source for a handler without sources, everything when no handler was seen', () => {
    expect(planBundle([sqs, { sources: [], filter: false, transform: false }]).kinds).toBeUndefined();
    expect(planBundle([])).toEqual({
      kinds: undefined,
      filter: true,
      transform: true,
      http: true,
      idempotency: true,
    });
  });
});

describe('prune: deferred built-ins', () => {
  const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith('build/') && !f.startsWith('cli/'),
  );
  const uses = files.flatMap((file) => {
    const code = read(file);
    return [...code.matchAll(/^import \{([^}]+)\} from '(node:[a-z]+)';/gm)]
      .filter((m) => (DEFERRED_BUILTINS as readonly string[]).includes(m[2] as string))
      .flatMap((m) =>
        (m[1] as string)
          .split(',')
          .map((n) => n.trim())
          .filter((n) => n !== '' && !n.startsWith('type '))
          .map((name) => ({ file, code, name, builtin: m[2] as string })),
      );
  });

  it('every name triggerkit imports from them has a stand-in; classes are only constructed or named as types', () => {
    expect(uses.length).toBeGreaterThan(5);
    for (const { file, code, name, builtin } of uses) {
      const local = name.split(/\s+as\s+/).pop() as string;
      const imported = name.split(/\s+as\s+/)[0] as string;
      expect(deferredBuiltin(builtin), `${file}: ${imported}`).toMatch(
        new RegExp(`export (function|const) ${imported}\\b`),
      );
      if (!/^[A-Z]/.test(imported)) continue;
      // A wrapper constructs: `instanceof` and static members would see the wrapper, not the class.
      expect(code, `${file}: ${local}`).not.toMatch(new RegExp(`instanceof ${local}\\b|\\b${local}\\.\\w`));
    }
  });
});

describe('prune: stand-ins', () => {
  it('export every value the modules they replace export to a bundle', async () => {
    const absent = await import('../idempotency-absent.js');
    for (const real of [
      await import('../delivery/idempotency.js'),
      await import('../runtime/aws-lambda/dynamodb-idempotency.js'),
    ])
      for (const name of Object.keys(real)) expect(absent, name).toHaveProperty(name);
    expect(absent.IDEMPOTENCY_ENV).toEqual(
      (await import('../runtime/aws-lambda/dynamodb-idempotency.js')).IDEMPOTENCY_ENV,
    );
    expect(absent.MAX_RESULT_CHARS).toBe((await import('../delivery/idempotency.js')).MAX_RESULT_CHARS);
    const sns = await import('../sources/http/sns-subscription-absent.js');
    // What the adapter and the package index import of it (request.ts is an HTTP normalizer: left out with it).
    for (const name of ['settleHttpBatch', 'isSnsDelivery']) expect(sns, name).toHaveProperty(name);
  });
});
