/**
 * The flags of `triggerkit dlq … --aws`, apart from the code that uses them, so the emulator's side of
 * `triggerkit dlq` does not load the AWS SDK.
 */
import { TriggerError } from '../errors.js';

/** The flags every `dlq` subcommand takes for `--aws`. */
export const awsArgs = {
  aws: {
    type: 'boolean',
    description: "The function's SQS dead-letter queue in AWS, instead of the emulator's state",
    default: false,
  },
  function: {
    type: 'string',
    description: "With --aws: the function, by its key in serverless.yml's functions",
  },
  stage: { type: 'string', description: 'With --aws: the stage (default provider.stage, else dev)' },
  config: {
    type: 'string',
    description: 'With --aws: the serverless.yml to read',
    default: 'serverless.yml',
  },
  'queue-url': {
    type: 'string',
    description: 'With --aws: the dead-letter queue URL (instead of finding it)',
  },
  region: { type: 'string', description: 'With --aws: the AWS region (default AWS_REGION, or the profile)' },
} as const;

/** The `--aws` flags as citty parses them. */
export type AwsFlags = { [K in keyof typeof awsArgs]?: string | boolean };
type AwsArgs = AwsFlags & Record<string, unknown>;

/** Refuses `--aws`-only flags without `--aws`, rather than quietly reading the local state. */
export function checkAwsFlags(args: AwsArgs, only: readonly string[]): void {
  if (args.aws === true) return;
  const given = ['function', 'stage', 'queue-url', 'region', ...only].find(
    (flag) => args[flag] !== undefined && args[flag] !== false,
  );
  if (given !== undefined)
    throw new TriggerError(
      'E_CONFIG',
      `--${given} works on a dead-letter queue in AWS: add --aws (without it, \`triggerkit dlq\` reads the emulator's state).`,
      { path: `--${given}` },
    );
}
