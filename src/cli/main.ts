/** The `triggerkit` command line: a table of lazily imported commands. */
import { isTriggerError } from '../errors.js';
import { missingTool, toolingMissingMessage } from './tooling.js';
import { checkUsage, isCliError } from './usage.js';

const rawArgs = process.argv.slice(2);

process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);

function fail(error: unknown): never {
  if (isCliError(error)) {
    process.stderr.write(`${error.command}: ${error.message}\n`);
    process.exit(error.exitCode);
  }
  // esbuild's failures (a missing import, a syntax error) as file:line:col lines, without its stack.
  const built = buildErrors(error);
  if (built !== undefined) {
    process.stderr.write(built);
    process.exit(1);
  }
  if (isTriggerError(error)) {
    process.stderr.write(`triggerkit: ${error.code}: ${error.message}\n`);
    process.exit(2);
  }
  // A development tool is an optional peer (triggerkit-dev installs them): say which, and how to get it.
  const tool = missingTool(error);
  if (tool !== undefined) {
    const command = rawArgs.find((arg) => !arg.startsWith('-'));
    process.stderr.write(
      `${toolingMissingMessage(command ? `triggerkit ${command}` : 'triggerkit', tool)}\n`,
    );
    process.exit(2);
  }
  // A bare import the emulator's bundle leaves to node_modules, and it is not installed.
  if ((error as { code?: string })?.code === 'ERR_MODULE_NOT_FOUND') {
    const first = String((error as Error).message).split('\n')[0];
    process.stderr.write(`triggerkit: ${first}; install it, or fix the import.\n`);
    process.exit(1);
  }
  // citty's usage errors (unknown command, missing argument) carry a code and a readable message.
  if ((error as { name?: string })?.name === 'CLIError') {
    process.stderr.write(
      `triggerkit: ${(error as Error).message}\nRun triggerkit --help for the commands.\n`,
    );
    process.exit(2);
  }
  process.stderr.write(`triggerkit: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
}

type Located = { text: string; location?: { file: string; line: number; column: number }; detail?: unknown };

/** esbuild's failure as `file:line:col: message` lines (a plugin's failure may carry a build's failure). */
function buildErrors(error: unknown): string | undefined {
  const errors = (error as { errors?: unknown })?.errors;
  if (!Array.isArray(errors) || errors.length === 0 || !errors.every((e) => typeof e?.text === 'string'))
    return undefined;
  const lines = (errors as Located[]).flatMap((e): string[] => {
    const inner = buildErrors(e.detail);
    if (inner !== undefined) return inner.trimEnd().split('\n');
    if (isTriggerError(e.detail)) return [`triggerkit: ${e.detail.code}: ${e.detail.message}`];
    const at = e.location;
    return [at ? `${at.file}:${at.line}:${at.column + 1}: ${e.text}` : `triggerkit: ${e.text}`];
  });
  return `${[...new Set(lines)].join('\n')}\n`;
}

if (rawArgs[0] === '--version' || rawArgs[0] === '-v') {
  const { readFileSync } = await import('node:fs');
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${pkg.version}\n`);
  process.exit(0);
}

// citty too is a development tool: imported here, after `fail` listens, so its absence is one line.
const { defineCommand, runCommand, runMain } = await import('citty').catch(fail);

const main = defineCommand({
  meta: { name: 'triggerkit', description: 'One CloudEvent for every trigger: emulator, bundler and tools' },
  subCommands: {
    dev: () => import('./commands.js').then((m) => m.dev),
    build: () => import('./build-command.js').then((m) => m.build),
    send: () => import('./commands.js').then((m) => m.send),
    normalize: () => import('./commands.js').then((m) => m.normalize),
    'test-pattern': () => import('./commands.js').then((m) => m.testPattern),
    transform: () => import('./commands.js').then((m) => m.transform),
    'generate-event': () => import('./generate-event.js').then((m) => m.generateEventCommand),
    schema: () => import('./schema.js').then((m) => m.schemaCommand),
    dlq: () => import('./dlq.js').then((m) => m.dlq),
    replay: () => import('./dlq.js').then((m) => m.replay),
    new: () => import('./new.js').then((m) => m.newCommand),
    invoke: () => import('./invoke.js').then((m) => m.invokeCommand),
  },
});

// `triggerkit help [command…]` is `triggerkit [command…] --help`.
const args = rawArgs[0] === 'help' ? [...rawArgs.slice(1), '--help'] : rawArgs;
if (args.length === 0) await runMain(main);
else {
  // Unknown commands and options are refused here, with the closest known one (citty ignores them).
  await checkUsage(main as never, args).catch(fail);
  if (args.includes('--help') || args.includes('-h')) await runMain(main, { rawArgs: args });
  else await runCommand(main, { rawArgs: args }).catch(fail);
}
