/**
 * `triggerkit new <dir> [--template sqs]`: a whole project from `templates/<name>/` — handler, schema,
 * recorded events, tests, serverless.yml — named after the folder, on this CLI's own version.
 */
import { cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineCommand } from 'citty';
import { TriggerError } from '../errors.js';
import { distance } from '../sources/closest.js';

/** The templates ship beside `dist/` (and `src/`) in the package. */
const TEMPLATES = fileURLToPath(new URL('../../templates/', import.meta.url));
const PACKAGE_JSON = fileURLToPath(new URL('../../package.json', import.meta.url));
export const DEFAULT_TEMPLATE = 'sqs';

/** The template names, in folder order. */
export function templateNames(): string[] {
  return readdirSync(TEMPLATES, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

function unknownTemplate(name: string, names: readonly string[]): TriggerError {
  const closest = [...names].sort((a, b) => distance(name, a) - distance(name, b))[0];
  const guess = closest !== undefined && distance(name, closest) <= 2 ? ` did you mean ${closest}?` : '';
  return new TriggerError(
    'E_CONFIG',
    `No template "${name}";${guess} Templates: ${names.join(', ')} (triggerkit new <dir> --template <name>).`,
  );
}

/** Copies the template into `dir` (absent or empty) and names the project; returns the package name. */
export function createProject(dir: string, template: string = DEFAULT_TEMPLATE): string {
  const names = templateNames();
  if (!names.includes(template)) throw unknownTemplate(template, names);
  const target = resolve(dir);
  if (existsSync(target) && (!statSync(target).isDirectory() || readdirSync(target).length > 0)) {
    throw new TriggerError(
      'E_CONFIG',
      `${dir} is not empty; give triggerkit new a new or empty folder (its files are never overwritten).`,
    );
  }
  cpSync(join(TEMPLATES, template), target, { recursive: true });
  const version = (JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { version: string }).version;
  const manifestPath = join(target, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    name: string;
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  manifest.name = packageName(basename(target));
  manifest.dependencies.triggerkit = `^${version}`;
  manifest.devDependencies['triggerkit-dev'] = `^${version}`;
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest.name;
}

/** npm's rules: lower case, no spaces or characters outside URL-safe ones, no leading dot or underscore. */
function packageName(folder: string): string {
  const name = folder
    .toLowerCase()
    .replace(/[^a-z0-9._~-]+/g, '-')
    .replace(/^[._-]+/, '');
  return name === '' ? 'triggerkit-app' : name;
}

export const newCommand = defineCommand({
  meta: {
    name: 'new',
    description: 'Create a project from a template: handler, schema, events, tests, deploy',
  },
  args: {
    dir: { type: 'positional', required: true, description: 'The new project folder (absent or empty)' },
    template: {
      type: 'string',
      alias: 't',
      description: `The template: ${templateNames().join(', ')}`,
      default: DEFAULT_TEMPLATE,
    },
  },
  run({ args }) {
    const dir = String(args.dir);
    const name = createProject(dir, String(args.template));
    const where = relative(process.cwd(), resolve(dir)) || '.';
    const cd = where === '.' ? '' : `cd ${/\s/.test(where) ? JSON.stringify(where) : where} && `;
    process.stdout.write(
      `Created ${name} from the ${args.template} template in ${where}.\nNext: ${cd}npm install && npm test\n` +
        (existsSync(join(resolve(dir), 'serverless.yml'))
          ? 'Then: npm run dev (the emulator), npx serverless package (the Lambda bundle and its wiring).\n'
          : 'Then: npm run dev (the emulator), npm run build (the Function Compute bundle and .triggerkit/s.yaml).\n'),
    );
  },
});
