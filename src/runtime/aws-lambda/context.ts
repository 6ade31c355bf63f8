/** A Lambda `Context` for running handlers outside Lambda (emulator, tests), shaped like the real one. */
import type { Context as LambdaContext } from 'aws-lambda';
import { RUNTIME_HOOKS, type RuntimeHooks } from '../hooks.js';

export interface LocalContextOptions {
  functionName: string;
  requestId: string;
  /** The invocation's time budget; Lambda's default is 3 s, the emulator gives 30 s. */
  timeoutMs?: number;
  hooks?: RuntimeHooks;
  /** Clock for `getRemainingTimeInMillis`. */
  now?: () => number;
}

export function createLocalContext(options: LocalContextOptions): LambdaContext {
  const now = options.now ?? Date.now;
  const deadline = now() + (options.timeoutMs ?? 30_000);
  const context: LambdaContext & { [RUNTIME_HOOKS]?: RuntimeHooks } = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: options.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${options.functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: options.requestId,
    logGroupName: `/aws/lambda/${options.functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
  if (options.hooks) context[RUNTIME_HOOKS] = options.hooks;
  return context;
}
