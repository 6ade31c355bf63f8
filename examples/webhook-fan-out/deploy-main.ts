/**
 * Consumer of the GitHub bus events (receiver.ts): a push to `main` starts a deploy. Pushes to other
 * branches, and every other GitHub event, end `filtered`; in AWS the filter is the EventBridge rule's
 * pattern, so they never invoke it.
 */
import { defineHandler } from 'triggerkit';

interface Push {
  ref: string;
  after: string;
  repository: { full_name: string };
}

export const handler = defineHandler<Push>({
  name: 'deploy-main',
  filter: { source: ['https://github.com'], type: ['com.github.push'], data: { ref: ['refs/heads/main'] } },
  async handle(event) {
    const { repository, after } = event.data;
    return { deploy: repository.full_name, commit: after };
  },
});
