import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SOURCES } from '../sources/index.js';
import {
  DEFERRED_BUILTINS,
  deferredBuiltin,
  INDEX_IMPORTS,
  INDEX_KEPT_IMPORTS,
  planBundle,
  prunedModule,
} from './prune.js';

const src = new URL('../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, src), 'utf8');

describe('prune: the table of sources/index.ts imports', () => {
  it('names every module sources/index.ts builds its detection order from', () => {
    const imports = [...read('sources/index.ts').matchAll(/from '(\.\/[^']+)'/g)].map((m) => String(m[1]));
    expect(imports.filter((path) => !INDEX_KEPT_IMPORTS.includes(path)).sort()).toEqual(
      Object.keys(INDEX_IMPORTS).sort(),
    );
  });

  it('lists the sources in detection order, each as its module exports it', async () => {
    const members = Object.values(INDEX_IMPORTS).flatMap((entry) => entry.members);
    expect(members.map(([kind]) => kind)).toEqual(SOURCES.map((s) => s.kind));
    for (const [i, [, module, name]] of members.entries()) {
      const exported = (await import(`../sources/${module.slice(2)}`)) as Record<string, unknown>;
      expect(exported[name], `${module} ${name}`).toBe(SOURCES[i]);
    }
    for (const [specifier, entry] of Object.entries(INDEX_IMPORTS)) {
      if (entry.list === undefined) continue;
      const registry = (await import(`../sources/${specifier.slice(2)}`)) as Record<string, unknown>;
      expect((registry[entry.list] as { kind: string }[]).map((s) => s.kind)).toEqual(
        entry.members.map(([kind]) => kind),
      );
    }
  });

  it('generates a registry that keeps declared sources and stands in for the others', () => {
    expect(prunedModule('./registry-queues.js', new Set(['aws:sqs', 'aws:kinesis']))).toBe(
      [
        "import { STAND_INS } from './stand-ins.js';",
        'import { sqs as kept_aws_sqs } from "./aws/sqs.js";',
        'import { kinesis as kept_aws_kinesis } from "./aws/kinesis.js";',
        'export const QUEUE_SOURCES = [kept_aws_sqs, STAND_INS["aws:sns"], STAND_INS["aws:s3"], kept_aws_kinesis, STAND_INS["aws:kafka"], STAND_INS["aws:mq"]];',
        '',
      ].join('\n'),
    );
    expect(prunedModule('./cloudevents.js', new Set())).toContain(
      'export const cloudEvents = STAND_INS["cloudevents"];',
    );
  });
});

describe('prune: the plan', () => {
  const sqs = { sources: ['aws:sqs'], filter: false, transform: false };
  it('keeps the declared kinds and the stages some handler uses', () => {
    expect(planBundle([sqs, { sources: ['http', 'bus'], filter: true, transform: false }])).toEqual({
      kinds: new Set([
        'aws:sqs',
        'aws:apigateway:v1',
        'aws:apigateway:v2',
        'aws:lambda-url',
        'aws:alb',
        'cloudevents',
      ]),
      filter: true,
      transform: false,
      http: true,
    });
  });
  it('keeps every source for a handler without sources, everything when no handler was seen', () => {
    expect(planBundle([sqs, { sources: [], filter: false, transform: false }]).kinds).toBeUndefined();
    expect(planBundle([])).toEqual({ kinds: undefined, filter: true, transform: true, http: true });
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
