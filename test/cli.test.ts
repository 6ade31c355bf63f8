/** The command line as users run it: output, and exit code 2 with a message for bad input. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from './support/fixtures.js';
import { CLI, post, ROOT, startCli } from './support/processes.js';

const scratch = mkdtempSync(join(tmpdir(), 'triggerkit-cli-'));
/** Writes `value` as JSON to a scratch file; returns its path. */
const writeTemp = (name: string, value: unknown) => {
  const file = join(scratch, name);
  writeFileSync(file, JSON.stringify(value));
  return file;
};

const run = (...args: string[]) => {
  // A command that should exit but serves instead is stopped, and fails its test, after 30 s.
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
};

describe('triggerkit normalize', () => {
  it('prints the CloudEvents of a recorded SQS batch as a JSON array', () => {
    const { code, stdout } = run('normalize', 'test/fixtures/events/sqs/orders-batch.json');
    expect(code).toBe(0);
    const events = JSON.parse(stdout);
    expect(events).toHaveLength(4);
    expect(events[0]).toMatchObject({
      id: '7d3f2c1a-5b6e-4f8d-9a0b-1c2d3e4f5a6b',
      type: 'com.amazonaws.sqs.message',
    });
  });

  it('exits 2 naming what it saw for input it cannot read', () => {
    const { code, stderr } = run('normalize', 'package.json');
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /E_SOURCE_UNKNOWN: No known event source matches this input: an object with keys name, version/,
    );
  });

  it('names the closest known source and what is missing for input no source recognizes', () => {
    const file = writeTemp('almost-sqs.json', { Records: [{ eventSource: 'aws:sq', messageId: 'm1' }] });
    const { code, stderr } = run('normalize', file);
    expect(code).toBe(2);
    expect(stderr).toContain(
      'The closest known source is SQS batch: `Records[0].eventSource` is "aws:sq", expected "aws:sqs"; ' +
        '`Records[0].body` is missing; `Records[0].eventSourceARN` is missing.',
    );
  });

  it('prints the records it can read and exits 2 naming each record it cannot', () => {
    const batch = fixture<{ Records: Record<string, unknown>[] }>('sqs/orders-batch.json');
    delete batch.Records[1]?.body;
    const { code, stdout, stderr } = run('normalize', writeTemp('one-bad-record.json', batch));
    expect(code).toBe(2);
    expect(JSON.parse(stdout)).toHaveLength(3);
    expect(stderr).toMatch(
      /^triggerkit: E_SOURCE_INVALID: Records\[1\] is not an SQS message .*\(record [\w-]+\)$/m,
    );
  });

  it('shows the answer to a request the transport answers itself (the webhook handshake)', () => {
    const { code, stdout, stderr } = run(
      'normalize',
      'test/fixtures/events/apigw-http/webhook-handshake.json',
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual([]);
    expect(stderr).toMatch(
      /^triggerkit: no event; the aws:apigateway:v2 request is answered without a handler: 200 \(.*webhook-allowed-origin/im,
    );
  });

  it('exits 2 for a file that does not exist', () => {
    const { code, stderr } = run('normalize', 'no-such-file.json');
    expect(code).toBe(2);
    expect(stderr).toContain('cannot read no-such-file.json (ENOENT)');
  });
});

describe('triggerkit test-pattern', () => {
  it('prints true or false like TestEventPattern', () => {
    const event = '{"type":"com.example.order.created","data":{"total":120}}';
    expect(
      run('test-pattern', '--pattern', '{"type":["com.example.order.created"]}', '--event', event).stdout,
    ).toBe('true\n');
    expect(run('test-pattern', '--pattern', '{"type":["other"]}', '--event', event).stdout).toBe('false\n');
  });

  it('speaks the full language, and the Alibaba dialect with --dialect alibaba', () => {
    const event = '{"type":"order","source":"shop","data":{"total":150,"sku":"mug-blue","ip":"10.0.3.7"}}';
    const aws =
      '{"data":{"total":[{"numeric":[">",100,"<=",200]}],"sku":[{"prefix":"mug-"}],"ip":[{"cidr":"10.0.0.0/16"}]}}';
    expect(run('test-pattern', '--pattern', aws, '--event', event).stdout).toBe('true\n');
    const alibaba = '{"data":{"sku":[{"contains":"blue"}]}}';
    expect(run('test-pattern', '--pattern', alibaba, '--event', event, '--dialect', 'alibaba').stdout).toBe(
      'true\n',
    );
    const { code, stderr } = run('test-pattern', '--pattern', alibaba, '--event', event);
    expect(code).toBe(2);
    expect(stderr).toContain('E_RULE_INVALID');
  });

  it('normalizes an EventBridge event first, as `aws events test-event-pattern` is given one', () => {
    const event = '@test/fixtures/events/eventbridge/autoscaling-launch.json';
    const pattern = JSON.stringify({
      source: ['aws.autoscaling'],
      resources: ['arn:aws:ec2:us-west-2:123456789012:instance/i-0b188560f2c9d4e71'],
      detail: { AutoScalingGroupName: ['web-asg'] },
    });
    expect(run('test-pattern', '--pattern', pattern, '--event', event).stdout).toBe('true\n');
  });

  it('exits 2 with the reason for an invalid pattern', () => {
    const { code, stderr } = run('test-pattern', '--pattern', '{"type":"not-an-array"}', '--event', '{}');
    expect(code).toBe(2);
    expect(stderr).toMatch(/E_RULE_INVALID: .*`type`/);
  });
});

describe('triggerkit transform', () => {
  const event = JSON.stringify({
    specversion: '1.0',
    id: '1',
    source: '/shop',
    type: 'order.created',
    data: { id: 'o-1', total: 7 },
  });

  it('applies an EventBridge input transformer to the EventBridge view of a CloudEvent', () => {
    const spec = JSON.stringify({
      InputTransformer: {
        InputPathsMap: { id: '$.detail.id', kind: '$.detail-type' },
        InputTemplate: '"<kind> <id>"',
      },
    });
    const { code, stdout } = run('transform', '--transform', spec, '--event', event);
    expect(code).toBe(0);
    expect(stdout).toBe('order.created o-1\n');
  });

  it('applies an Alibaba TEMPLATE transform to the CloudEvent as it is', () => {
    const spec = JSON.stringify({
      form: 'TEMPLATE',
      value: { total: '$.data.total', id: '$.data.id' },
      template: '{"amount": ${total}, "order": "${id}"}',
    });
    const { stdout } = run('transform', '--transform', spec, '--event', event);
    expect(JSON.parse(stdout)).toEqual({ amount: 7, order: 'o-1' });
  });

  it('exits 2 naming the problem for an invalid transform', () => {
    const { code, stderr } = run('transform', '--transform', '{"InputPath":"detail"}', '--event', event);
    expect(code).toBe(2);
    expect(stderr).toContain('E_TRANSFORM_INVALID');
  });
});

describe('triggerkit', () => {
  it('exits 2 for an unknown command and points to --help', () => {
    const { code, stderr } = run('frobnicate');
    expect(code).toBe(2);
    expect(stderr).toContain('--help');
  });

  it('fails at load time, naming the key, for an invalid definition', () => {
    const { code, stderr } = run(
      'dev',
      '--handler',
      'test/fixtures/handlers/invalid-definition.ts',
      '--port',
      '0',
      '--no-watch',
    );
    expect(code).toBe(2);
    expect(stderr).toMatch(/E_CONFIG: handler "broken": unknown key `retries`; did you mean `retry`\?/);
  });
});

describe('triggerkit dev on a state folder another one holds', () => {
  /** What a second process must leave alone: the first one's running delivery and its claim. */
  const inFlight = (stateDir: string) => {
    const db = new Database(join(stateDir, 'state.db'), { readonly: true, fileMustExist: true });
    try {
      return {
        deliveries: db.prepare('SELECT status, attempts FROM deliveries').all(),
        claims: db.prepare('SELECT status FROM idempotency').all(),
      };
    } finally {
      db.close();
    }
  };

  it('exits 2 with one line naming the holder, and changes nothing of its state', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'triggerkit-lock-'));
    const handler = 'test/fixtures/handlers/slow-once.ts';
    const first = startCli([
      'dev',
      '--handler',
      handler,
      '--port',
      '0',
      '--no-watch',
      '--state-dir',
      stateDir,
    ]);
    try {
      const url = (await first.waitFor(/listening on (http:\/\/[\d.:]+)/))[1] as string;
      const sent = await post(`${url}/events`, '{}', {
        'ce-specversion': '1.0',
        'ce-id': 'held-1',
        'ce-source': '/test',
        'ce-type': 'com.example.slow',
        'content-type': 'application/json',
      });
      expect(sent.status).toBe(202);
      const held = { deliveries: [{ status: 'running', attempts: 1 }], claims: [{ status: 'in-progress' }] };
      for (let i = 0; i < 200 && JSON.stringify(inFlight(stateDir)) !== JSON.stringify(held); i++)
        await new Promise((resolve) => setTimeout(resolve, 25));
      expect(inFlight(stateDir)).toEqual(held);

      const port = new URL(url).port;
      const second = (...flags: string[]) =>
        run('dev', '--handler', handler, '--no-watch', '--state-dir', stateDir, ...flags);
      for (const [flags, message] of [
        [
          ['--port', '0'],
          /^triggerkit: E_CONFIG: The state folder .* is in use by another triggerkit emulator \(pid \d+, http:\/\/127\.0\.0\.1:\d+\); stop it, or give this one another --state-dir\.$/,
        ],
        [['--port', port], /in use by another triggerkit emulator/],
        [
          ['--port', 'abc'],
          /^triggerkit: E_CONFIG: --port must be a whole number from 0 to 65535 .*got "abc"\.$/,
        ],
        [['--port', '0', '--time-scale', 'Infinity'], /--time-scale must be a positive number/],
      ] as const) {
        const { code, stderr } = second(...flags);
        expect(code).toBe(2);
        expect(stderr.trimEnd()).toMatch(message);
        expect(stderr.trimEnd().split('\n')).toHaveLength(1);
        expect(inFlight(stateDir)).toEqual(held);
      }
      // The dead-letter commands only read a live state (or ask the emulator).
      expect(run('dlq', 'list', '--state-dir', stateDir).code).toBe(0);
      expect(inFlight(stateDir)).toEqual(held);
      expect(first.child.exitCode).toBeNull();
    } finally {
      await first.stop();
    }
  }, 180_000);

  it('takes the folder over once the holder is gone, even after a kill -9', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'triggerkit-lock-'));
    const args = ['dev', '--handler', 'test/fixtures/handlers/slow-once.ts', '--port', '0', '--no-watch'];
    const first = startCli([...args, '--state-dir', stateDir]);
    await first.waitFor(/listening on/);
    process.kill(first.child.pid as number, 'SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    const second = startCli([...args, '--state-dir', stateDir]);
    try {
      await second.waitFor(/listening on/);
    } finally {
      await second.stop();
    }
  }, 60_000);
});

