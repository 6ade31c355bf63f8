/**
 * Consumer of the GitHub bus events (receiver.ts): a newly opened issue labelled `bug` goes to the
 * triage board. Other issues and events end `filtered` (an array in the event matches on any element).
 */
import { defineHandler } from 'triggerkit';

interface IssueOpened {
  issue: { number: number; title: string; labels: { name: string }[] };
  repository: { full_name: string };
}

export const handler = defineHandler<IssueOpened>({
  name: 'triage-issues',
  filter: {
    source: ['https://github.com'],
    type: ['com.github.issues.opened'],
    data: { issue: { labels: { name: ['bug'] } } },
  },
  async handle(event) {
    const { issue, repository } = event.data;
    return { triage: `${repository.full_name}#${issue.number}`, title: issue.title };
  },
});
