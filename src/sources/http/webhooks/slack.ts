/**
 * Slack requests (Events API, slash commands, interactivity): `X-Slack-Signature: v0=<hex>`, an
 * HMAC-SHA256 of `v0:<X-Slack-Request-Timestamp>:<raw body>` with the signing secret; the timestamp must be
 * within 5 minutes of now. `url_verification` is answered by echoing its `challenge`, and `ssl_check` with a
 * 200, without running the handler.
 * @see https://api.slack.com/authentication/verifying-requests-from-slack
 * @see https://api.slack.com/events/url_verification
 */
import type { HttpRequest, JsonObject } from '../../types.js';
import {
  asObject,
  at,
  controlOk,
  type ProviderEvent,
  text,
  toTime,
  type WebhookProvider,
} from './provider.js';
import { anyMatches, fromHex, hmacSha256, invalid, missing, staleTimestamp, VERIFIED } from './signature.js';

const HEADER = 'X-Slack-Signature';

export const slack: WebhookProvider = {
  name: 'slack',
  detect: (req) => req.headers['x-slack-signature'] !== undefined,
  verify(req, context) {
    const header = req.headers['x-slack-signature'];
    const timestamp = req.headers['x-slack-request-timestamp'];
    if (header === undefined) return missing(`no ${HEADER} header`);
    if (timestamp === undefined) return missing('no X-Slack-Request-Timestamp header');
    const given = header.startsWith('v0=') ? fromHex(header.slice(3)) : undefined;
    if (given === undefined) return invalid(`${HEADER} must be v0= and 64 hex digits`);
    const stale = staleTimestamp(timestamp, 'X-Slack-Request-Timestamp', context);
    if (stale !== undefined) return stale;
    return anyMatches([given], context.secrets, (secret) => hmacSha256(secret, `v0:${timestamp}:`, req.body))
      ? VERIFIED
      : invalid(`${HEADER} does not match the body`);
  },
  control(_req, payload) {
    const body = asObject(payload);
    if (body.type === 'url_verification') return controlOk({ challenge: text(body.challenge) ?? '' });
    // Slack checks the certificate of a slash-command URL with a form post of ssl_check=1.
    if (body.ssl_check === '1') return controlOk({ ok: true });
    return undefined;
  },
  toEvent(req, payload) {
    return slackEvent(req, asObject(payload));
  },
};

/**
 * Events API callbacks: id `event_id`, type `com.slack.<event.type>[.<subtype>]`, time `event_time`.
 * Interactivity payloads: `com.slack.<type>` (`block_actions`, `view_submission`…), slash commands
 * `com.slack.command` with the command as subject; both keyed by `trigger_id`.
 */
function slackEvent(req: HttpRequest, body: JsonObject): ProviderEvent {
  const app = text(body.api_app_id);
  const team = text(body.team_id) ?? text(at(body, 'team.id'));
  const common = {
    source: app === undefined ? 'https://slack.com' : `https://slack.com/apps/${app}`,
    extensions: team === undefined ? undefined : { slackteam: team },
  };
  if (body.type === 'event_callback') {
    const inner = asObject(body.event);
    const kind = [text(inner.type) ?? 'event', text(inner.subtype)].filter((v) => v !== undefined);
    return {
      ...common,
      id: text(body.event_id) ?? req.requestId,
      type: `com.slack.${kind.join('.')}`,
      subject: text(inner.channel) ?? text(at(inner, 'item.channel')) ?? text(inner.user),
      time: toTime(body.event_time) ?? req.time,
    };
  }
  const command = text(body.command);
  return {
    ...common,
    id: text(body.trigger_id) ?? text(body.event_id) ?? req.requestId,
    type: command === undefined ? `com.slack.${text(body.type) ?? 'request'}` : 'com.slack.command',
    subject: command ?? text(at(body, 'channel.id')),
    time: req.time,
  };
}
