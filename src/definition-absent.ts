/**
 * What `triggerkit build` gives `definition.ts` in place of the stages no handler of the bundle uses
 * (see `src/build/prune.ts`): the event-pattern compiler when no handler has a `filter`, the transform
 * compiler when none has a `transform`, the HTTP options validator when none declares an `http` source.
 * The build saw every handler defined when the module loaded; reaching one of these means a handler was
 * defined later (inside a function) with a stage the bundle left out — a configuration error, thrown at
 * definition time like any other.
 */
import { TriggerError } from './errors.js';
import type { Matcher } from './rules/compile-pattern.js';
import type { HttpSourceOptions } from './sources/http/options.js';
import type { Transform } from './transforms/compile.js';

export function compilePattern(_pattern: unknown): Matcher {
  throw leftOut('filter', 'the event-pattern compiler', 'a `filter`');
}

export function compileTransform(_spec: unknown): Transform {
  throw leftOut('transform', 'the transform compiler', 'a `transform`');
}

export function validateHttpSourceOptions(_options: unknown, where: string): HttpSourceOptions {
  throw leftOut(where, 'HTTP sources', 'an `http` source');
}

function leftOut(path: string, what: string, having: string): TriggerError {
  return new TriggerError(
    'E_CONFIG',
    `\`${path}\` needs ${what}, which \`triggerkit build\` left out of this bundle: no handler defined when the ` +
      `module loaded had ${having}. Define the handler when the module loads (export const handler = defineHandler({ … })), then rebuild.`,
    { path },
  );
}
