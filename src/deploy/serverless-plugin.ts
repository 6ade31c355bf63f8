/**
 * The Serverless Framework plugin (`plugins: [triggerkit/serverless]`): before the service is packaged,
 * deployed or served offline, it builds every function with `triggerkit build` and generates its AWS
 * wiring from the handler's definition — events, queues, tables, environment, IAM — into the service.
 * What serverless.yml says by hand is merged, not overwritten (merge.ts).
 * @see ../../docs/deploy.md
 */
import { relative } from 'node:path';
import { buildForLambda } from '../build/bundle.js';
import { type FunctionEntry, functionsOf, type ServerlessConfig } from '../cli/project.js';
import { isTriggerError } from '../errors.js';
import { awsWiring, type DeployFunction } from './aws/wiring.js';
import { identityOf } from './identity.js';
import { mergeWiring, type ServiceConfig } from './merge.js';

/** The Framework's objects, as far as the plugin uses them. */
interface Serverless {
  readonly serviceDir: string;
  readonly configurationFilename?: string;
  readonly service: ServiceConfig & { service: string; package?: Record<string, unknown> };
  getProvider(name: 'aws'): { getStage(): string };
  readonly classes: { Error: new (message: string) => Error };
}
interface Logger {
  notice(message: string): void;
  warning(message: string): void;
  verbose(message: string): void;
}

/** Lambda's default function timeout in the Framework, in seconds. */
const DEFAULT_TIMEOUT = 6;

export default class TriggerkitPlugin {
  readonly hooks: Record<string, () => Promise<void>>;
  #done: Promise<void> | undefined;

  constructor(
    private readonly serverless: Serverless,
    _options: unknown,
    private readonly io: { log: Logger },
  ) {
    const wire = () => (this.#done ??= this.#wire());
    this.hooks = {
      'before:package:initialize': wire,
      'before:deploy:function:initialize': wire,
      'before:offline:start:init': wire,
      'before:offline:start': wire,
    };
  }

  async #wire(): Promise<void> {
    const { serverless } = this;
    const service = serverless.service;
    const root = serverless.serviceDir;
    const configPath = serverless.configurationFilename ?? 'serverless.yml';
    try {
      const entries = functionsOf(service as ServerlessConfig, configPath, root);
      const built = await buildForLambda(root, entries);
      const deploy: DeployFunction[] = [];
      for (const [i, fn] of built.entries()) {
        const entry = entries[i] as FunctionEntry;
        const config = service.functions[entry.name];
        if (config === undefined) continue;
        const bundle = relative(root, fn.outfile).split('\\').join('/');
        config.handler = `${bundle.replace(/\.mjs$/, '')}.${entry.exportName}`;
        config.package ??= {};
        const pkg = config.package as { patterns?: string[] };
        pkg.patterns = [...(pkg.patterns ?? []), bundle, `${bundle}.map`];
        if (fn.definition === undefined) {
          this.io.log.warning(
            `triggerkit: functions.${entry.name}: ${entry.entry} exports no defineHandler as "${entry.exportName}"; bundled, but no wiring generated.`,
          );
          continue;
        }
        deploy.push({
          key: entry.name,
          definition: fn.definition,
          timeoutSeconds: Number(config.timeout ?? service.provider.timeout ?? DEFAULT_TIMEOUT),
          hasOwnEvents: (config.events ?? []).length > 0,
        });
      }
      service.package ??= {};
      if (service.package.individually === undefined && service.package.patterns === undefined) {
        service.package.individually = true;
        service.package.patterns = ['!**'];
      }
      const stage = serverless.getProvider('aws').getStage();
      const wiring = awsWiring(deploy, { service: service.service, stage }, service.resources?.Resources);
      const declared = Object.fromEntries(
        deploy.map((f) => [f.key, f.definition.sources.map((s) => String(s.type))]),
      );
      mergeWiring(service, wiring, declared);
      for (const f of deploy) {
        const events = (service.functions[f.key]?.events ?? []).map(
          (e) => identityOf(e, service.resources?.Resources ?? {}) ?? Object.keys(e)[0],
        );
        this.io.log.verbose(`triggerkit: ${f.key} ← ${events.join(', ') || 'no events'}`);
      }
      for (const line of wiring.byHand) this.io.log.warning(`triggerkit: ${line}`);
      this.io.log.notice(
        `triggerkit: built and wired ${deploy.length} function${deploy.length === 1 ? '' : 's'}`,
      );
    } catch (error) {
      // The Framework prints its own errors in one line, without a stack trace.
      if (isTriggerError(error)) throw new serverless.classes.Error(`triggerkit: ${error.message}`);
      throw error;
    }
  }
}
