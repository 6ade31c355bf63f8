/**
 * `triggerkit build --target alibaba-fc` writes the Serverless Devs project of the bundles it built
 * (`.triggerkit/s.yaml` unless `--s-yaml` says where), so `s deploy -t .triggerkit/s.yaml` deploys them
 * with their triggers, retries and dead-letter destinations. Printed: the file, what it leaves to you.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { BuiltFunction } from '../build/bundle.js';
import { serverlessDevsProject } from '../deploy/alibaba/s-yaml.js';
import type { FunctionEntry } from './project.js';

export const DEFAULT_S_YAML = '.triggerkit/s.yaml';

/** The project's name: serverless.yml `service` (given by the build), else package.json `name`, else the folder's. */
function projectName(root: string, service: unknown): string {
  const manifest = join(root, 'package.json');
  const name =
    (typeof service === 'string' ? service : undefined) ??
    (existsSync(manifest)
      ? (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name?.replace(/^@[^/]+\//, '')
      : undefined) ??
    basename(root);
  return name.replace(/[^A-Za-z0-9_-]/g, '-');
}

/** The FC handler string of a bundle: its path inside the code folder without `.mjs`, then the export. */
const fcHandler = (outdir: string, outfile: string, exportName: string) =>
  `${relative(outdir, outfile).replace(/\.mjs$/, '')}.${exportName}`;

/**
 * Writes the s.yaml of `built` (bundles in `outdir`, handler strings relative to it) and returns the
 * lines to print. Functions whose export is no `defineHandler` are left out, and said so.
 */
export async function writeServerlessDevs(
  root: string,
  functions: readonly FunctionEntry[],
  built: readonly BuiltFunction[],
  outdir: string,
  file = DEFAULT_S_YAML,
  service?: unknown,
): Promise<string[]> {
  const { stringify } = await import('yaml');
  const target = resolve(root, file);
  const code = relative(dirname(target), outdir) || '.';
  const lines: string[] = [];
  const fcFunctions = built.flatMap((fn, i) => {
    const entry = functions[i];
    if (fn.definition === undefined || entry === undefined) {
      lines.push(`${fn.name}: not in s.yaml, its export is no defineHandler function`);
      return [];
    }
    return [
      {
        key: fn.name,
        definition: fn.definition,
        code: code.startsWith('.') ? code : `./${code}`,
        handler: fcHandler(outdir, fn.outfile, entry.exportName),
        ...(entry.timeoutMs !== undefined && { timeoutSeconds: Math.ceil(entry.timeoutMs / 1000) }),
      },
    ];
  });
  const project = serverlessDevsProject(fcFunctions, { name: projectName(root, service) });
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(
    target,
    `# Written by triggerkit build --target alibaba-fc from the handlers' definitions; edit them, not this file.\n${stringify(project.document)}`,
  );
  const shown = relative(root, target);
  lines.push(`s.yaml: ${shown} (deploy: s deploy -t ${shown})`);
  for (const note of project.byHand) lines.push(`by hand: ${note}`);
  if (project.deadLetterQueues.length > 0)
    lines.push(
      `create the MNS dead-letter queues before the first deploy: ${project.deadLetterQueues.join(', ')}`,
    );
  return lines;
}
