import { describe, expect, it } from 'vitest';
import { fixture } from '../../../../test/support/fixtures.js';
import { cloudEventProblems } from '../../../cloud-event.js';
import { toCloudEvents } from '../../index.js';
import type { Batch } from '../../types.js';
import type { HttpSourceOptions } from '../options.js';

type Raw = { headers: Record<string, string>; body: string };

const withToken = (raw: Raw, token: string | undefined): Raw => {
  const { 'x-gitlab-token': _, ...headers } = raw.headers;
  return { ...raw, headers: token === undefined ? headers : { ...headers, 'x-gitlab-token': token } };
};

const TOKEN = 'test-gitlab-token-c4ca4238';
const NOW = Date.parse('2025-11-23T12:00:05Z');
const OPTIONS: HttpSourceOptions = {
  path: '/webhooks/gitlab',
  verify: { provider: 'gitlab', secret: TOKEN },
};
const run = (raw: Raw, http: HttpSourceOptions = OPTIONS): Batch => toCloudEvents(raw, { http, now: NOW });

function refusedWith(batch: Batch, code: string): void {
  expect(batch.items).toEqual([]);
  expect(batch.control?.statusCode).toBe(401);
  expect(JSON.parse(batch.control?.body ?? '{}').error).toBe(code);
}

describe('GitLab: the secret token', () => {
  it('merge request: id = Idempotency-Key, type com.gitlab.merge_request.<action>, as the GitLab adapter says', () => {
    const raw = fixture<Raw>('webhooks/gitlab-merge-request.json');
    const [item] = run(withToken(raw, TOKEN)).items;
    expect(item?.event).toStrictEqual({
      specversion: '1.0',
      id: '0c9d8e7f-6a5b-4c3d-9e2f-1a0b9c8d7e6f',
      source: 'https://gitlab.example.com/acme/storefront',
      type: 'com.gitlab.merge_request.open',
      subject: '12',
      time: '2025-11-23T11:58:00Z',
      datacontenttype: 'application/json',
      data: JSON.parse(raw.body),
    });
    expect(cloudEventProblems(item?.event)).toEqual([]);
  });

  it('note on a merge request: com.gitlab.note.merge_request, source = the note URL without #note_…', () => {
    const [item] = run(withToken(fixture<Raw>('webhooks/gitlab-note.json'), TOKEN)).items;
    expect(item?.event).toMatchObject({
      type: 'com.gitlab.note.merge_request',
      source: 'https://gitlab.example.com/acme/storefront/-/merge_requests/12',
      subject: '1244',
      time: '2025-11-23T11:59:30Z',
    });
  });

  it('rotation: any listed token', () => {
    const rotating: HttpSourceOptions = {
      ...OPTIONS,
      verify: { provider: 'gitlab', secret: ['test-new', TOKEN] },
    };
    expect(run(withToken(fixture<Raw>('webhooks/gitlab-note.json'), TOKEN), rotating).items).toHaveLength(1);
  });

  it('refuses a wrong token, a token of another length, and none (401)', () => {
    const raw = fixture<Raw>('webhooks/gitlab-merge-request.json');
    refusedWith(run(withToken(raw, 'test-gitlab-token-c4ca4239')), 'signature_invalid');
    refusedWith(run(withToken(raw, 'x')), 'signature_invalid');
    refusedWith(run(withToken(raw, undefined)), 'signature_missing');
  });

  it('a shared token signs nothing: a tampered body passes the token check (use GitLab signing tokens when they ship)', () => {
    const raw = withToken(fixture<Raw>('webhooks/gitlab-merge-request.json'), TOKEN);
    expect(run({ ...raw, body: raw.body.replace('Round totals', 'Other') }).items).toHaveLength(1);
  });

  it('without Idempotency-Key (GitLab before 17.4), the id is X-Gitlab-Webhook-UUID', () => {
    const { 'idempotency-key': _, ...headers } = withToken(
      fixture<Raw>('webhooks/gitlab-merge-request.json'),
      TOKEN,
    ).headers;
    const [item] = run({ ...fixture<Raw>('webhooks/gitlab-merge-request.json'), headers }).items;
    expect(item?.event.id).toBe('2f6b1c1e-4d3a-4b8e-9c0d-1e2f3a4b5c6d');
  });
});
