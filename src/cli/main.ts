/** The `triggerkit` command line: a table of lazily imported commands. */
import { isTriggerError } from '../errors.js';
import { missingTool, toolingMissingMessage } from './tooling.js';

const rawArgs = process.argv.slice(2);

process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);

function fail(error: unknown): never {
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

// citty too is a development tool: imported here, after `fail` listens, so its absence is one line.
const { defineCommand, runCommand, runMain } = await import('citty').catch(fail);

const main = defineCommand({
  meta: { name: 'triggerkit', description: 'One CloudEvent for every trigger: emulator, bundler and tools' },
  subCommands: {
    dev: () => import('./commands.js').then((m) => m.dev),
    build: () => import('./commands.js').then((m) => m.build),
    send: () => import('./commands.js').then((m) => m.send),
    normalize: () => import('./commands.js').then((m) => m.normalize),
    'test-pattern': () => import('./commands.js').then((m) => m.testPattern),
    transform: () => import('./commands.js').then((m) => m.transform),
    'generate-event': () => import('./generate-event.js').then((m) => m.generateEventCommand),
    schema: () => import('./schema.js').then((m) => m.schemaCommand),
    dlq: () => import('./dlq.js').then((m) => m.dlq),
    replay: () => import('./dlq.js').then((m) => m.replay),
    new: () => import('./new.js').then((m) => m.newCommand),
  },
});

if (rawArgs.length === 0 || rawArgs.includes('--help') || rawArgs.includes('-h')) await runMain(main);
else await runCommand(main, { rawArgs }).catch(fail);
