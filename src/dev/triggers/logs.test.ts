/** The live log triggers, driven as a user drives them: a tailed file, a command, the CloudWatch Logs API. */
import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { CloudEvent } from '../../cloud-event.js';
import { defineHandler } from '../../define-handler.js';
import type { SourceDeclaration } from '../../definition.js';
import { scaledClock } from '../clock.js';
import { createEmulator, type Emulator, type EmulatorOptions } from '../emulator.js';

let emulator: Emulator | undefined;
const dirs: string[] = [];

afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'triggerkit-logs-'));
  dirs.push(dir);
  return dir;
};

/** A handler on `source` that keeps the events it gets and the raw payloads it was invoked with. */
function subscriber(source: SourceDeclaration) {
  const events: CloudEvent[] = [];
  const raws: unknown[] = [];
  const handler = defineHandler({
    name: 'subscriber',
    sources: [source],
    handle: async (event) => {
      events.push(event);
    },
  });
  handler.use({
    before(request) {
      raws.push(request.event);
    },
  });
  return { events, raws, fn: { name: 'subscriber', handler } };
}

async function start(options: Omit<EmulatorOptions, 'log' | 'onTrace'>) {
  emulator = createEmulator({ ...options, log: () => {}, onTrace: () => {} });
  return { url: await emulator.listen(0), emulator };
}

const until = async (test: () => boolean, ms = 5_000) => {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A CloudWatch Logs API call in the JSON 1.1 protocol, as the SDK and the AWS CLI send it. */
async function logsApi(url: string, action: string, input: unknown) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `Logs_20140328.${action}` },
    body: JSON.stringify(input),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const decode = (raw: unknown) =>
  JSON.parse(
    gunzipSync(Buffer.from((raw as { awslogs: { data: string } }).awslogs.data, 'base64')).toString(),
  );

const line = (level: string, n: number) => `${JSON.stringify({ level, n, ms: n * 100 })}\n`;

