/** The CLI's commands: each a thin shell over an exported, tested function, imported only when used. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineCommand } from 'citty';
import { TriggerError } from '../errors.js';
import { readJsonArgument } from './input.js';
import { CliError } from './usage.js';

const root = () => process.cwd();

/**
 * The functions to run or build: `--handler`, else serverless.yml, else (no serverless.yml and no
 * `--config`) the `defineHandler` exports found under src/, announced on stderr.
 */
export async function selectFunctions(command: string, args: { config?: string; handler?: string }) {
  const project = await import('./project.js');
  if (args.handler) return args.handler.split(',').map((h) => project.functionFromArgument(h.trim(), root()));
  const config = args.config ?? 'serverless.yml';
  if (existsSync(resolve(root(), config)))
    return project.functionsFromServerless(resolve(root(), config), root());
  if (config !== 'serverless.yml')
    throw new CliError(
      `triggerkit ${command}`,
      `no file at --config ${config}: pass the path of a serverless.yml`,
    );
  const found = (await import('./discover.js')).discoverHandlers(root());
  if (found.length === 0)
    throw new CliError(
      `triggerkit ${command}`,
      'no serverless.yml here: pass --handler <file>[:export], or write a serverless.yml, or export a defineHandler from a file under src/',
    );
  process.stderr.write(
    `triggerkit ${command}: no serverless.yml; found ${found.length} handler(s) under src/: ${found
      .map((fn) => `${fn.name} (${fn.entry}:${fn.exportName})`)
      .join(', ')}\n`,
  );
  return found;
}

export const dev = defineCommand({
  meta: { name: 'dev', description: 'Run the handlers in the local emulator, rebuilding them on change' },
  args: {
    config: {
      type: 'string',
      description: 'serverless.yml to read the functions from',
      default: 'serverless.yml',
    },
    handler: { type: 'string', description: 'Handlers to run instead, as <file>[:export], comma-separated' },
    port: { type: 'string', description: 'Port to listen on (0: any free port)', default: '3000' },
    host: { type: 'string', description: 'Address to listen on', default: '127.0.0.1' },
    'allow-host': {
      type: 'string',
      description: 'More host names to answer (a tunnel, a LAN name), comma-separated',
    },
    bucket: { type: 'string', description: 'A folder as an S3/OSS bucket: name=dir (repeatable)' },
    watch: { type: 'boolean', description: 'Rebuild handlers when their files change', default: true },
    'state-dir': {
      type: 'string',
      description: 'Where durable state (events, retries, dead letters, traces) lives (:memory: keeps none)',
      default: '.triggerkit',
    },
    'time-scale': {
      type: 'string',
      description: 'Run emulated time this many times faster (60: a minute per second)',
      default: '1',
    },
    'retain-age': {
      type: 'string',
      description: 'Delete finished events older than this (default 7d; 0 or off: keep any age)',
    },
    'retain-events': {
      type: 'string',
      description: 'Keep only the newest this many finished events (default 100000; 0 or off: no bound)',
    },
    postgres: {
      type: 'string',
      description:
        'PostgreSQL URL whose changes feed the debezium sources (default: TRIGGERKIT_POSTGRES_URL)',
    },
    dynamodb: {
      type: 'string',
      description:
        'DynamoDB-compatible server (dynalite, DynamoDB Local) the DynamoDB API is forwarded to; writes through it feed the aws:dynamodb sources (default: TRIGGERKIT_DYNAMODB_URL)',
    },
    logs: {
      type: 'string',
      description:
        'Feed a local log group from a file or a command: <group>=<file> or <group>=cmd:<command> (repeatable)',
    },
    record: {
      type: 'string',
      description:
        'Write every raw event that reaches a handler to this folder, one JSON fixture each, secrets redacted',
    },
  },
  async run({ args, rawArgs }) {
    const { checkDevOptions, startDev } = await import('./dev.js');
    const { flagValues, parseBucketFlags } = await import('../dev/buckets/flags.js');
    const retainAge = args['retain-age'];
    const retainEvents = args['retain-events'];
    // Bad flags are refused before the handlers are even read.
    checkDevOptions({
      port: args.port,
      host: args.host,
      timeScale: args['time-scale'],
      retainAge,
      retainEvents,
      dynamodb: args.dynamodb ?? process.env.TRIGGERKIT_DYNAMODB_URL,
    });
    const buckets = parseBucketFlags(flagValues(rawArgs, 'bucket'), root());
    const logs = (await import('../dev/logs/feeds.js')).readLogsFlags(rawArgs);
    const server = await startDev({
      root: root(),
      functions: await selectFunctions('dev', args),
      port: args.port,
      host: args.host,
      allowHosts: args['allow-host']?.split(',').map((h) => h.trim()),
      buckets,
      watch: args.watch,
      stateDir: args['state-dir'] === ':memory:' ? ':memory:' : resolve(root(), args['state-dir']),
      timeScale: args['time-scale'],
      retainAge,
      retainEvents,
      postgres: args.postgres ?? process.env.TRIGGERKIT_POSTGRES_URL,
      dynamodb: args.dynamodb ?? process.env.TRIGGERKIT_DYNAMODB_URL,
      logs,
      ...(args.record !== undefined && { record: resolve(root(), args.record) }),
    });
    const stop = () => void server.stop().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  },
});

