/**
 * Function Compute's invocation context: how the adapter recognises FC's calling convention, the
 * Lambda-shaped view handlers and the pipeline read (`ctx.lambda`), and a stand-in for tests.
 * @see https://www.alibabacloud.com/help/en/functioncompute/fc-3-0/user-guide/context
 */
import type { Context as LambdaContext } from 'aws-lambda';
import { RUNTIME_HOOKS, type RuntimeHooks } from '../hooks.js';

/** The context FC passes a Node.js event handler (FC 3.0; `service` is FC 2.0's, kept when present). */
export interface FcContext {
  readonly requestId: string;
  /** The function role's temporary keys (STS); empty strings when the function has no role. */
  readonly credentials: {
    readonly accessKeyId: string;
    readonly accessKeySecret: string;
    readonly securityToken: string;
  };
  readonly function: {
    readonly name: string;
    readonly handler: string;
    /** MB. */
    readonly memory: number;
    /** Seconds. */
    readonly timeout: number;
    readonly initializer?: string;
    readonly initializationTimeout?: number;
  };
  readonly service?: {
    readonly name?: string;
    readonly logProject?: string;
    readonly logStore?: string;
    readonly qualifier?: string;
    readonly versionId?: string;
  };
  readonly region: string;
  readonly accountId: string;
  readonly tracing?: Readonly<Record<string, unknown>>;
  readonly logger?: {
    debug(...args: unknown[]): void;
    info(...args: unknown[]): void;
    warn(...args: unknown[]): void;
    error(...args: unknown[]): void;
    log(...args: unknown[]): void;
  };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

/**
 * True for FC's context: a `requestId`, a `function` with its `name`, and `credentials` with an
 * `accessKeyId` — and no `awsRequestId`, which every Lambda context (and its stand-ins) has.
 */
export function isFcContext(context: unknown): context is FcContext {
  return (
    isRecord(context) &&
    context.awsRequestId === undefined &&
    typeof context.requestId === 'string' &&
    isRecord(context.function) &&
    typeof context.function.name === 'string' &&
    isRecord(context.credentials) &&
    typeof context.credentials.accessKeyId === 'string'
  );
}

/**
 * The Lambda-shaped view of an FC invocation, so the pipeline and handlers written against `ctx.lambda`
 * work unchanged: the function's name, the request id, memory, and the time left of FC's timeout
 * (counted from this call: FC's context does not carry the deadline). Runtime hooks ride along.
 */
export function lambdaViewOf(fc: FcContext, now: () => number = Date.now): LambdaContext {
  const timeoutMs = (Number(fc.function.timeout) || 3) * 1000;
  const deadline = now() + timeoutMs;
  const name = fc.function.name;
  const view: LambdaContext & { [RUNTIME_HOOKS]?: RuntimeHooks } = {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: fc.service?.versionId ?? fc.service?.qualifier ?? 'LATEST',
    invokedFunctionArn: `acs:fc:${fc.region}:${fc.accountId}:functions/${name}`,
    memoryLimitInMB: String(fc.function.memory),
    awsRequestId: fc.requestId,
    logGroupName: fc.service?.logProject ?? '',
    logStreamName: fc.service?.logStore ?? '',
    getRemainingTimeInMillis: () => Math.max(0, deadline - now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
  const hooks = (fc as { [RUNTIME_HOOKS]?: RuntimeHooks })[RUNTIME_HOOKS];
  if (hooks !== undefined) view[RUNTIME_HOOKS] = hooks;
  return view;
}

export interface LocalFcContextOptions {
  functionName: string;
  requestId: string;
  /** Seconds; FC's default is 3 (60 in the console). */
  timeout?: number;
  region?: string;
  hooks?: RuntimeHooks;
}

/** An FC context for running handlers outside FC (tests), shaped like the real one, without keys. */
export function createLocalFcContext(options: LocalFcContextOptions): FcContext {
  const log = () => {};
  const context: FcContext & { [RUNTIME_HOOKS]?: RuntimeHooks } = {
    requestId: options.requestId,
    credentials: { accessKeyId: '', accessKeySecret: '', securityToken: '' },
    function: {
      name: options.functionName,
      handler: 'index.handler',
      memory: 512,
      timeout: options.timeout ?? 60,
    },
    region: options.region ?? 'cn-hangzhou',
    accountId: '1000000000000000',
    logger: { debug: log, info: log, warn: log, error: log, log },
  };
  if (options.hooks) context[RUNTIME_HOOKS] = options.hooks;
  return context;
}
