/**
 * TEMPLATE (variables, then `${name}` placeholders): the target receives a chat message built from the
 * event. Posting it can fail, so it retries as Alibaba EventBridge's default policy does (`alibaba-backoff`:
 * 3 retries, each 10–20 s later) and then dead-letters the event with why.
 */
import { defineHandler } from 'triggerkit';
import { importUploads } from './rule.js';

/** Where messages go. Replace `post` with your DingTalk / Slack webhook call. */
export const chat = {
  sent: [] as string[],
  async post(text: string): Promise<void> {
    chat.sent.push(text);
  },
};

export const handler = defineHandler<string>({
  name: 'oss-notify',
  sources: [{ type: 'alibaba:eventbridge' }],
  filter: importUploads,
  filterDialect: 'alibaba',
  transform: {
    form: 'TEMPLATE',
    value: {
      bucket: '$.data.oss.bucket.name',
      key: '$.data.oss.object.key',
      size: '$.data.oss.object.size',
      region: '$.aliyunregionid',
    },
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Alibaba templates spell placeholders ${name}.
    template: 'New upload in ${bucket} (${region}): ${key}, ${size} bytes',
  },
  retry: 'alibaba-backoff',
  deadLetter: { queue: 'oss-notify-dlq' },
  async handle(event) {
    await chat.post(event.data);
    return { posted: event.data };
  },
});