export const send = defineCommand({
  meta: {
    name: 'send',
    description:
      'Send a CloudEvent (binary mode) to the emulator or any CloudEvents endpoint; with --as <source>, the raw event that source sends, to the functions that declare it',
  },
  args: {
    type: { type: 'string', description: 'CloudEvents type, e.g. com.example.order.created (without --as)' },
    source: {
      type: 'string',
      description: 'CloudEvents source (default /triggerkit/cli); with --as aws:eventbridge the event source',
    },
    id: { type: 'string', description: 'CloudEvents id (default: a new UUID)' },
    subject: { type: 'string', description: 'CloudEvents subject' },
    data: {
      type: 'string',
      description: 'JSON data, inline or @file.json; with --as repeatable, one per record',
    },
    url: { type: 'string', default: 'http://127.0.0.1:3000/events', description: 'Where to POST it' },
    as: {
      type: 'string',
      description: 'Send the raw event of this source (aws:kafka, aws:mq, rocketmq, alibaba:mns, aws:sqs…)',
    },
    to: { type: 'string', description: 'With --as: only this function' },
    topic: { type: 'string', description: 'With --as: the topic (Kafka, SNS, RocketMQ, MNS)' },
    queue: { type: 'string', description: 'With --as: the queue (SQS, Amazon MQ)' },
    bucket: { type: 'string', description: 'With --as aws:s3: the bucket' },
    stream: { type: 'string', description: 'With --as aws:kinesis: the stream' },
    table: { type: 'string', description: 'With --as aws:dynamodb: the table' },
    'log-group': { type: 'string', description: 'With --as aws:cloudwatch-logs: the log group' },
    partition: { type: 'string', description: 'With --as aws:kafka: the partition (default 0)' },
    key: { type: 'string', description: 'With --as: the Kafka record key, or the S3 object key' },
    option: { type: 'string', description: 'With --as: any other generator option, name=value (repeatable)' },
  },
  async run({ args, rawArgs }) {
    const { describeAnswer, readSendAs, sendAs, sendCloudEvent } = await import('./send.js');
    let answer: { status: number; body: string };
    if (args.as !== undefined) {
      answer = await sendAs(args.url, readSendAs(args.as, args, rawArgs));
    } else {
      if (args.type === undefined)
        throw new TriggerError(
          'E_CONFIG',
          "send needs --type (a CloudEvent for the bus) or --as <source> (that source's raw event).",
          { path: '--type' },
        );
      const data = args.data === undefined ? undefined : readJsonArgument(args.data, '--data');
      answer = await sendCloudEvent(args.url, {
        type: args.type,
        source: args.source ?? '/triggerkit/cli',
        id: args.id,
        subject: args.subject,
        data,
      });
    }
    process.stdout.write(`${answer.status} ${answer.body}\n`);
    for (const line of describeAnswer(answer.body)) process.stderr.write(`triggerkit: ${line}\n`);
    if (answer.status >= 400) process.exitCode = 1;
  },
});

