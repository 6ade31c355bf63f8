/**
 * GitLab webhooks: the secret token travels as is in `X-Gitlab-Token` (compared in constant time); events
 * mapped as the official CloudEvents GitLab adapter says, keyed by the payload's `object_kind`.
 * @see https://docs.gitlab.com/user/project/integrations/webhooks/
 * @see https://github.com/cloudevents/spec/blob/main/cloudevents/adapters/gitlab.md
 */
import { createHash } from 'node:crypto';
import { asObject, at, type ProviderEvent, text, toTime, type WebhookProvider } from './provider.js';
import { anyMatches, invalid, missing, VERIFIED } from './signature.js';

interface GitLabRule {
  readonly source: string;
  /** Appended to `com.gitlab.<kind>` after a dot. */
  readonly type?: string;
  readonly subject: string;
  readonly time?: string;
}

const HOMEPAGE = 'repository.homepage';
const NOTE = {
  source: 'object_attributes.url',
  subject: 'object_attributes.id',
  time: 'object_attributes.created_at',
};

/** By `object_kind` (job events say `build`). */
const GITLAB_EVENTS: Readonly<Record<string, GitLabRule>> = {
  push: { source: HOMEPAGE, subject: 'checkout_sha' },
  tag_push: { source: HOMEPAGE, subject: 'ref' },
  issue: { source: HOMEPAGE, type: 'object_attributes.state', subject: 'object_attributes.iid' },
  merge_request: {
    source: HOMEPAGE,
    type: 'object_attributes.action',
    subject: 'object_attributes.iid',
    time: 'object_attributes.created_at',
  },
  wiki_page: {
    source: 'project.web_url',
    type: 'object_attributes.action',
    subject: 'object_attributes.slug',
  },
  pipeline: { source: 'project.web_url', type: 'object_attributes.status', subject: 'object_attributes.id' },
  // The adapter names `job_status` / `job_id`; GitLab's job payload spells them `build_status` / `build_id`.
  build: { source: HOMEPAGE, type: 'build_status', subject: 'build_id' },
};

/** Comments: `com.gitlab.note.<commit|merge_request|issue|snippet>`, by `noteable_type`. */
const NOTEABLE: Readonly<Record<string, string>> = {
  Commit: 'commit',
  MergeRequest: 'merge_request',
  Issue: 'issue',
  Snippet: 'snippet',
};

export const gitlab: WebhookProvider = {
  name: 'gitlab',
  detect: (req) => req.headers['x-gitlab-event'] !== undefined,
  verify(req, { secrets }) {
    const token = req.headers['x-gitlab-token'];
    if (token === undefined) return missing('no X-Gitlab-Token header');
    // Hashing both sides first gives equal lengths, so the comparison leaks neither content nor length.
    const digest = (value: string) => createHash('sha256').update(value).digest();
    return anyMatches([digest(token)], secrets, digest)
      ? VERIFIED
      : invalid('X-Gitlab-Token does not match the secret token');
  },
  toEvent(req, payload) {
    const body = asObject(payload);
    const kind = text(body.object_kind) ?? text(body.event_name) ?? 'unknown';
    let type = `com.gitlab.${kind === 'build' ? 'job' : kind}`;
    // Keys come from the payload: own entries only, never Object.prototype's (`constructor`, `__proto__`).
    let rule = Object.hasOwn(GITLAB_EVENTS, kind) ? GITLAB_EVENTS[kind] : undefined;
    if (kind === 'note') {
      rule = NOTE;
      const noteableType = String(at(body, 'object_attributes.noteable_type'));
      const noteable = Object.hasOwn(NOTEABLE, noteableType) ? NOTEABLE[noteableType] : undefined;
      if (noteable !== undefined) type += `.${noteable}`;
    } else if (rule?.type !== undefined) {
      const suffix = text(at(body, rule.type));
      if (suffix !== undefined) type += `.${suffix}`;
    }
    const source = text(at(body, rule?.source ?? HOMEPAGE)) ?? text(at(body, 'project.web_url'));
    const event: ProviderEvent = {
      // Idempotency-Key (GitLab 17.4+) is the same on every retry of a delivery; the others are fallbacks.
      id:
        req.headers['idempotency-key'] ||
        req.headers['x-gitlab-webhook-uuid'] ||
        req.headers['x-gitlab-event-uuid'] ||
        req.requestId,
      // Notes: the note's URL without its `#note_123` fragment is the commented object.
      source:
        (kind === 'note' ? source?.replace(/#.*$/, '') : source) ||
        req.headers['x-gitlab-instance'] ||
        'https://gitlab.com',
      type,
      subject: rule === undefined ? undefined : text(at(body, rule.subject)),
      time: (rule?.time === undefined ? undefined : toTime(at(body, rule.time))) ?? req.time,
    };
    return event;
  },
};
