/**
 * Validates a CloudFormation template against the resource specification the AWS CDK team maintains
 * (`@aws-cdk/aws-service-spec`): resource types, properties (deeply, through property types, arrays, maps and
 * unions), required properties, allowed values, Fn::GetAtt attributes, and every Ref / GetAtt / Sub / DependsOn
 * target. Intrinsic functions stand for any value; `Custom::*` resources are checked for a ServiceToken only.
 */
import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';
import type { Property, PropertyType } from '@aws-cdk/service-spec-types';

/** One thing wrong with a template: which resource (or `Outputs.<name>`), where in it, and what. */
export interface TemplateProblem {
  readonly resource: string;
  /** Dotted path inside the resource, e.g. `Properties.FilterCriteria.Filters[0].Pattern`. */
  readonly path: string;
  readonly message: string;
}

type Spec = ReturnType<typeof loadAwsServiceSpecSync>;
type Json = Record<string, unknown>;
/** A problem before it is tagged with its resource. */
type Found = Omit<TemplateProblem, 'resource'>;
interface Context {
  readonly spec: Spec;
  readonly types: ReadonlyMap<string, string>; // logical id -> resource type
  readonly names: ReadonlySet<string>; // what Ref may name: resources, parameters, pseudo parameters
  readonly conditions: ReadonlySet<string>;
}

// Loading takes about a second (gunzip, parse, index ~12,000 definitions): once per process, on first use.
let loaded: Spec | undefined;
const loadSpec = (): Spec => {
  loaded ??= loadAwsServiceSpecSync();
  return loaded;
};

const PSEUDO = 'AccountId NotificationARNs NoValue Partition Region StackId StackName URLSuffix'.split(' ');
const RESOURCE_KEYS =
  'Type Properties DependsOn Condition Metadata DeletionPolicy UpdateReplacePolicy CreationPolicy UpdatePolicy';
const JSON_TYPE: PropertyType = { type: 'json' };
const STRING: PropertyType = { type: 'string' };
const TAG: Record<string, Property> = {
  Key: { type: STRING, required: true },
  Value: { type: STRING, required: true },
};
const PRIMITIVE: Record<
  'string' | 'date-time' | 'integer' | 'number' | 'boolean' | 'null',
  (v: unknown) => boolean
> = {
  string: (v) => typeof v === 'string',
  'date-time': (v) => typeof v === 'string',
  integer: (v) => Number.isInteger(v),
  number: (v) => typeof v === 'number' && Number.isFinite(v),
  boolean: (v) => typeof v === 'boolean',
  null: (v) => v === null,
};

/**
 * Every problem of every resource of the template (and every Ref / GetAtt in its Outputs); `[]` when valid.
 *
 * @example
 * const template = JSON.parse(readFileSync('.serverless/cloudformation-template-update-stack.json', 'utf8'));
 * expect(validateTemplate(template)).toEqual([]);
 */
export function validateTemplate(template: unknown): TemplateProblem[] {
  if (!isObject(template) || !isObject(template.Resources)) {
    return [{ resource: '', path: 'Resources', message: 'a template must have a Resources object' }];
  }
  const resources = Object.entries(template.Resources);
  const section = (name: string) => Object.keys(isObject(template[name]) ? template[name] : {});
  const types = new Map(resources.map(([id, r]) => [id, isObject(r) ? String(r.Type) : '']));
  const ctx: Context = {
    spec: loadSpec(),
    types,
    names: new Set([...types.keys(), ...section('Parameters'), ...PSEUDO.map((name) => `AWS::${name}`)]),
    conditions: new Set(section('Conditions')),
  };
  const outputs = Object.entries(isObject(template.Outputs) ? template.Outputs : {});
  const tag = (resource: string, found: Found[]) => found.map((problem) => ({ resource, ...problem }));
  return [
    ...resources.flatMap(([id, resource]) => tag(id, checkResource(ctx, resource))),
    ...outputs.flatMap(([name, output]) => tag(`Outputs.${name}`, checkValue(ctx, output, JSON_TYPE, ''))),
  ];
}

