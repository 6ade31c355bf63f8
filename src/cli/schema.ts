/** `triggerkit schema infer|check`: thin shells over src/schema/commands.ts, imported only when used. */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { defineCommand } from 'citty';
import { isTriggerError, TriggerError } from '../errors.js';
import { readJsonArgument } from './input.js';

/** The recorded events of each file, read and normalized, errors naming the file. */
async function readRecorded(files: readonly string[]): Promise<unknown[]> {
  const { recordedEvents } = await import('../schema/commands.js');
  if (files.length === 0) throw new TriggerError('E_CONFIG', 'Pass one or more recorded event files (JSON).');
  return files.flatMap((file) => {
    try {
      return recordedEvents([readJsonArgument(`@${file}`, file)]);
    } catch (error) {
      if (!isTriggerError(error) || error.message.startsWith(file)) throw error;
      throw new TriggerError(error.code, `${file}: ${error.message}`, { path: file, cause: error });
    }
  });
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

export const infer = defineCommand({
  meta: {
    name: 'infer',
    description: 'Infer a JSON Schema for the data of recorded events (raw platform events or CloudEvents)',
  },
  args: {
    files: { type: 'positional', required: true, description: 'Recorded event files (JSON), one or more' },
    out: { type: 'string', description: 'Write the schema to this file instead of stdout' },
    registry: { type: 'string', description: 'Write one <type>.json per CloudEvents type into this folder' },
    force: {
      type: 'boolean',
      description: 'With --registry: overwrite existing schema files',
      default: false,
    },
  },
  async run({ args }) {
    const { inferSchemaFromEvents, inferSchemasByType } = await import('../schema/commands.js');
    const events = await readRecorded(args._);
    if (args.registry === undefined) {
      const schema = json(inferSchemaFromEvents(events));
      if (args.out === undefined) process.stdout.write(schema);
      else writeFileSync(resolve(args.out), schema);
      return;
    }
    const root = resolve(args.registry);
    mkdirSync(root, { recursive: true });
    for (const [type, schema] of inferSchemasByType(events)) {
      // The type is in the schema (x-cloudevents-type): the file name only has to be a safe one.
      const file = join(root, `${type.replace(/[^\w.-]+/g, '-')}.json`);
      const shown = relative(process.cwd(), file);
      if (existsSync(file) && !args.force) {
        process.stdout.write(`kept ${shown} (exists; --force to overwrite)\n`);
        continue;
      }
      writeFileSync(file, json(schema));
      process.stdout.write(`wrote ${shown}\n`);
    }
  },
});

export const check = defineCommand({
  meta: {
    name: 'check',
    description: 'Validate recorded events against the schema registry, each by its CloudEvents type',
  },
  args: {
    files: { type: 'positional', required: true, description: 'Recorded event files (JSON), one or more' },
    registry: {
      type: 'string',
      description: 'Registry folder (default: $TRIGGERKIT_SCHEMAS, else schemas/)',
    },
  },
  async run({ args }) {
    const { checkEventsAgainstRegistry } = await import('../schema/commands.js');
    const { registryRoot } = await import('../schema/registry.js');
    const root = args.registry === undefined ? registryRoot('registry') : resolve(args.registry);
    const { ok, checks } = checkEventsAgainstRegistry(await readRecorded(args._), root);
    const { formatProblems } = await import('../schema/problems.js');
    for (const c of checks) {
      const where = c.schema === undefined ? '' : ` (${c.schema})`;
      const verdict = c.problems.length === 0 ? 'ok  ' : 'FAIL';
      const detail = c.problems.length === 0 ? '' : `: ${formatProblems(c.problems)}`;
      process.stdout.write(`${verdict} ${c.type} ${c.id}${where}${detail}\n`);
    }
    const failed = checks.filter((c) => c.problems.length > 0).length;
    process.stdout.write(`${checks.length - failed} of ${checks.length} event(s) valid\n`);
    if (!ok) process.exitCode = 1;
  },
});

/** `triggerkit schema …`, mounted in main.ts. */
export const schemaCommand = defineCommand({
  meta: {
    name: 'schema',
    description: 'Infer JSON Schemas from recorded events; check events against the registry',
  },
  subCommands: { infer, check },
});