describe('triggerkit dlq', () => {
  it('exits 2 with one line for a dead-letter id that is not one', () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'triggerkit-dlq-'));
    writeFileSync(join(stateDir, 'state.db'), '');
    for (const ids of ['abc', '1,x', '0', '1.5']) {
      const { code, stderr } = run('dlq', 'redrive', ids, '--state-dir', stateDir);
      expect(code).toBe(2);
      expect(stderr.trimEnd()).toMatch(/^triggerkit: E_CONFIG: ids: ".*" is not a dead-letter id; .*\.$/);
    }
  });
});

describe('triggerkit send', () => {
  let dev: ReturnType<typeof startCli> | undefined;
  let url = '';
  beforeAll(async () => {
    const handlers = ['kafka-orders', 'orders-images', 'mns-failing'].map(
      (h) => `test/fixtures/handlers/${h}.ts`,
    );
    dev = startCli([
      'dev',
      '--handler',
      handlers.join(','),
      '--port',
      '0',
      '--no-watch',
      '--state-dir',
      ':memory:',
    ]);
    url = (await dev.waitFor(/listening on (http:\/\/[\d.:]+)/))[1] as string;
  }, 60_000);
  afterAll(() => dev?.stop());

  it('--as aws:kafka delivers the records given, in order, to the function that declares the topic', async () => {
    const sent = run(
      'send',
      '--as',
      'aws:kafka',
      '--topic',
      'orders',
      '--data',
      '[{"n":1},{"n":2}]',
      '--data',
      '{"n":3}',
      '--url',
      `${url}/events`,
    );
    // Two --data: two records, the first an array (one JSON array alone would be a batch of its items).
    expect(sent.stderr).toBe('');
    expect(sent.code).toBe(0);
    expect(sent.stdout).toMatch(/^200 /);
    expect(JSON.parse(sent.stdout.slice(4))).toEqual({
      kind: 'aws:kafka',
      reached: [{ function: 'kafka-orders', invocations: 1, records: 2, failed: 0 }],
    });
    const batch = run('send', '--as', 'aws:kafka', '--data', '[{"n":4},{"n":5},{"n":6}]', '--url', url);
    expect(JSON.parse(batch.stdout.slice(4)).reached).toEqual([
      { function: 'kafka-orders', invocations: 1, records: 3, failed: 0 },
    ]);
    for (let i = 0; i < 200 && (dev?.output().match(/kafka-orders got/g) ?? []).length < 5; i++)
      await new Promise((resolve) => setTimeout(resolve, 25));
    const got = [...(dev?.output().matchAll(/kafka-orders got (\d+) (.*)/g) ?? [])];
    expect(got.map((m) => m[2])).toEqual(['[{"n":1},{"n":2}]', '{"n":3}', '{"n":4}', '{"n":5}', '{"n":6}']);
    const offsets = got.map((m) => Number(m[1]));
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
  });

  it('--as an unknown kind exits 2 with one line listing the kinds', () => {
    const { code, stderr } = run('send', '--as', 'aws:kafak', '--data', '{}', '--url', url);
    expect(code).toBe(2);
    expect(stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(
        /^triggerkit: E_CONFIG: --as "aws:kafak" is not a source kind; use one of aws:sqs, .*aws:kafka, aws:mq, .*rocketmq, alibaba:mns\.$/,
      ),
    ]);
  });

  it('--as alibaba:mns to a failing handler dead-letters the message after maxAttempts', async () => {
    const sent = run(
      'send',
      '--as',
      'alibaba:mns',
      '--topic',
      'stock',
      '--data',
      '{"sku":"mug"}',
      '--url',
      url,
    );
    expect(sent.code).toBe(0);
    let letters: { envelope: Record<string, unknown> }[] = [];
    for (let i = 0; i < 200 && letters.length === 0; i++) {
      letters = (await (await fetch(`${url}/dead-letters`)).json()) as typeof letters;
      if (letters.length === 0) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(letters.map((l) => l.envelope)).toEqual([
      expect.objectContaining({
        dlreason: 'retries-exhausted',
        dlattempts: 2,
        dlhandler: 'mns-failing',
        data: { sku: 'mug' },
      }),
    ]);
  });

  it('says when no function received a bus event, and names the command that reaches its handler', () => {
    const sent = run(
      'send',
      '--type',
      'com.amazonaws.s3.ObjectCreated:Put',
      '--data',
      '{"key":"a.jpg"}',
      '--url',
      `${url}/events`,
    );
    expect(sent.code).toBe(0);
    const answer = JSON.parse(sent.stdout.slice(4));
    expect(sent.stdout.startsWith('202 ')).toBe(true);
    expect(answer.unreceived).toEqual([
      { id: answer.accepted[0], reason: 'no-listener', message: expect.any(String) },
    ]);
    expect(sent.stderr).toMatch(
      new RegExp(
        `^triggerkit: event ${answer.accepted[0]} reached no function: no function listens on the bus for this event; ` +
          'orders-images declares aws:s3 bucket photos: send to its live trigger \\(aws:s3 photos \\(folder .+photos\\)\\) ' +
          'or run `triggerkit send --as aws:s3 --to orders-images --bucket photos --data …`\\.\\n$',
      ),
    );
  });
});