describe('aws:cloudwatch-logs fed by a tailed file', () => {
  it('delivers the appended lines its filter pattern keeps, in the real subscription payload', async () => {
    const dir = tempDir();
    const file = join(dir, 'app.log');
    writeFileSync(file, line('ERROR', 0)); // before the start: a new subscription does not see it
    const sub = subscriber({
      type: 'aws:cloudwatch-logs',
      logGroup: 'app',
      filterPattern: '{ $.level = "ERROR" }',
    });
    await start({ functions: [sub.fn], logs: [{ group: 'app', file }] });
    expect(emulator?.listensTo('subscriber')).toContain(`aws:cloudwatch-logs app (tail ${file})`);

    appendFileSync(file, line('INFO', 1) + line('ERROR', 2) + line('DEBUG', 3));
    appendFileSync(file, line('ERROR', 4).slice(0, 10)); // a partial line waits for its newline
    await sleep(300);
    expect(sub.events.map((e) => (e.data as { n: number }).n)).toEqual([2]);
    appendFileSync(file, `${line('ERROR', 4).slice(10)}${line('WARN', 5)}`);
    await until(() => sub.events.length === 2);
    await sleep(200);

    expect(sub.events.map((e) => (e.data as { n: number }).n)).toEqual([2, 4]);
    const [event] = sub.events;
    expect(event).toMatchObject({ type: 'com.amazonaws.logs.log', source: 'app', subject: file });
    expect(event?.id).toMatch(/^\d{56}$/);
    const payloads = sub.raws.map(decode);
    expect(payloads[0]).toMatchObject({
      messageType: 'DATA_MESSAGE',
      owner: '000000000000',
      logGroup: 'app',
      logStream: file,
      subscriptionFilters: ['subscriber-app'],
      logEvents: [{ id: event?.id, message: line('ERROR', 2).trimEnd() }],
    });
    expect(BigInt(payloads[0].logEvents[0].id) >> 144n).toBe(BigInt(payloads[0].logEvents[0].timestamp));
  });

  it('reads a rotated file to its end, then the new file from its start; a truncated file from its start', async () => {
    const dir = tempDir();
    const file = join(dir, 'app.log');
    writeFileSync(file, '');
    const sub = subscriber({ type: 'aws:cloudwatch-logs', logGroup: 'app' });
    await start({ functions: [sub.fn], logs: [{ group: 'app', file }] });
    appendFileSync(file, 'one\ntwo-without-newline');
    await sleep(250);
    renameSync(file, `${file}.1`);
    writeFileSync(file, 'three\n');
    await until(() => sub.events.length === 3);
    writeFileSync(file, 'four\n'); // truncated and written again
    await until(() => sub.events.length === 4);
    expect(sub.events.map((e) => e.data)).toEqual(['one', 'two-without-newline', 'three', 'four']);
  });

  it('resumes after a restart from the stored positions: nothing delivered twice, nothing lost', async () => {
    const dir = tempDir();
    const file = join(dir, 'app.log');
    const stateDir = join(dir, 'state');
    writeFileSync(file, '');
    const first = subscriber({ type: 'aws:cloudwatch-logs', logGroup: 'app' });
    await start({ functions: [first.fn], logs: [{ group: 'app', file }], stateDir });
    appendFileSync(file, 'a\nb\n');
    await until(() => first.events.length === 2);
    await emulator?.close();
    emulator = undefined;

    appendFileSync(file, 'c\nd\n'); // written while the emulator is down
    const second = subscriber({ type: 'aws:cloudwatch-logs', logGroup: 'app' });
    await start({ functions: [second.fn], logs: [{ group: 'app', file }], stateDir });
    await until(() => second.events.length === 2);
    await sleep(300);
    expect([...first.events, ...second.events].map((e) => e.data)).toEqual(['a', 'b', 'c', 'd']);
  });

  it("per-batch: one event per delivery, the batch's lines in its data; per-line: one per line", async () => {
    const dir = tempDir();
    const file = join(dir, 'app.log');
    writeFileSync(file, '');
    const batch = subscriber({ type: 'aws:cloudwatch-logs', logGroup: 'app', events: 'per-batch' });
    await start({ functions: [batch.fn], logs: [{ group: 'app', file }] });
    appendFileSync(file, 'x\n{"y":1}\nz\n');
    await until(() => batch.events.length === 1);
    await sleep(200);
    expect(batch.events).toHaveLength(1);
    expect(batch.events[0]?.type).toBe('com.amazonaws.logs.batch');
    expect(
      (batch.events[0]!.data as { logEvents: { message: unknown }[] }).logEvents.map((e) => e.message),
    ).toEqual(['x', { y: 1 }, 'z']);
    expect(decode(batch.raws[0]).logEvents).toHaveLength(3);
  });
});

