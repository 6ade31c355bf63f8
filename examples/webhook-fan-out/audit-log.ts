/**
 * Consumer of the GitHub bus events (receiver.ts): every delivery, whatever its type, becomes one line
 * of an audit trail. It receives the same events as the other consumers, not a copy made for it.
 */
import { defineHandler } from 'triggerkit';

interface Delivery {
  sender?: { login: string };
  repository?: { full_name: string };
}

export const handler = defineHandler<Delivery>({
  name: 'github-audit-log',
  filter: { source: ['https://github.com'] },
  async handle(event) {
    const { sender, repository } = event.data;
    return `${event.time} ${event.type} ${repository?.full_name ?? '-'} by ${sender?.login ?? '-'}`;
  },
});
