/**
 * The `--aws` side of `triggerkit dlq list|show|redrive`: what each subcommand prints over the functions
 * of dlq-aws.ts and dlq-redrive.ts. Imported only with `--aws` (it loads the AWS SDK).
 */
import { TriggerError } from '../errors.js';
import { type AwsDlqOptions, listAwsDeadLetters, PASS_ENDS, showAwsDeadLetter } from './dlq-aws.js';
import type { AwsFlags } from './dlq-aws-args.js';
import { formatDlqMessage, shownDlqMessage } from './dlq-messages.js';
import { redriveAwsDeadLetters } from './dlq-redrive.js';
import { PASS_VISIBILITY_SECONDS } from './dlq-sqs.js';

type AwsArgs = AwsFlags & Record<string, unknown>;

const print = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

function optionsOf(args: AwsArgs): AwsDlqOptions {
  const text = (name: string) => (typeof args[name] === 'string' ? (args[name] as string) : undefined);
  return {
    root: process.cwd(),
    config: text('config') ?? 'serverless.yml',
    functionKey: text('function'),
    stage: text('stage'),
    queueUrl: text('queue-url'),
    region: text('region'),
  };
}

/** `dlq list --aws`: one line per message, then how many were seen and how the pass ended. */
export async function awsList(args: AwsArgs & { max?: string; json?: boolean }): Promise<void> {
  const max = Number(args.max ?? 100);
  if (!Number.isSafeInteger(max) || max < 1)
    throw new TriggerError(
      'E_CONFIG',
      `--max must be a whole number of messages of at least 1, got ${JSON.stringify(args.max)}.`,
      { path: '--max' },
    );
  const listing = await listAwsDeadLetters(optionsOf(args), max);
  const { messages, before } = listing;
  if (args.json) return print(JSON.stringify(listing));
  for (const message of messages) print(formatDlqMessage(message));
  const raw = messages.filter((m) => m.kind === 'raw').length;
  print(
    `seen ${messages.length} message(s) in ${listing.queueUrl} (${messages.length - raw} envelope(s), ${raw} raw); before the pass SQS counted about ${before.visible} visible, ${before.inFlight} in flight, ${before.delayed} delayed; ${PASS_ENDS[listing.ended ?? 'empty']}.`,
  );
  print(
    `Each was received once and made visible again${listing.unreleased > 0 ? ` (${listing.unreleased} could not be: they reappear within ${PASS_VISIBILITY_SECONDS} s)` : ''}; SQS hands out a sample, so a message in flight elsewhere or delayed is not listed: run again to look once more.`,
  );
}

/** `dlq show <id> --aws`: the envelope (or the raw message) named by message id or CloudEvent id. */
export async function awsShow(args: AwsArgs & { id: string; json?: boolean }): Promise<void> {
  const { matches } = await showAwsDeadLetter(optionsOf(args), args.id);
  const [first] = matches;
  if (first === undefined) return;
  print(args.json ? JSON.stringify(first) : JSON.stringify(shownDlqMessage(first), null, 2));
  if (matches.length > 1)
    process.stderr.write(
      `triggerkit: ${matches.length} messages carry event id ${args.id}; this is ${first.messageId}, show the others by message id: ${matches
        .slice(1)
        .map((m) => m.messageId)
        .join(', ')}\n`,
    );
}

/** `dlq redrive --aws <id>…|--all [--to queue]`: counts, then one line per message skipped or failed. */
export async function awsRedrive(
  args: AwsArgs & { _?: string[]; all?: boolean; to?: string; json?: boolean },
): Promise<void> {
  const ids = (args._ ?? [])
    .flatMap((id) => String(id).split(','))
    .map((id) => id.trim())
    .filter(Boolean);
  const report = await redriveAwsDeadLetters(optionsOf(args), { ids, all: args.all === true, to: args.to });
  if (report.failed.length > 0 || report.notFound.length > 0) process.exitCode = 1;
  if (args.json) return print(JSON.stringify(report));
  const byTarget = new Map<string, number>();
  for (const r of report.redriven) byTarget.set(r.to, (byTarget.get(r.to) ?? 0) + 1);
  print(
    `redriven ${report.redriven.length} message(s) from ${report.queueUrl}${[...byTarget].map(([to, n]) => `; ${n} to ${to}`).join('')}; skipped ${report.skipped.length}; failed ${report.failed.length}${report.notFound.length > 0 ? `; not found: ${report.notFound.join(', ')}` : ''}.`,
  );
  for (const s of report.skipped) print(`skipped ${s.messageId}: ${s.reason}`);
  for (const f of report.failed) print(`failed ${f.messageId}: ${f.error}`);
}
