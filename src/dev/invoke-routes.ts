/**
 * The two invocation APIs of the emulator: Lambda's Invoke (`invoke-api.ts`) and Function Compute's
 * InvokeFunction (`fc-invoke-api.ts`). Both call one function once, as the platform would: nothing is
 * retried, the caller gets the function's answer, the events are stored and traced like the bus's.
 */
import { TriggerError } from '../errors.js';
import { FC_INVOKE_PATH, serveFcInvoke } from './fc-invoke-api.js';
import { functionsNamed, knownFunctions } from './function-names.js';
import { INVOKE_PATH, serveInvoke } from './invoke-api.js';
import type { Route, RouteRequest } from './router.js';
import type { EmulatorFunction } from './run-delivery.js';
import type { TriggerHost } from './triggers/host.js';

export interface InvokeRoutesOptions {
  readonly functions: () => readonly EmulatorFunction[];
  readonly host: TriggerHost;
  /** Told of every call not served, for the terminal. */
  readonly refused: (request: RouteRequest, status: number | string, reason: string) => void;
  /** Keeps an asynchronous invocation for `close` to wait for. */
  readonly background: (work: Promise<unknown>) => void;
}

/** The routes, and the call they make (the emulator's `invoke`, Lambda's way by default). */
export function invokeRoutes(options: InvokeRoutesOptions) {
  const { functions, host } = options;
  async function invoke(name: string, raw: unknown, platform: 'aws-lambda' | 'alibaba-fc' = 'aws-lambda') {
    const fn = functionsNamed(functions(), name)[0];
    if (fn === undefined)
      throw new TriggerError(
        'E_CONFIG',
        `No function ${JSON.stringify(name)} in the emulator; it runs ${knownFunctions(functions())}.`,
      );
    const { traces = [], ...result } = await host.call(fn, raw, () => 'not retried (Invoke API)', platform);
    return { ...result, traces: [...traces] };
  }
  const common = (request: RouteRequest) => ({
    functions,
    refused: (status: number | string, reason: string) => options.refused(request, status, reason),
    background: options.background,
  });
  const routes: Route[] = [
    {
      method: 'POST',
      path: INVOKE_PATH,
      summary: 'the Lambda Invoke API (names, ARNs; RequestResponse, Event, DryRun; --log-type Tail)',
      changesState: true,
      handle: (request) =>
        serveInvoke({ ...common(request), run: (name, raw) => invoke(name, raw, 'aws-lambda') }, request),
    },
    {
      method: 'POST',
      path: FC_INVOKE_PATH,
      summary: "Function Compute's InvokeFunction (the event's bytes, FC's context; Sync, Async)",
      changesState: true,
      handle: (request) =>
        serveFcInvoke(
          { ...common(request), run: (name, event) => invoke(name, event, 'alibaba-fc') },
          request,
        ),
    },
  ];
  return { routes, invoke };
}