export const normalize = defineCommand({
  meta: {
    name: 'normalize',
    description: 'Print the CloudEvents a raw event (Lambda payload, recorded request) becomes',
  },
  args: { file: { type: 'positional', required: true, description: 'JSON file with the raw event' } },
  async run({ args }) {
    const { toCloudEvents } = await import('../sources/index.js');
    const batch = toCloudEvents(readJsonArgument(`@${args.file}`, args.file));
    process.stdout.write(
      `${JSON.stringify(
        batch.items.map((i) => i.event),
        null,
        2,
      )}\n`,
    );
    // Records the source could not read are left out of the array: say which and why, and exit 2 as
    // for any input that cannot be read (a Lambda runtime reports them failed, see docs/sources).
    for (const { ref, error } of batch.rejected ?? [])
      process.stderr.write(`triggerkit: ${error.code}: ${error.message} (record ${ref})\n`);
    if ((batch.rejected ?? []).length > 0) process.exitCode = 2;
    // A request the transport answers itself (the webhook handshake) has no event: show the answer.
    if (batch.control !== undefined) {
      const { statusCode, headers, body } = batch.control;
      const shown = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
      process.stderr.write(
        `triggerkit: no event; the ${batch.source} request is answered without a handler: ${statusCode}` +
          `${shown.length > 0 ? ` (${shown.join(', ')})` : ''}${body === '' ? '' : ` ${body}`}
`,
      );
    }
  },
});

export const transform = defineCommand({
  meta: {
    name: 'transform',
    description: 'Print what a transform (EventBridge input transformer, Alibaba form) makes of an event',
  },
  args: {
    transform: { type: 'string', required: true, description: 'Transform spec, JSON inline or @file.json' },
    event: { type: 'string', required: true, description: 'Event, JSON inline or @file.json' },
    'rule-name': { type: 'string', description: 'Value of <aws.events.rule-name>' },
  },
  async run({ args }) {
    const { runTransformCommand } = await import('../transforms/transform-command.js');
    const output = runTransformCommand(
      readJsonArgument(args.transform, '--transform'),
      readJsonArgument(args.event, '--event'),
      {
        ruleName: args['rule-name'],
      },
    );
    process.stdout.write(`${output}\n`);
  },
});

export const testPattern = defineCommand({
  meta: {
    name: 'test-pattern',
    description:
      'Print true or false: does the event match the pattern (like TestEventPattern); platform events are normalized first',
  },
  args: {
    pattern: { type: 'string', required: true, description: 'Event pattern, JSON inline or @file.json' },
    event: { type: 'string', required: true, description: 'Event, JSON inline or @file.json' },
    dialect: { type: 'string', default: 'aws', description: "'aws' or 'alibaba'" },
  },
  async run({ args }) {
    const { testPattern } = await import('../rules/test-pattern.js');
    // A platform event (an EventBridge event, an SQS batch…) is matched as the handler would receive it.
    const verdicts = testPattern(
      readJsonArgument(args.pattern, '--pattern'),
      readJsonArgument(args.event, '--event'),
      { dialect: args.dialect as 'aws' },
    );
    if (verdicts.length === 0)
      process.stderr.write(
        'triggerkit: the input holds no event to match (an empty batch, a control message).\n',
      );
    process.stdout.write(`${verdicts.length === 0 ? 'false' : verdicts.join('\n')}\n`);
  },
});
