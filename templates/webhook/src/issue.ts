/** The part of GitHub's `issues` payload this handler reads, as a JSON Schema. */
export const issueSchema = {
  type: 'object',
  required: ['action', 'issue', 'repository'],
  properties: {
    action: { type: 'string' },
    issue: {
      type: 'object',
      required: ['number', 'title'],
      properties: { number: { type: 'integer' }, title: { type: 'string' } },
    },
    repository: { type: 'object', required: ['full_name'], properties: { full_name: { type: 'string' } } },
  },
} as const;

export interface IssueEvent {
  action: string;
  issue: { number: number; title: string };
  repository: { full_name: string };
}
