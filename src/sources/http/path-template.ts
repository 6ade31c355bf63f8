/**
 * HTTP source paths as API Gateway HTTP APIs route them: literal segments, `{name}` segments that match
 * one segment, and a final greedy `{name+}` that matches the rest. The most specific matching route wins.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
 */
import { TriggerError } from '../../errors.js';

type Segment =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'param' | 'greedy'; readonly name: string };

/** A path template compiled once: its segments, split on `/` after the leading one. */
export interface PathTemplate {
  readonly path: string;
  readonly segments: readonly Segment[];
}

const VARIABLE = /^\{([^{}]*)\}$/;
const NAME = /^[A-Za-z0-9._-]+$/;
const COMPILED = new Map<string, PathTemplate>();

/**
 * Compiles a declared path; throws `TriggerError` `E_CONFIG` at `where` for a `{name+}` that is not the
 * last segment, an empty or invalid name, a name used twice, or a brace that is not a whole segment.
 *
 * @example
 * compilePathTemplate('/orders/{id}/items/{proxy+}', 'sources[0].path');
 */
export function compilePathTemplate(path: string, where: string): PathTemplate {
  const cached = COMPILED.get(path);
  if (cached !== undefined) return cached;
  const parts = path.slice(1).split('/');
  const seen = new Set<string>();
  const segments = parts.map((part, i): Segment => {
    const variable = VARIABLE.exec(part);
    if (variable === null) {
      if (part.includes('{') || part.includes('}'))
        fail(where, path, `"${part}" mixes text and braces; a variable is a whole segment such as "{id}"`);
      return { kind: 'literal', text: part };
    }
    const body = variable[1] as string;
    const greedy = body.endsWith('+');
    const name = greedy ? body.slice(0, -1) : body;
    if (!NAME.test(name))
      fail(where, path, `"${part}" needs a name of letters, digits, ".", "_" or "-", such as "{id}"`);
    if (seen.has(name)) fail(where, path, `"{${name}}" appears twice; give each variable its own name`);
    seen.add(name);
    if (greedy && i !== parts.length - 1)
      fail(where, path, `"${part}" is greedy and must be the last segment, as in "/files/{proxy+}"`);
    return greedy ? { kind: 'greedy', name } : { kind: 'param', name };
  });
  const template = Object.freeze({ path, segments: Object.freeze(segments) });
  COMPILED.set(path, template);
  return template;
}

/**
 * The path parameters of `requestPath` under `template` (percent-decoded, as API Gateway hands them to
 * Lambda), or `undefined` when it does not match. A template without variables gives `{}` on a match.
 *
 * @example
 * matchPathTemplate(compilePathTemplate('/orders/{id}', 'path'), '/orders/a%20b'); // { id: 'a b' }
 */
export function matchPathTemplate(
  template: PathTemplate,
  requestPath: string,
): Readonly<Record<string, string>> | undefined {
  if (!requestPath.startsWith('/')) return undefined;
  const parts = requestPath.slice(1).split('/');
  const params: Record<string, string> = {};
  const { segments } = template;
  for (const [i, segment] of segments.entries()) {
    if (segment.kind === 'greedy') {
      const rest = parts.slice(i).join('/');
      if (rest === '') return undefined;
      params[segment.name] = decode(rest);
      return Object.freeze(params);
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (segment.kind === 'literal') {
      if (part !== segment.text) return undefined;
    } else {
      if (part === '') return undefined;
      params[segment.name] = decode(part);
    }
  }
  return parts.length === segments.length ? Object.freeze(params) : undefined;
}

/**
 * The declaration whose `path` matches `requestPath` most specifically (literal segments before `{name}`,
 * `{name}` before a greedy `{name+}`, segment by segment), with its parameters; `undefined` if none does.
 * Ties keep declaration order.
 *
 * @example
 * selectByPath([{ path: '/orders/{proxy+}' }, { path: '/orders/{id}' }], '/orders/42');
 * // { item: { path: '/orders/{id}' }, pathParameters: { id: '42' } }
 */
export function selectByPath<T extends { readonly path: string }>(
  items: readonly T[],
  requestPath: string,
): { item: T; pathParameters: Readonly<Record<string, string>> } | undefined {
  return rankByPath(items, requestPath)[0];
}

/** Every declaration matching `requestPath`, most specific first. */
export function rankByPath<T extends { readonly path: string }>(
  items: readonly T[],
  requestPath: string,
): { item: T; pathParameters: Readonly<Record<string, string>> }[] {
  const found: { item: T; pathParameters: Readonly<Record<string, string>>; rank: number[] }[] = [];
  for (const item of items) {
    const template = compilePathTemplate(item.path, 'path');
    const pathParameters = matchPathTemplate(template, requestPath);
    if (pathParameters !== undefined) found.push({ item, pathParameters, rank: rankOf(template) });
  }
  found.sort((a, b) => compareRanks(a.rank, b.rank));
  return found.map(({ item, pathParameters }) => ({ item, pathParameters }));
}

const RANK = { literal: 0, param: 1, greedy: 2 } as const;
const rankOf = (template: PathTemplate) => template.segments.map((s) => RANK[s.kind]);

function compareRanks(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  // Same kinds as far as both go: the longer (more literal segments before a greedy tail) is more specific.
  return b.length - a.length;
}

/** API Gateway decodes path parameters; a malformed escape (`%zz`) is passed on as sent. */
function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function fail(where: string, path: string, why: string): never {
  throw new TriggerError('E_CONFIG', `Invalid path template \`${where}\` ${JSON.stringify(path)}: ${why}.`, {
    path: where,
  });
}
