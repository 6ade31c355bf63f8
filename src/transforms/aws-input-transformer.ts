/**
 * EventBridge (AWS) target input: `Input` (constant JSON text), `InputPath` (one JSONPath) and
 * `InputTransformer` (`InputPathsMap` + `InputTemplate`), in the API/CloudFormation spelling or the
 * Serverless Framework one (`input`, `inputPath`, `inputTransformer`). They read the EventBridge
 * envelope view of the event (eventbridge-view.ts).
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_InputTransformer.html
 */
import { TriggerError } from '../errors.js';
import {
  eventBridgeView,
  JSON_ONLY_VARIABLES,
  RESERVED_VARIABLES,
  reservedVariable,
  type TransformContext,
} from './eventbridge-view.js';
import { type CompiledPath, compilePath, describe, MISSING } from './jsonpath.js';
import {
  freezeConstant,
  type PlaceholderSyntax,
  parseTemplate,
  render,
  type SlotCheck,
  TemplateSyntaxError,
} from './template.js';

export interface AwsInputTransformer {
  InputPathsMap?: Readonly<Record<string, string>>;
  InputTemplate: string;
}

/** A target's input as EventBridge's API and CloudFormation write it, or as serverless.yml does. */
export type AwsTargetInput =
  | { Input: string }
  | { InputPath: string }
  | { InputTransformer: AwsInputTransformer }
  | { input: unknown }
  | { inputPath: string }
  | { inputTransformer: { inputPathsMap?: Readonly<Record<string, string>>; inputTemplate: string } };

export type { TransformContext } from './eventbridge-view.js';

type Run = (event: unknown, context?: TransformContext) => unknown;

const PASCAL = { input: 'Input', path: 'InputPath', transformer: 'InputTransformer' } as const;
const CAMEL = { input: 'input', path: 'inputPath', transformer: 'inputTransformer' } as const;
const VARIABLE = /^[A-Za-z0-9_-]{1,256}$/;
/** API limits: InputTemplate and Input are at most 8192 characters; at most 100 variables. */
const TEXT_MAX = 8192;
const VARIABLES_MAX = 100;

/** `<name>`: "<" and ">" cannot be escaped, so every "<…>" pair is a placeholder. */
const AWS_PLACEHOLDER: PlaceholderSyntax = {
  match(text, pos) {
    if (text.charAt(pos) !== '<') return undefined;
    const close = text.indexOf('>', pos + 1);
    const open = text.indexOf('<', pos + 1);
    if (close < 0 || (open >= 0 && open < close)) return undefined;
    return { name: text.slice(pos + 1, close), end: close + 1 };
  },
};

/** True when `spec` is written in one of EventBridge's target input shapes. */
export function isAwsTargetInput(spec: object): boolean {
  return [...Object.values(PASCAL), ...Object.values(CAMEL)].some((key) => Object.hasOwn(spec, key));
}

/**
 * Compiles an EventBridge target input. Throws `E_TRANSFORM_INVALID` for anything EventBridge would refuse.
 *
 * @example
 * compileAwsTargetInput({ InputPath: '$.detail' }, 'transform')(ec2Event) // → the event's detail
 */
export function compileAwsTargetInput(spec: Readonly<Record<string, unknown>>, where: string): Run {
  const camel = Object.values(CAMEL).some((key) => Object.hasOwn(spec, key));
  const pascal = Object.values(PASCAL).some((key) => Object.hasOwn(spec, key));
  if (camel && pascal) {
    throw invalid(
      where,
      'mixes the API spelling (Input, InputPath, InputTransformer) with the serverless.yml one (input, inputPath, inputTransformer); use one',
    );
  }
  const names = camel ? CAMEL : PASCAL;
  const allowed = Object.values(names);
  for (const key of Object.keys(spec)) {
    if (!(allowed as string[]).includes(key)) {
      throw invalid(
        `${where}.${key}`,
        `is not an EventBridge target input key; use exactly one of ${allowed.join(', ')}`,
      );
    }
  }
  const present = allowed.filter((key) => Object.hasOwn(spec, key));
  if (present.length !== 1) {
    throw invalid(where, `has ${present.join(' and ')}: only one of ${allowed.join(', ')} must be provided`);
  }
  if (present[0] === names.input) return compileInput(spec[names.input], `${where}.${names.input}`);
  if (present[0] === names.path) {
    const path = compilePath(spec[names.path], 'aws', `${where}.${names.path}`);
    return (event) => {
      const value = path.read(eventBridgeView(event));
      return value === MISSING ? undefined : value;
    };
  }
  return compileTransformer(spec[names.transformer], `${where}.${names.transformer}`, names === CAMEL);
}

