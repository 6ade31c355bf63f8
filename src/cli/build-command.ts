/**
 * `triggerkit build`: every function bundled for AWS Lambda, or with `--target alibaba-fc` for Function
 * Compute together with the Serverless Devs s.yaml of them; one line per function with its handler string.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineCommand } from 'citty';
import { selectFunctions } from './commands.js';
import { CliError } from './usage.js';

const root = () => process.cwd();

export const build = defineCommand({
  meta: {
    name: 'build',
    description:
      'Bundle each handler for AWS Lambda, or with --target alibaba-fc for Function Compute (ESM, minified, source maps)',
  },
  args: {
    config: {
      type: 'string',
      description: 'serverless.yml to read the functions from',
      default: 'serverless.yml',
    },
    handler: {
      type: 'string',
      description: 'Handlers to build instead, as <file>[:export], comma-separated',
    },
    target: {
      type: 'string',
      description: 'The platform: aws-lambda (nodejs22.x) or alibaba-fc (Function Compute, nodejs20)',
      default: 'aws-lambda',
    },
    outdir: {
      type: 'string',
      description:
        'Where to write the bundles (default .triggerkit/build, .triggerkit/build-fc for alibaba-fc)',
    },
    external: {
      type: 'string',
      description: 'A package to leave out of the bundles, pkg or @scope/* (repeatable)',
    },
    's-yaml': {
      type: 'string',
      description: 'With alibaba-fc: where to write the Serverless Devs s.yaml (default .triggerkit/s.yaml)',
    },
    'bundle-aws-sdk': {
      type: 'boolean',
      description: 'Bundle the AWS SDK v3 too (by default @aws-sdk/* is left to the nodejs22.x runtime)',
      default: false,
    },
  },
  async run({ args, rawArgs }) {
    const { BUILD_TARGETS, buildForFc, buildForLambda } = await import('../build/bundle.js');
    const { flagValues } = await import('../dev/buckets/flags.js');
    const { relative } = await import('node:path');
    const { target } = args;
    if (target !== 'aws-lambda' && target !== 'alibaba-fc')
      throw new CliError(
        'triggerkit build',
        `unknown --target ${JSON.stringify(target)}: use aws-lambda or alibaba-fc`,
      );
    const functions = await selectFunctions('build', args);
    const build = target === 'alibaba-fc' ? buildForFc : buildForLambda;
    const built = await build(root(), functions, args.outdir ?? BUILD_TARGETS[target].outdir, {
      external: flagValues(rawArgs, 'external'),
      bundleAwsSdk: args['bundle-aws-sdk'],
    });
    const outdir = resolve(root(), args.outdir ?? BUILD_TARGETS[target].outdir);
    for (const [i, fn] of built.entries()) {
      const file = relative(root(), fn.outfile);
      // The handler string the console wants: the bundle without .mjs, then the export — from the project
      // root for Lambda (serverless.yml packages the project), from the code folder for FC (its `code`).
      const module = (target === 'alibaba-fc' ? relative(outdir, fn.outfile) : file).replace(/\.mjs$/, '');
      const handler = `${module}.${functions[i]?.exportName ?? 'handler'}`;
      const where =
        target === 'alibaba-fc'
          ? `, code: ${relative(root(), outdir)}, runtime: ${BUILD_TARGETS[target].runtime}`
          : '';
      process.stdout.write(
        `${fn.name}: ${file} (${(fn.bytes / 1024).toFixed(1)} KiB), handler: ${handler}${where}\n`,
      );
    }
    if (target === 'alibaba-fc') {
      const { writeServerlessDevs } = await import('./s-yaml.js');
      const { readServerlessConfig } = await import('./project.js');
      const config = resolve(root(), args.config);
      const service = args.handler || !existsSync(config) ? undefined : readServerlessConfig(config).service;
      const lines = await writeServerlessDevs(root(), functions, built, outdir, args['s-yaml'], service);
      process.stdout.write(lines.map((line) => `${line}\n`).join(''));
    }
  },
});
