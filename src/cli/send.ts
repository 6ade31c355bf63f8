/** Sends a CloudEvent in binary mode, serialized by the CloudEvents SDK (its emit side follows the spec). */
import { randomUUID } from 'node:crypto';
import { CloudEvent, HTTP } from 'cloudevents';

export interface SendInput {
  type: string;
  source: string;
  id?: string;
  subject?: string;
  data?: unknown;
}

export async function sendCloudEvent(
  url: string,
  input: SendInput,
): Promise<{ status: number; body: string }> {
  const event = new CloudEvent({
    id: input.id ?? randomUUID(),
    type: input.type,
    source: input.source,
    ...(input.subject ? { subject: input.subject } : {}),
    ...(input.data === undefined ? {} : { datacontenttype: 'application/json', data: input.data }),
  });
  const message = HTTP.binary(event);
  const response = await fetch(url, {
    method: 'POST',
    headers: message.headers as Record<string, string>,
    body: message.body as string,
  });
  return { status: response.status, body: await response.text() };
}