describe('aws:cloudwatch-logs fed by a command and by the CloudWatch Logs API', () => {
  it("takes a command's output line by line (--logs group=cmd:<command>)", async () => {
    const sub = subscriber({ type: 'aws:cloudwatch-logs', logGroup: 'proc', filterPattern: '?ERROR ?WARN' });
    await start({
      functions: [sub.fn],
      logs: [{ group: 'proc', command: `printf 'INFO up\\nERROR down\\nWARN slow\\n'` }],
    });
    await until(() => sub.events.length === 2);
    expect(sub.events.map((e) => e.data)).toEqual(['ERROR down', 'WARN slow']);
    expect(sub.events[0]?.subject).toMatch(/^cmd-\d+$/);
  });

  it('PutLogEvents commits the lines; the subscription delivers them; Describe/Get/FilterLogEvents read them', async () => {
    const sub = subscriber({
      type: 'aws:cloudwatch-logs',
      logGroup: 'api',
      filterPattern: '[ip, method, path, status = 5*, ...]',
    });
    const { url } = await start({ functions: [sub.fn] });
    expect((await logsApi(url, 'CreateLogGroup', { logGroupName: 'api' })).status).toBe(200);
    expect((await logsApi(url, 'CreateLogGroup', { logGroupName: 'api' })).body.__type).toBe(
      'ResourceAlreadyExistsException',
    );
    const missing = await logsApi(url, 'PutLogEvents', {
      logGroupName: 'api',
      logStreamName: 'web',
      logEvents: [{ timestamp: Date.now(), message: 'x' }],
    });
    expect(missing).toMatchObject({ status: 400, body: { __type: 'ResourceNotFoundException' } });
    await logsApi(url, 'CreateLogStream', { logGroupName: 'api', logStreamName: 'web' });
    const now = Date.now();
    const put = await logsApi(url, 'PutLogEvents', {
      logGroupName: 'api',
      logStreamName: 'web',
      logEvents: [
        { timestamp: now, message: '10.0.0.1 GET /cart 200 12ms' },
        { timestamp: now + 1, message: '10.0.0.2 POST /checkout 502 3012ms' },
      ],
    });
    expect(put).toEqual({ status: 200, body: {} });
    await until(() => sub.events.length === 1);
    expect(sub.events[0]?.data).toEqual({
      message: '10.0.0.2 POST /checkout 502 3012ms',
      extractedFields: { ip: '10.0.0.2', method: 'POST', path: '/checkout', status: '502' },
    });
    expect(sub.events[0]?.time).toBe(new Date(now + 1).toISOString());

    const streams = await logsApi(url, 'DescribeLogStreams', { logGroupName: 'api' });
    expect(streams.body.logStreams).toMatchObject([{ logStreamName: 'web', firstEventTimestamp: now }]);
    const got = await logsApi(url, 'GetLogEvents', {
      logGroupName: 'api',
      logStreamName: 'web',
      startFromHead: true,
    });
    expect((got.body.events as { message: string }[]).map((e) => e.message)).toHaveLength(2);
    const filtered = await logsApi(url, 'FilterLogEvents', { logGroupName: 'api', filterPattern: 'GET' });
    expect((filtered.body.events as { message: string }[]).map((e) => e.message)).toEqual([
      '10.0.0.1 GET /cart 200 12ms',
    ]);
    const bad = await logsApi(url, 'FilterLogEvents', { logGroupName: 'api', filterPattern: '{ $.a = }' });
    expect(bad.body).toMatchObject({
      __type: 'InvalidParameterException',
      message: expect.stringMatching(/column 9/),
    });
    const unordered = await logsApi(url, 'PutLogEvents', {
      logGroupName: 'api',
      logStreamName: 'web',
      logEvents: [
        { timestamp: now, message: 'b' },
        { timestamp: now - 1, message: 'a' },
      ],
    });
    expect(unordered.body.__type).toBe('InvalidParameterException');
  });
});

describe('alibaba:sls fed by a local log group', () => {
  it('invokes the function every triggerInterval with the cursor range of the new lines', async () => {
    const sub = subscriber({ type: 'alibaba:sls', logstore: 'app', project: 'shop', triggerInterval: 3 });
    const { url } = await start({ functions: [sub.fn], clock: scaledClock(100) });
    await logsApi(url, 'CreateLogGroup', { logGroupName: 'app' });
    await logsApi(url, 'CreateLogStream', { logGroupName: 'app', logStreamName: 's' });
    const logEvents = ['a', 'b', 'c'].map((message) => ({ timestamp: Date.now(), message }));
    await logsApi(url, 'PutLogEvents', { logGroupName: 'app', logStreamName: 's', logEvents });
    await until(() => sub.events.length === 1);
    await sleep(100);
    expect(sub.events).toHaveLength(1);
    const [event] = sub.events;
    expect(event).toMatchObject({
      type: 'com.aliyun.sls.cursorrange',
      source: 'acs:log:::project/shop/logstore/app',
      subject: 'shard/0',
      id: `shop/app/0/${btoa('1')}..${btoa('4')}`,
      data: { source: { projectName: 'shop', logstoreName: 'app', shardId: 0 } },
    });
  });
});
