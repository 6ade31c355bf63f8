/**
 * `triggerkit invoke <function> <file|->`: one raw platform event (a recorded SQS batch, an API Gateway
 * request, a CloudEvent…) through one function — of a running emulator, through its Invoke API, or with
 * `--local` in this process — and what came of it, as one block or `--json`; the exit code says the outcome.
 */
import { readFileSync } from 'node:fs';
import { defineCommand } from 'citty';
import { functionsNamed, type NamedFunction } from '../dev/function-names.js';
import { INVOKE_PATH } from '../dev/invoke-api.js';
import { type InvokeReport, invokeReport, REPORT_HEADER } from '../dev/invoke-report.js';
import { formatReport } from './invoke-print.js';
import { fetchEmulator } from './reach.js';
import { CliError, closest } from './usage.js';

const COMMAND = 'triggerkit invoke';

/** The exit code of each outcome (README, "Command line"). */
export const INVOKE_EXIT = { delivered: 0, failed: 1, filtered: 3 } as const;

/** The raw event: `--data` inline, a file, or `-` for stdin. */
export function readRawEvent(file: string | undefined, data: string | undefined): unknown {
  if ((file === undefined) === (data === undefined))
    throw new CliError(
      COMMAND,
      file === undefined
        ? 'which event? pass a JSON file, - for stdin, or --data <json>'
        : 'pass the event once: a file (or -) or --data, not both',
    );
  let text: string;
  const where = data !== undefined ? '--data' : file === '-' ? 'stdin' : (file as string);
  try {
    text = data ?? readFileSync(file === '-' ? 0 : (file as string), 'utf8');
  } catch (error) {
    throw new CliError(COMMAND, `cannot read ${where} (${(error as NodeJS.ErrnoException).code ?? error})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(
      COMMAND,
      `${where} is not JSON (${(error as Error).message}); pass a raw event as JSON`,
    );
  }
}

/** Names are `key` or `key (handler name)` pairs; the one function `given` names, or a did-you-mean error. */
export function pickFunction<F extends NamedFunction>(functions: readonly F[], given: string): F {
  const named = functionsNamed(functions, given);
  if (named.length === 1) return named[0] as F;
  if (named.length > 1)
    throw new CliError(
      COMMAND,
      `${given} is the handler name of ${named.map((fn) => fn.name).join(', ')}; name one of them by its key`,
    );
  const names = [...new Set(functions.flatMap((fn) => [fn.name, fn.handler.definition.name ?? fn.name]))];
  const near = closest(given, names);
  throw new CliError(
    COMMAND,
    `no function ${given}${near ? `; did you mean ${near}?` : ''} (functions: ${names.join(', ') || 'none'})`,
  );
}

/** Through the emulator listening on `port`: `GET /` for the names, then its Invoke API. */
export async function invokeRemote(port: string, given: string, raw: unknown): Promise<InvokeReport> {
  const base = `http://127.0.0.1:${port}`;
  const listed = (await (await fetchEmulator('invoke', `${base}/`, undefined, 'pass --local')).json()) as {
    functions: { name: string; handler: string }[];
  };
  const fn = pickFunction(
    listed.functions.map((f) => ({ name: f.name, handler: { definition: { name: f.handler } } }) as never),
    given,
  ) as NamedFunction;
  const path = INVOKE_PATH.replace(':name', encodeURIComponent(fn.name));
  const response = await fetchEmulator(
    'invoke',
    `${base}${path}`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', [REPORT_HEADER]: '1' },
      body: JSON.stringify(raw),
    },
    'pass --local',
  );
  const text = await response.text();
  if (!response.ok)
    throw new CliError(COMMAND, `the emulator answered ${response.status}: ${text.slice(0, 300)}`, 1);
  return JSON.parse(text) as InvokeReport;
}

/** In this process: the project's functions (`--config`, `--handler`, or src/), only the one named built when a key names it. */
export async function invokeLocal(
  root: string,
  selection: { config?: string; handler?: string },
  given: string,
  raw: unknown,
): Promise<InvokeReport> {
  const { selectFunctions } = await import('./commands.js');
  const { loadHandlers } = await import('./load-handler.js');
  const { invoke } = await import('../testing/index.js');
  const entries = await selectFunctions('invoke', selection);
  const byKey = entries.filter((fn) => fn.name === given);
  const loaded = await loadHandlers(root, byKey.length > 0 ? byKey : entries, '.triggerkit/invoke');
  const fn = pickFunction(loaded, given);
  // One attempt, as the emulator's Invoke API makes it: a failure is reported, never retried here.
  const result = await invoke(fn.handler, raw, { context: { functionName: fn.name } });
  return invokeReport(fn.name, fn.handler.definition, result);
}

export const invokeCommand = defineCommand({
  meta: {
    name: 'invoke',
    description:
      'Run one raw platform event (file, - for stdin, or --data) through a function of the running emulator, or --local in this process',
  },
  args: {
    function: { type: 'positional', required: true, description: 'The function: its key or handler name' },
    file: { type: 'positional', required: false, description: 'JSON file with the raw event, - for stdin' },
    data: { type: 'string', description: 'The raw event as inline JSON, instead of a file' },
    port: { type: 'string', description: 'Port of the running emulator', default: '3000' },
    local: { type: 'boolean', description: 'Load the handler and run it in this process', default: false },
    json: { type: 'boolean', description: 'Print the report as JSON', default: false },
    config: { type: 'string', description: 'With --local: serverless.yml to read the functions from' },
    handler: { type: 'string', description: 'With --local: handlers as <file>[:export], comma-separated' },
  },
  async run({ args }) {
    if (!args.local && !/^\d+$/.test(args.port))
      throw new CliError(COMMAND, `--port must be a port number such as 3000, got ${args.port}`);
    const raw = readRawEvent(args.file, args.data);
    const report = args.local
      ? await invokeLocal(process.cwd(), { config: args.config, handler: args.handler }, args.function, raw)
      : await invokeRemote(args.port, args.function, raw);
    process.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    process.exitCode = INVOKE_EXIT[report.outcome];
  },
});
