/**
 * The official CloudEvents GitHub adapter as data: per `X-GitHub-Event`, where `source`, the `type` suffix,
 * `subject` and `time` come from. Events not listed use the defaults.
 * @see https://github.com/cloudevents/spec/blob/main/cloudevents/adapters/github.md
 */

export interface GitHubRule {
  /** Paths joined with `/` (CommitComment: `comment.url` + `/` + `comment.commit_id`); `=x` is the literal x. */
  readonly source?: readonly string[];
  /** Drop the last path segment of the source (MarketplacePurchase: `sender.url` without `/username`). */
  readonly sourceParent?: true;
  /** Paths whose values are appended to `com.github.<event>`, each after a dot. Default `['action']`. */
  readonly type?: readonly string[];
  readonly subject?: string;
  /** First path with a timestamp wins; else the request time (the adapter's "current time"). */
  readonly time?: readonly string[];
}

const NONE: readonly string[] = [];
const OWNER = ['repository.owner.url'];
const INSTALLATION = ['installation.account.url'];

export const GITHUB_EVENTS: Readonly<Record<string, GitHubRule>> = {
  branch_protection_configuration: {},
  branch_protection_rule: { subject: 'rule.id', time: ['rule.updated_at'] },
  check_run: { subject: 'check_run.id', time: ['check_run.completed_at', 'check_run.started_at'] },
  check_suite: { subject: 'check_suite.id', time: ['check_suite.updated_at'] },
  code_scanning_alert: { subject: 'alert.number' },
  commit_comment: {
    source: ['comment.url', 'comment.commit_id'],
    subject: 'comment.id',
    time: ['comment.updated_at'],
  },
  content_reference: { subject: 'content_reference.id' },
  create: { type: ['ref_type'], subject: 'ref' },
  custom_property: { subject: 'definition.property_name' },
  custom_property_values: {},
  delete: { type: ['ref_type'], subject: 'ref' },
  dependabot_alert: { subject: 'alert.id' },
  deploy_key: { subject: 'key.id', time: ['key.deleted_at', 'key.created_at'] },
  deployment: { type: NONE, subject: 'deployment.id', time: ['deployment.updated_at'] },
  deployment_protection_rule: { source: ['deployment.url'], subject: 'deployment.id' },
  deployment_review: { source: ['deployment.url'], subject: 'workflow_run.id' },
  deployment_status: {
    source: ['deployment.url'],
    type: ['deployment_status.state'],
    subject: 'deployment_status.url',
    time: ['deployment_status.updated_at'],
  },
  discussion: { subject: 'discussion.id' },
  discussion_comment: { subject: 'discussion.id', time: ['comment.updated_at'] },
  fork: { type: NONE, subject: 'forkee.url', time: ['forkee.created_at'] },
  github_app_authorization: { source: ['sender.url'], type: NONE },
  gollum: { type: NONE },
  installation: { source: INSTALLATION, subject: 'installation.id', time: ['installation.updated_at'] },
  installation_repositories: {
    source: INSTALLATION,
    subject: 'installation.id',
    time: ['installation.updated_at'],
  },
  installation_target: { source: INSTALLATION, subject: 'installation.id' },
  issue_comment: { source: ['issue.url'], subject: 'comment.id', time: ['comment.updated_at'] },
  issues: { subject: 'issue.number', time: ['issue.updated_at'] },
  label: { subject: 'label.name' },
  marketplace_purchase: {
    source: ['sender.url'],
    sourceParent: true,
    subject: 'marketplace_purchase.account.login',
    time: ['effective_date'],
  },
  member: { subject: 'member.login' },
  membership: { source: ['team.url'], type: ['scope', 'action'], subject: 'member.login' },
  merge_group: { subject: 'merge_group.head_ref' },
  meta: { subject: 'hook_id', time: ['hook.updated_at'] },
  milestone: { subject: 'milestone.number', time: ['milestone.updated_at'] },
  organization: { source: ['organization.url'], subject: 'membership.user.login' },
  org_block: { source: ['organization.url'], subject: 'blocked_user.login' },
  package: { subject: 'package.id', time: ['package.updated_at', 'package.created_at'] },
  page_build: { type: NONE, subject: 'build.url', time: ['pusher.updated_at'] },
  project_card: { subject: 'project_card.id', time: ['project_card.updated_at'] },
  project_column: { subject: 'project_column.id', time: ['project_column.updated_at'] },
  project: { subject: 'project.id', time: ['project.updated_at'] },
  projects_v2: { subject: 'projects_v2.id', time: ['projects_v2.updated_at'] },
  projects_v2_item: { subject: 'projects_v2_item.id', time: ['projects_v2_item.updated_at'] },
  projects_v2_status_update: {
    subject: 'projects_v2_status_update.id',
    time: ['projects_v2_status_update.updated_at'],
  },
  public: { source: OWNER, type: NONE, subject: 'repository.name', time: ['repository.updated_at'] },
  pull_request: { subject: 'number', time: ['pull_request.updated_at'] },
  pull_request_review: {
    source: ['pull_request.url'],
    subject: 'review.id',
    time: ['review.submitted_at'],
  },
  pull_request_review_comment: {
    source: ['pull_request.url'],
    subject: 'comment.id',
    time: ['pull_request.updated_at'],
  },
  pull_request_review_thread: { source: ['pull_request.url'], subject: 'pull_request.id' },
  push: { type: NONE, subject: 'ref' },
  registry_package: { subject: 'registry_package.html_url', time: ['registry_package.updated_at'] },
  release: { subject: 'release.id', time: ['release.published_at', 'release.created_at'] },
  repository: { source: OWNER, subject: 'repository.name', time: ['repository.updated_at'] },
  repository_advisory: {
    subject: 'repository_advisory.ghsa_id',
    time: ['repository_advisory.updated_at'],
  },
  repository_dispatch: { source: OWNER },
  repository_import: {
    source: OWNER,
    type: NONE,
    subject: 'repository.name',
    time: ['repository.updated_at'],
  },
  repository_ruleset: { source: OWNER, subject: 'repository.name', time: ['repository.updated_at'] },
  repository_vulnerability_alert: { subject: 'alert.id' },
  secret_scanning_alert: { subject: 'alert.number', time: ['alert.updated_at', 'alert.created_at'] },
  secret_scanning_alert_location: {
    subject: 'alert.number',
    time: ['alert.updated_at', 'alert.created_at'],
  },
  security_advisory: {
    source: ['=github.com'],
    subject: 'security_advisory.ghsa_id',
    time: ['security_advisory.updated_at'],
  },
  security_and_analysis: { type: NONE },
  sponsorship: { subject: 'sponsorship.sponsor.login' },
  star: { time: ['starred_at'] },
  status: { type: ['state'], subject: 'sha', time: ['updated_at'] },
  team: { subject: 'team.id', time: ['updated_at'] },
  team_add: { subject: 'team.id' },
  watch: {},
  workflow_dispatch: { type: NONE, subject: 'workflow' },
  workflow_job: { subject: 'workflow_job.name' },
  workflow_run: { subject: 'workflow.name' },
};

/** Where `source` comes from when the event's own path is absent (organization and app-level hooks). */
export const GITHUB_SOURCE_FALLBACKS: readonly string[] = [
  'repository.url',
  'organization.url',
  'sender.url',
];
