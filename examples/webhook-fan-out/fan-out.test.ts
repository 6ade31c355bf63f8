import { EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { events, invoke } from 'triggerkit/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as auditLog } from './audit-log.js';
import { handler as deployMain } from './deploy-main.js';
import { handler as receiver } from './receiver.js';
import { handler as triageIssues } from './triage-issues.js';

const secret = 'local-secret'; // receiver.ts's secret outside Lambda
const repository = { full_name: 'acme/app' };
const sender = { login: 'octocat' };
const pushToMain = { ref: 'refs/heads/main', after: '9f1c2e7', repository, sender };
const bugOpened = {
  action: 'opened',
  issue: { number: 42, title: 'Crash on start', labels: [{ name: 'p1' }, { name: 'bug' }] },
  repository,
  sender,
};

/** What the receiver put on the bus; the EventBridge client answers as AWS does. */
let put: PutEventsRequestEntry[];
beforeEach(() => {
  put = [];
  vi.spyOn(EventBridgeClient.prototype, 'send').mockImplementation(async (command) => {
    const entries = (command.input as { Entries: PutEventsRequestEntry[] }).Entries;
    put.push(...entries);
    return { FailedEntryCount: 0, Entries: entries.map((_, i) => ({ EventId: `eb-${put.length + i}` })) };
  });
});
afterEach(() => vi.restoreAllMocks());

/** The bus event each consumer's Lambda receives for what the receiver put there. */
const onTheBus = (entry: PutEventsRequestEntry) =>
  events.eventBridge({
    source: entry.Source as string,
    detailType: entry.DetailType as string,
    detail: JSON.parse(entry.Detail as string),
  });

/** Receives one signed delivery and runs every consumer on what reached the bus. */
async function deliver(event: string, payload: object) {
  const received = await invoke(receiver, events.github({ secret, event, payload }));
  expect(received.response).toMatchObject({ statusCode: 200 });
  expect(put).toHaveLength(1);
  const bus = onTheBus(put[0] as PutEventsRequestEntry);
  return {
    received,
    deployMain: await invoke(deployMain, bus),
    triageIssues: await invoke(triageIssues, bus),
    auditLog: await invoke(auditLog, bus),
  };
}

describe('webhook-fan-out example', () => {
  it('puts a verified delivery on the bus as it arrived', async () => {
    const { received } = await deliver('push', pushToMain);
    expect(put[0]).toMatchObject({ Source: 'https://github.com', DetailType: 'com.github.push' });
    expect(JSON.parse(put[0]?.Detail as string)).toEqual(pushToMain);
    expect(received.results).toEqual([
      { published: 'com.github.push', delivery: received.delivered[0]?.id, eventId: 'eb-1' },
    ]);
  });

  it('fans a push to main out to the deploy and the audit log, not to triage', async () => {
    const run = await deliver('push', pushToMain);
    expect(run.deployMain.results).toEqual([{ deploy: 'acme/app', commit: '9f1c2e7' }]);
    expect(run.auditLog.results).toEqual([expect.stringMatching(/ com\.github\.push acme\/app by octocat$/)]);
    expect(run.triageIssues.filtered).toHaveLength(1);
  });

  it('fans an opened bug out to triage and the audit log, not to the deploy', async () => {
    const run = await deliver('issues', bugOpened);
    expect(run.triageIssues.results).toEqual([{ triage: 'acme/app#42', title: 'Crash on start' }]);
    expect(run.auditLog.delivered[0]?.type).toBe('com.github.issues.opened');
    expect(run.deployMain.filtered).toHaveLength(1);
  });

  it('deploys nothing for a push to another branch, and triages no issue without the bug label', async () => {
    const branch = await deliver('push', { ...pushToMain, ref: 'refs/heads/feature' });
    expect(branch.deployMain.filtered).toHaveLength(1);
    put = [];
    const question = await deliver('issues', {
      ...bugOpened,
      issue: { ...bugOpened.issue, labels: [{ name: 'question' }] },
    });
    expect(question.triageIssues.filtered).toHaveLength(1);
    expect(question.auditLog.delivered).toHaveLength(1);
  });

  it('answers 401 to a delivery signed with another secret, and puts nothing on the bus', async () => {
    const forged = events.github({ secret: 'not-the-secret', event: 'push', payload: pushToMain });
    const result = await invoke(receiver, forged);
    expect(result.response).toMatchObject({ statusCode: 401 });
    expect(result.delivered).toEqual([]);
    expect(put).toEqual([]);
  });

  it('answers 500 when EventBridge refuses the entry, so the delivery shows as failed in GitHub', async () => {
    vi.mocked(EventBridgeClient.prototype.send).mockImplementation(async () => ({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'InternalException', ErrorMessage: 'try again' }],
    }));
    const result = await invoke(receiver, events.github({ secret, event: 'push', payload: pushToMain }));
    expect(result.response).toMatchObject({ statusCode: 500 });
    expect(result.failed[0]?.error).toMatchObject({
      message: expect.stringContaining('EventBridge refused com.github.push'),
    });
  });
});
