/** How `dlq --aws --function` reads serverless.yml: the service, the stage and where each came from. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { locateFunction } from './dlq-target.js';

const root = mkdtempSync(join(tmpdir(), 'triggerkit-dlq-target-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A Serverless Framework variable, `${body}`. */
const sls = (body: string) => `\${${body}}`;

const locate = (yaml: string[], stage?: string) => {
  writeFileSync(
    join(root, 'serverless.yml'),
    [...yaml, 'functions:', '  orders:', '    handler: x.handler'].join('\n'),
  );
  return locateFunction({ root, config: 'serverless.yml', functionKey: 'orders', stage });
};

describe('locateFunction', () => {
  it('takes --stage, else provider.stage (the default of an opt:stage variable), else dev', () => {
    expect(locate(['service: shop'], 'prod').derivation).toBe(
      'service "shop" from serverless.yml, stage "prod" from --stage, function "orders"',
    );
    expect(locate(['service: shop', 'provider:', `  stage: ${sls("opt:stage, 'qa'")}`]).at).toEqual({
      service: 'shop',
      stage: 'qa',
      functionKey: 'orders',
    });
    expect(locate(['service: shop', 'provider:', '  stage: staging']).at.stage).toBe('staging');
    expect(locate(['service:', '  name: shop']).derivation).toBe(
      'service "shop" from serverless.yml, stage "dev" from the default, function "orders"',
    );
  });

  it('refuses what it cannot resolve, saying which flag to pass', () => {
    expect(() => locate(['service: shop', 'provider:', `  stage: ${sls('env:STAGE')}`])).toThrow(
      `serverless.yml provider.stage is "${sls('env:STAGE')}", a variable triggerkit does not resolve; pass --stage.`,
    );
    expect(locate(['service: shop', 'provider:', `  stage: ${sls('env:STAGE')}`], 'prod').at.stage).toBe(
      'prod',
    );
    expect(() => locate(['provider:', '  name: aws'])).toThrow(
      'serverless.yml has no `service`: add one, or give the queue as --queue-url.',
    );
    expect(() => locateFunction({ root, config: 'missing.yml', functionKey: 'orders' })).toThrow(
      /^No missing\.yml in .*: --function names a function of serverless\.yml; run in the project folder, pass --config, or give the queue as --queue-url\.$/,
    );
  });
});