function checkResource(ctx: Context, resource: unknown): Found[] {
  if (!isObject(resource)) return at('', `must be an object with a Type, got ${describe(resource)}`);
  const { DependsOn: dependsOn = [], Condition: condition } = resource;
  return [
    ...Object.keys(resource)
      .filter((key) => !RESOURCE_KEYS.split(' ').includes(key))
      .flatMap((key) => at(key, `is not a resource attribute; use one of ${RESOURCE_KEYS}`)),
    ...[dependsOn]
      .flat()
      .flatMap((id, i) =>
        ctx.types.has(String(id)) ? [] : at(`DependsOn[${i}]`, `names ${describe(id)}, not a resource here`),
      ),
    ...(condition === undefined || ctx.conditions.has(String(condition))
      ? []
      : at('Condition', `names ${describe(condition)}, not a condition of the template`)),
    ...checkProperties(ctx, resource.Type, resource.Properties),
  ];
}

function checkProperties(ctx: Context, type: unknown, properties: unknown): Found[] {
  if (typeof type !== 'string') return at('Type', `must be a resource type, got ${describe(type)}`);
  if (isCustom(type)) {
    const { ServiceToken: token, ...rest } = isObject(properties) ? properties : {};
    const where = 'Properties.ServiceToken';
    return [
      ...(token === undefined ? at(where, `is required by ${type}`) : checkValue(ctx, token, STRING, where)),
      ...checkValue(ctx, rest, JSON_TYPE, 'Properties'),
    ];
  }
  const spec = resourceSpec(ctx, type);
  if (spec) return checkObject(ctx, properties ?? {}, spec.properties, 'Properties', type);
  const known = ctx.spec.all('resource').map((r) => r.cloudFormationType);
  return at('Type', `${type} is not in the CloudFormation resource specification${closest(type, known)}`);
}

function checkObject(
  ctx: Context,
  value: unknown,
  properties: Record<string, Property>,
  path: string,
  owner: string,
): Found[] {
  if (!isRecord(value)) return at(path, `must be an object (${owner}), got ${describe(value)}`);
  return [
    ...Object.entries(properties)
      .filter(([name, property]) => property.required && value[name] === undefined)
      .flatMap(([name]) => at(`${path}.${name}`, `is required by ${owner}`)),
    ...Object.entries(value).flatMap(([name, item]) => {
      const property = properties[name];
      if (property) return checkValue(ctx, item, property.type, `${path}.${name}`);
      return at(`${path}.${name}`, `is not a property of ${owner}${closest(name, Object.keys(properties))}`);
    }),
  ];
}

function checkValue(ctx: Context, value: unknown, type: PropertyType, path: string): Found[] {
  const intrinsic = intrinsicOf(value);
  if (intrinsic) return checkIntrinsic(ctx, intrinsic[0], intrinsic[1], type, path);
  const wrong = () => at(path, `must be ${typeName(ctx, type)}, got ${describe(value)}`);
  const each = (items: Json | unknown[], element: PropertyType) =>
    Object.entries(items).flatMap(([key, item]) =>
      checkValue(ctx, item, element, Array.isArray(items) ? `${path}[${key}]` : join(path, key)),
    );
  switch (type.type) {
    case 'json':
      return isObject(value) ? each(value, type) : [];
    case 'tag':
      return checkObject(ctx, value, TAG, path, 'Tag');
    case 'ref': {
      const definition = ctx.spec.get('typeDefinition', type.reference);
      return checkObject(ctx, value, definition.properties, path, definition.name);
    }
    case 'array':
      return Array.isArray(value) ? each(value, type.element) : wrong();
    case 'map':
      return isRecord(value) ? each(value, type.element) : wrong();
    case 'union': {
      // Fits if one member fits; else the problems of the member whose shape the value has (fewest first).
      const tries = type.types.map((member) => checkValue(ctx, value, member, path));
      if (tries.some((found) => found.length === 0)) return [];
      const [best] = tries
        .filter((found) => found.every((problem) => problem.path !== path))
        .sort((a, b) => a.length - b.length);
      return best ?? wrong();
    }
    default: {
      if (!PRIMITIVE[type.type](value)) return wrong();
      const allowed: readonly unknown[] | undefined =
        'allowedValues' in type ? type.allowedValues : undefined;
      if (!allowed || allowed.includes(value)) return [];
      return at(path, `must be one of ${allowed.join(', ')}, got ${describe(value)}`);
    }
  }
}

