/**
 * `triggerkit build --target alibaba-fc` over the examples writes a Serverless Devs s.yaml whose every
 * resource the fc3 component's own props schema accepts, pointing at bundles that exist, with the
 * Alibaba rule's pattern pushed into its EventBridge triggers.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, expect, it } from 'vitest';
import { parse } from 'yaml';
import { importUploads } from '../examples/alibaba-eventbridge/rule.js';
import { ACCOUNT, REGION } from '../src/deploy/alibaba/vars.js';
import { CLI, ROOT } from './support/processes.js';

const work = mkdtempSync(join(tmpdir(), 'triggerkit-s-yaml-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const schema = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/fc3/props.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strictSchema: true, validateSchema: true }).compile(schema);
/** What `s deploy` substitutes before the component validates. */
const resolved = (props: unknown) =>
  JSON.parse(JSON.stringify(props).replaceAll(REGION, 'cn-hangzhou').replaceAll(ACCOUNT, '1234567890123456'));

interface Resource {
  component: string;
  props: {
    code: string;
    handler: string;
    triggers?: { triggerType: string; triggerConfig: Record<string, unknown> }[];
  };
}

it('writes an s.yaml of the examples that the fc3 component accepts, naming what it left to you', () => {
  const file = join(work, 'deploy/s.yaml');
  const out = execFileSync(
    process.execPath,
    [CLI, 'build', '--target', 'alibaba-fc', '--outdir', join(work, 'build'), '--s-yaml', file],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
  );
  expect(out).toMatch(/^s\.yaml: .*deploy\/s\.yaml \(deploy: s deploy -t .*deploy\/s\.yaml\)$/m);
  expect(out).toContain(
    'by hand: ordersQueue: sources[0] (aws:sqs): Function Compute has no trigger for this source',
  );
  expect(out).toMatch(/^create the MNS dead-letter queues before the first deploy: .*oss-notify-dlq/m);

  const document = parse(readFileSync(file, 'utf8')) as {
    edition: string;
    resources: Record<string, Resource>;
  };
  expect(document.edition).toBe('3.0.0');
  const resources = Object.entries(document.resources);
  expect(resources).toHaveLength(19);
  for (const [key, resource] of resources) {
    expect(resource.component).toBe('fc3');
    expect(validate(resolved(resource.props)), `${key}: ${JSON.stringify(validate.errors)}`).toBe(true);
    const module = resource.props.handler.replace(/\.[^.]+$/, '');
    expect(existsSync(join(dirname(file), resource.props.code, `${module}.mjs`)), key).toBe(true);
  }
  // The rule is written in Alibaba's dialect: it is each target's trigger pattern as it stands.
  for (const key of ['ossArchive', 'ossImport', 'ossReindex', 'ossNotify']) {
    const [trigger] = document.resources[key]?.props.triggers ?? [];
    expect(trigger?.triggerType).toBe('eventbridge');
    expect(JSON.parse(String(trigger?.triggerConfig.eventRuleFilterPattern))).toEqual(importUploads);
  }
  expect(document.resources.ordersWebhook?.props.triggers).toEqual([
    expect.objectContaining({
      triggerType: 'http',
      triggerConfig: expect.objectContaining({ methods: ['POST'] }),
    }),
  ]);
}, 120_000);
