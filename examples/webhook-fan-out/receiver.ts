/**
 * One signed GitHub webhook, many consumers: POST /webhooks/github is verified against
 * X-Hub-Signature-256 (a forged delivery is answered 401 and goes nowhere), then each delivery is put on
 * the EventBridge bus as it arrived (`source` https://github.com, `detail-type` com.github.push…). The
 * consumers beside this file listen on the bus, each with its own filter; add one without touching this.
 * EventBridge takes entries up to 256 KB: a larger delivery is answered 500.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { defineHandler } from 'triggerkit';

// In Lambda an unset secret refuses to load; elsewhere (npm run dev, the tests) it is 'local-secret'.
const secret =
  process.env.GITHUB_WEBHOOK_SECRET ?? (process.env.AWS_LAMBDA_FUNCTION_NAME ? '' : 'local-secret');

// The endpoint, region and credentials come from the usual AWS settings (AWS_ENDPOINT_URL… for the emulator).
const eventBridge = new EventBridgeClient({});

export const handler = defineHandler({
  name: 'github-webhook',
  sources: [
    { type: 'http', path: '/webhooks/github', method: 'POST', verify: { provider: 'github', secret } },
  ],
  async handle(event) {
    const entry = {
      Source: event.source,
      DetailType: event.type,
      Detail: JSON.stringify(event.data),
      ...(event.time !== undefined && { Time: new Date(event.time) }),
    };
    const answer = await eventBridge.send(new PutEventsCommand({ Entries: [entry] }));
    const put = answer.Entries?.[0];
    if (answer.FailedEntryCount || put?.EventId === undefined) {
      throw new Error(
        `EventBridge refused ${event.type} (delivery ${event.id}): ${put?.ErrorCode} ${put?.ErrorMessage}`,
      );
    }
    return { published: event.type, delivery: event.id, eventId: put.EventId };
  },
});
