/**
 * GitHub webhooks: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`, events mapped as the
 * official CloudEvents GitHub adapter says. `ping` (sent when a hook is created) is answered, not delivered.
 * @see https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
 */
import type { HttpRequest } from '../../types.js';
import { GITHUB_EVENTS, GITHUB_SOURCE_FALLBACKS, type GitHubRule } from './github-events.js';
import {
  asObject,
  at,
  controlOk,
  type ProviderEvent,
  text,
  toTime,
  type WebhookProvider,
} from './provider.js';
import { anyMatches, fromHex, hmacSha256, invalid, missing, VERIFIED } from './signature.js';

const HEADER = 'X-Hub-Signature-256';
const DEFAULT_RULE: GitHubRule = {};

export const github: WebhookProvider = {
  name: 'github',
  detect: (req) => req.headers['x-github-event'] !== undefined,
  verify(req, { secrets }) {
    const header = req.headers['x-hub-signature-256'];
    if (header === undefined) {
      return missing(
        req.headers['x-hub-signature'] === undefined
          ? `no ${HEADER} header`
          : `no ${HEADER} header (the SHA-1 X-Hub-Signature alone is not accepted)`,
      );
    }
    const given = header.startsWith('sha256=') ? fromHex(header.slice(7)) : undefined;
    if (given === undefined) return invalid(`${HEADER} must be sha256= and 64 hex digits`);
    return anyMatches([given], secrets, (secret) => hmacSha256(secret, req.body))
      ? VERIFIED
      : invalid(`${HEADER} does not match the body`);
  },
  control(req, payload) {
    if (req.headers['x-github-event'] !== 'ping') return undefined;
    return controlOk({ ok: true, event: 'ping', hook_id: at(payload, 'hook_id') ?? null });
  },
  toEvent(req, payload) {
    return githubEvent(req, asObject(payload));
  },
};

function githubEvent(req: HttpRequest, body: Record<string, unknown>): ProviderEvent {
  const name = req.headers['x-github-event'] ?? 'unknown';
  const rule = (Object.hasOwn(GITHUB_EVENTS, name) ? GITHUB_EVENTS[name] : undefined) ?? DEFAULT_RULE;
  const suffix = (rule.type ?? ['action']).map((path) => text(at(body, path))).filter((v) => v !== undefined);
  return {
    id: req.headers['x-github-delivery'] || req.requestId,
    source: sourceOf(body, rule),
    type: ['com.github', name, ...suffix].join('.'),
    subject: rule.subject === undefined ? undefined : text(at(body, rule.subject)),
    time: firstTime(body, rule.time) ?? req.time,
  };
}

function sourceOf(body: Record<string, unknown>, rule: GitHubRule): string {
  if (rule.source !== undefined) {
    const parts = rule.source.map((path) => (path.startsWith('=') ? path.slice(1) : text(at(body, path))));
    if (parts.every((part) => part !== undefined)) {
      const source = parts.join('/');
      return rule.sourceParent ? source.replace(/\/[^/]*$/, '') || source : source;
    }
  }
  for (const path of GITHUB_SOURCE_FALLBACKS) {
    const value = text(at(body, path));
    if (value !== undefined) return value;
  }
  return 'https://github.com';
}

function firstTime(body: Record<string, unknown>, paths: readonly string[] | undefined): string | undefined {
  for (const path of paths ?? []) {
    const time = toTime(at(body, path));
    if (time !== undefined) return time;
  }
  return undefined;
}
