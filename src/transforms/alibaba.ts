/**
 * Alibaba Cloud EventBridge event transformation: the four forms of a target parameter (`ParamList`):
 * ORIGINAL (complete event), JSONPATH (partial event), CONSTANT (fixed value) and TEMPLATE (variables
 * from JSONPaths or constants, then `${name}` placeholders). Alibaba events are CloudEvents already, so
 * these forms read the CloudEvent as it is: `$.data.name`, `$.subject`.
 * @see https://www.alibabacloud.com/help/en/eventbridge/user-guide/event-transformation
 * @see https://github.com/apache/rocketmq-eventbridge (docs/cn: the open-source EventBridge's Transform examples)
 */
import { TriggerError } from '../errors.js';
import { ALIBABA_VALUE_MAX, checkLength } from './alibaba-limits.js';
import { type CompiledPath, compilePath, describe, MISSING } from './jsonpath.js';
import {
  freezeConstant,
  type PlaceholderSyntax,
  parseTemplate,
  render,
  type SlotCheck,
  TemplateSyntaxError,
} from './template.js';

export type AlibabaForm = 'ORIGINAL' | 'JSONPATH' | 'CONSTANT' | 'TEMPLATE';

/** One target parameter as the console/API (`Form`, `Value`, `Template`) or SDKs (`form`, …) write it. */
export type AlibabaTransformSpec =
  | { form: AlibabaForm; value?: unknown; template?: string; resourceKey?: string }
  | { Form: AlibabaForm; Value?: unknown; Template?: string; ResourceKey?: string };

type Run = (event: unknown) => unknown;

const FORMS: readonly AlibabaForm[] = ['ORIGINAL', 'JSONPATH', 'CONSTANT', 'TEMPLATE'];

/** `${name}`, blanks around the name ignored; a placeholder inside a placeholder is refused. */
const ALIBABA_PLACEHOLDER: PlaceholderSyntax = {
  match(text, pos) {
    if (!text.startsWith('${', pos)) return undefined;
    const close = text.indexOf('}', pos + 2);
    if (close < 0) return undefined;
    const inner = text.slice(pos + 2, close);
    const name = inner.trim();
    if (inner.includes('${')) return { name, end: close + 1, problem: 'nested variables are not supported' };
    if (name === '')
      return { name, end: close + 1, problem: `a placeholder needs a variable name, as in \${name}` };
    return { name, end: close + 1 };
  },
};

/** True when `spec` is an Alibaba transform (it has a `form`). */
export function isAlibabaTransform(spec: object): boolean {
  return Object.hasOwn(spec, 'form') || Object.hasOwn(spec, 'Form');
}

/**
 * Compiles one Alibaba transform. Throws `E_TRANSFORM_INVALID` saying where, why and how to fix.
 *
 * @example
 * compileAlibaba({ form: 'JSONPATH', value: '$.data.name' }, 'transform')(ossEvent) // 'test'
 */
export function compileAlibaba(spec: Readonly<Record<string, unknown>>, where: string): Run {
  const pascal = Object.hasOwn(spec, 'Form');
  const key = pascal
    ? { form: 'Form', value: 'Value', template: 'Template' }
    : { form: 'form', value: 'value', template: 'template' };
  const allowed = [key.form, key.value, key.template, pascal ? 'ResourceKey' : 'resourceKey'];
  for (const name of Object.keys(spec)) {
    if (!allowed.includes(name)) {
      throw invalid(`${where}.${name}`, `is not a key of an Alibaba transform; use ${allowed.join(', ')}`);
    }
  }
  const form = spec[key.form];
  if (typeof form !== 'string' || !(FORMS as readonly string[]).includes(form)) {
    const upper = typeof form === 'string' && (FORMS as readonly string[]).includes(form.toUpperCase());
    throw invalid(
      `${where}.${key.form}`,
      `must be one of ${FORMS.join(', ')}, got ${describe(form)}${upper ? `; write it in capitals: '${String(form).toUpperCase()}'` : ''}`,
    );
  }
  const value = spec[key.value];
  const template = spec[key.template];
  const valueWhere = `${where}.${key.value}`;
  if (form !== 'TEMPLATE' && template !== undefined) {
    throw invalid(
      `${where}.${key.template}`,
      `is only used by the TEMPLATE form; remove it or set ${key.form}: 'TEMPLATE'`,
    );
  }
  switch (form) {
    case 'ORIGINAL':
      if (value !== undefined && value !== '') {
        throw invalid(valueWhere, 'is not used by ORIGINAL, which delivers the complete event; remove it');
      }
      return (event) => event;
    case 'JSONPATH': {
      const path = compilePath(value, 'alibaba', valueWhere);
      return (event) => {
        const found = path.read(event);
        if (found === MISSING) return undefined;
        return checkLength(found, valueWhere, `the value at ${path.text}`);
      };
    }
    case 'CONSTANT': {
      const constant = compileConstant(value, valueWhere);
      return () => constant;
    }
    default:
      return compileTemplate(value, template, valueWhere, `${where}.${key.template}`);
  }
}

