/**
 * GitHub's webhook at POST /webhooks/github, verified against X-Hub-Signature-256 with the
 * GITHUB_WEBHOOK_SECRET environment variable (a wrong signature is answered 401, the handler never runs).
 * Only newly opened issues reach the handler; every other delivery (push, issue closed…) is filtered.
 */
import { defineHandler } from 'triggerkit';
import { type IssueEvent, issueSchema } from './issue.js';

export const handler = defineHandler<IssueEvent>({
  name: 'issues',
  sources: [
    {
      type: 'http',
      path: '/webhooks/github',
      method: 'POST',
      verify: { provider: 'github', secret: process.env.GITHUB_WEBHOOK_SECRET ?? '' },
    },
  ],
  filter: { type: ['com.github.issues.opened'] },
  schema: issueSchema,
  async handle(event) {
    const { issue, repository } = event.data as IssueEvent;
    return { triaged: `${repository.full_name}#${issue.number}` };
  },
});