/** Intrinsics stand for any value; what they name must exist, and Fn::If's branches must fit the type. */
function checkIntrinsic(ctx: Context, fn: string, arg: unknown, type: PropertyType, path: string): Found[] {
  const where = join(path, fn);
  const missing = `not a resource, parameter or pseudo parameter of the template`;
  if (fn === 'Ref') return ctx.names.has(String(arg)) ? [] : at(where, `names ${describe(arg)}: ${missing}`);
  if (fn === 'Fn::GetAtt') {
    const [id, attribute] = typeof arg === 'string' ? splitOnce(arg) : Array.isArray(arg) ? arg : [];
    return checkGetAtt(ctx, id, attribute, where);
  }
  if (fn === 'Fn::Sub') {
    const [text, variables = {}] = Array.isArray(arg) ? arg : [arg];
    const local = Object.keys(isObject(variables) ? variables : {});
    const named = [...String(text).matchAll(/\$\{([^!}][^}]*)\}/g)].flatMap(([, name = '']) => {
      if (local.includes(name)) return [];
      if (name.includes('.') && !name.startsWith('AWS::')) return checkGetAtt(ctx, ...splitOnce(name), where);
      return ctx.names.has(name) ? [] : at(where, `names \${${name}}: ${missing}`);
    });
    return [...named, ...checkValue(ctx, variables, JSON_TYPE, where)];
  }
  if (fn === 'Fn::If' && Array.isArray(arg)) {
    const [condition, ...branches] = arg;
    return [
      ...(ctx.conditions.has(String(condition))
        ? []
        : at(where, `names ${describe(condition)}, not a condition`)),
      ...branches.flatMap((branch, i) => checkValue(ctx, branch, type, `${where}[${i + 1}]`)),
    ];
  }
  return checkValue(ctx, arg, JSON_TYPE, where);
}

function checkGetAtt(ctx: Context, id: unknown, attribute: unknown, where: string): Found[] {
  const type = ctx.types.get(String(id));
  if (type === undefined) return at(where, `names ${describe(id)}, not a resource of the template`);
  const spec = resourceSpec(ctx, type);
  // An attribute chosen by an intrinsic, any attribute of a custom resource, or of an unknown type (reported).
  if (typeof attribute !== 'string' || isCustom(type) || !spec) return [];
  const known = Object.keys(spec.attributes);
  const nested = type === 'AWS::CloudFormation::Stack' && attribute.startsWith('Outputs.');
  if (known.includes(attribute) || nested) return [];
  return at(where, `${type} has no attribute ${attribute}; it has ${known.join(', ') || 'none'}`);
}

function typeName(ctx: Context, type: PropertyType): string {
  if (type.type === 'ref') return ctx.spec.get('typeDefinition', type.reference).name;
  if (type.type === 'array' || type.type === 'map') return `${type.type} of ${typeName(ctx, type.element)}`;
  if (type.type === 'union') return type.types.map((member) => typeName(ctx, member)).join(' or ');
  return type.type === 'json' ? 'JSON' : type.type;
}

/** `{ Ref: … }` or `{ 'Fn::…': … }`: the one-key objects CloudFormation evaluates. */
function intrinsicOf(value: unknown): [string, unknown] | undefined {
  const entries = isRecord(value) ? Object.entries(value) : [];
  const [entry] = entries;
  return entries.length === 1 && entry && (entry[0] === 'Ref' || entry[0].startsWith('Fn::'))
    ? entry
    : undefined;
}

/** `; did you mean X?` for a near name, else the candidates when there are few enough to read. */
function closest(name: string, candidates: readonly string[]): string {
  const lower = name.toLowerCase();
  const near =
    candidates.find((c) => c.toLowerCase() === lower) ?? candidates.find((c) => distance(c, name) <= 2);
  if (near) return `; did you mean ${near}?`;
  return candidates.length > 0 && candidates.length <= 40 ? ` (it has ${candidates.join(', ')})` : '';
}

function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(
        (row[j] ?? 0) + 1,
        (next[j - 1] ?? 0) + 1,
        (row[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    row = next;
  }
  return row[b.length] ?? 0;
}

const splitOnce = (text: string): [string, string] => {
  const dot = text.indexOf('.');
  return dot < 0 ? [text, ''] : [text.slice(0, dot), text.slice(dot + 1)];
};
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null;
const describe = (value: unknown): string => {
  if (Array.isArray(value)) return 'an array';
  if (isObject(value)) return 'an object';
  return value == null ? String(value) : `${typeof value} ${JSON.stringify(value).slice(0, 60)}`;
};
const isRecord = (value: unknown): value is Json => isObject(value) && !Array.isArray(value);
const isCustom = (type: string) =>
  type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource';
const resourceSpec = (ctx: Context, type: string) =>
  ctx.spec.lookup('resource', 'cloudFormationType', 'equals', type)[0];
const join = (path: string, key: string) => (path === '' ? key : `${path}.${key}`);
const at = (path: string, message: string): Found[] => [{ path, message }];