function compileInput(input: unknown, where: string): Run {
  let value: unknown;
  if (typeof input === 'string') {
    if (input.length > TEXT_MAX)
      throw invalid(where, `is ${input.length} characters; EventBridge allows ${TEXT_MAX}`);
    try {
      value = JSON.parse(input);
    } catch (cause) {
      throw invalid(where, `must be valid JSON text such as '{"status":"ok"}' (${(cause as Error).message})`);
    }
  } else {
    const text = safeStringify(input);
    if (text === undefined) throw invalid(where, `must be a JSON value or JSON text, got ${describe(input)}`);
    value = JSON.parse(text);
  }
  const constant = freezeConstant(value);
  return () => constant;
}

function compileTransformer(transformer: unknown, where: string, camel: boolean): Run {
  const mapKey = camel ? 'inputPathsMap' : 'InputPathsMap';
  const templateKey = camel ? 'inputTemplate' : 'InputTemplate';
  if (typeof transformer !== 'object' || transformer === null || Array.isArray(transformer)) {
    throw invalid(where, `must be { ${mapKey}: { name: '$.detail.x' }, ${templateKey}: '…<name>…' }`);
  }
  const fields = transformer as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (key !== mapKey && key !== templateKey) {
      throw invalid(`${where}.${key}`, `is not an input transformer key; use ${mapKey} and ${templateKey}`);
    }
  }
  const paths = compilePathsMap(fields[mapKey], `${where}.${mapKey}`);
  const template = fields[templateKey];
  const templateWhere = `${where}.${templateKey}`;
  if (typeof template !== 'string' || template.length === 0) {
    throw invalid(templateWhere, `is required: a string such as '"instance <instance> is in <state>"'`);
  }
  if (template.length > TEXT_MAX) {
    throw invalid(templateWhere, `is ${template.length} characters; EventBridge allows ${TEXT_MAX}`);
  }
  const check: SlotCheck = (name, context) => {
    if (JSON_ONLY_VARIABLES.has(name) && context === 'text') {
      throw invalid(
        templateWhere,
        `uses <${name}> inside a string; its contents are not escaped, so it can only be the value of a JSON field, as in {"event": <${name}>}`,
      );
    }
    if (!RESERVED_VARIABLES.has(name) && !paths.has(name)) {
      const defined = [...paths.keys()].map((key) => `<${key}>`).join(', ') || 'none';
      throw invalid(
        templateWhere,
        `contains invalid placeholder <${name}>; define it in ${mapKey} (as "${name}": "$.detail.…") or use a reserved variable (defined: ${defined})`,
      );
    }
  };
  let parsed: ReturnType<typeof parseTemplate>;
  try {
    parsed = parseTemplate(template, AWS_PLACEHOLDER, check);
  } catch (error) {
    if (!(error instanceof TemplateSyntaxError)) throw error;
    throw invalid(
      templateWhere,
      `is not valid JSON: ${error.message} at character ${error.position + 1}; a template starting with "{" must be a JSON object with placeholders as values, e.g. {"state": <state>, "text": "is <state>"}`,
    );
  }
  const { node } = parsed;
  return (event, context) => {
    const view = eventBridgeView(event);
    const lookup = (name: string): unknown => {
      const path = paths.get(name);
      return path === undefined ? reservedVariable(name, view, context) : path.read(view);
    };
    // A missing unquoted variable becomes "" — what EventBridge delivers (LocalStack parity snapshot).
    return render(node, { lookup, missingValue: '', text: awsText }, MISSING);
  };
}

function compilePathsMap(map: unknown, where: string): Map<string, CompiledPath> {
  const paths = new Map<string, CompiledPath>();
  if (map === undefined) return paths;
  if (typeof map !== 'object' || map === null || Array.isArray(map)) {
    throw invalid(
      where,
      `must be an object of variable names to JSONPaths, such as { "state": "$.detail.state" }`,
    );
  }
  const entries = Object.entries(map);
  if (entries.length > VARIABLES_MAX) {
    throw invalid(where, `defines ${entries.length} variables; EventBridge allows at most ${VARIABLES_MAX}`);
  }
  for (const [name, path] of entries) {
    if (RESERVED_VARIABLES.has(name)) {
      throw invalid(
        `${where}.${name}`,
        `redefines the reserved variable <${name}>; use it directly in the template`,
      );
    }
    if (!VARIABLE.test(name)) {
      throw invalid(
        `${where}.${name}`,
        `is not a valid variable name; use 1-256 letters, digits, "_" or "-"`,
      );
    }
    paths.set(name, compilePath(path, 'aws', `${where}.${name}`));
  }
  return paths;
}

/**
 * A value inside a string: strings as they are (EventBridge does not escape them), numbers and booleans as
 * JSON, objects and arrays as JSON with their quotes removed ("Detail is {key1: value1}"), nothing if missing.
 */
function awsText(value: unknown): string {
  if (value === MISSING) return '';
  if (typeof value === 'string') return value;
  const json = JSON.stringify(value) ?? String(value);
  return typeof value === 'object' && value !== null ? json.replaceAll('\\"', '"').replaceAll('"', '') : json;
}

function safeStringify(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

function invalid(where: string, why: string): TriggerError {
  return new TriggerError('E_TRANSFORM_INVALID', `\`${where}\` ${why}.`, { path: where });
}