function compileConstant(value: unknown, where: string): unknown {
  if (value === undefined)
    throw invalid(where, "is required by CONSTANT: the fixed value to deliver, e.g. 'refresh'");
  let text: string | undefined;
  try {
    text = typeof value === 'string' ? value : JSON.stringify(value);
  } catch {
    text = undefined;
  }
  if (text === undefined) throw invalid(where, `must be a string or a JSON value, got ${describe(value)}`);
  if (text.length > ALIBABA_VALUE_MAX) {
    throw invalid(where, `is ${text.length} characters; Alibaba EventBridge allows ${ALIBABA_VALUE_MAX}`);
  }
  return typeof value === 'string' ? value : freezeConstant(JSON.parse(text));
}

type Variable = { readonly path: CompiledPath } | { readonly constant: string };

function compileTemplate(value: unknown, template: unknown, valueWhere: string, templateWhere: string): Run {
  const variables = compileVariables(value, valueWhere);
  if (typeof template !== 'string') {
    throw invalid(
      templateWhere,
      `is required by TEMPLATE: text with \${name} placeholders, e.g. 'Order \${id} is \${state}'`,
    );
  }
  if (template.length > ALIBABA_VALUE_MAX) {
    throw invalid(
      templateWhere,
      `is ${template.length} characters; Alibaba EventBridge allows ${ALIBABA_VALUE_MAX}`,
    );
  }
  const check: SlotCheck = (name) => {
    if (!variables.has(name)) {
      const declared = [...variables.keys()].join(', ') || 'none';
      throw invalid(
        templateWhere,
        `uses \${${name}}, which ${valueWhere} does not declare (declared: ${declared})`,
      );
    }
  };
  let node: ReturnType<typeof parseTemplate>['node'];
  try {
    node = parseTemplate(template, ALIBABA_PLACEHOLDER, check).node;
  } catch (error) {
    if (!(error instanceof TemplateSyntaxError)) throw error;
    const what = template.trim().startsWith('{') ? 'is not valid JSON' : 'is not a valid template';
    throw invalid(templateWhere, `${what}: ${error.message} at character ${error.position + 1}`);
  }
  return (event) => {
    const lookup = (name: string): unknown => {
      const variable = variables.get(name);
      if (variable === undefined) return MISSING;
      if ('constant' in variable) return variable.constant;
      const found = variable.path.read(event);
      return found === MISSING
        ? MISSING
        : checkLength(found, valueWhere, `\${${name}} (${variable.path.text})`);
    };
    return render(node, { lookup, missingValue: null, text: alibabaText }, MISSING);
  };
}

/** `value` of TEMPLATE: `{ "name": "$.data.name", "note": "a constant" }`, as an object or its JSON text. */
function compileVariables(value: unknown, where: string): Map<string, Variable> {
  let map = value;
  if (typeof value === 'string') {
    try {
      map = JSON.parse(value);
    } catch (cause) {
      throw invalid(
        where,
        `must be a JSON object of variables such as '{"name":"$.data.name"}' (${(cause as Error).message})`,
      );
    }
  }
  if (typeof map !== 'object' || map === null || Array.isArray(map)) {
    throw invalid(
      where,
      `must be an object of variables to JSONPaths or constants, such as { "name": "$.data.name" }, got ${describe(map)}`,
    );
  }
  const variables = new Map<string, Variable>();
  for (const [rawName, definition] of Object.entries(map)) {
    // Blanks around names are ignored in declarations and in placeholders alike.
    const name = rawName.trim();
    const at = `${where}.${name}`;
    if (name === '' || /[${}]/.test(name))
      throw invalid(at, 'is not a usable variable name; use letters, digits, "_" or "-"');
    if (variables.has(name))
      throw invalid(at, 'is declared twice (names are compared without surrounding blanks)');
    if (typeof definition !== 'string') {
      throw invalid(
        at,
        `must be a JSONPath ("$.data.x") or a constant string; nested variables are not supported, got ${describe(definition)}`,
      );
    }
    // "$", "$.x", "$[0]" are JSONPaths; any other text ("$5 off", "Please deal with it") is a constant.
    if (/^\$(?:$|[.[])/.test(definition)) {
      variables.set(name, { path: compilePath(definition, 'alibaba', at) });
    } else if (definition.length > ALIBABA_VALUE_MAX) {
      throw invalid(
        at,
        `is ${definition.length} characters; Alibaba EventBridge allows ${ALIBABA_VALUE_MAX}`,
      );
    } else {
      variables.set(name, { constant: definition });
    }
  }
  return variables;
}

/** Inside text: strings as they are, anything else as JSON, nothing when missing. */
function alibabaText(value: unknown): string {
  if (value === MISSING) return '';
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
}

function invalid(where: string, why: string): TriggerError {
  return new TriggerError('E_TRANSFORM_INVALID', `\`${where}\` ${why}.`, { path: where });
}
