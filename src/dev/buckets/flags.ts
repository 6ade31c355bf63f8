/** `triggerkit dev --bucket name=dir` (repeatable, or comma-separated): a folder per bucket name. */
import { resolve } from 'node:path';
import { TriggerError } from '../../errors.js';
import { bucketNameProblem } from './keys.js';

/**
 * Reads `--bucket` values into a folder per bucket, resolved against `root`.
 *
 * @example
 * parseBucketFlags(['photos=./fixtures/photos', 'logs=/tmp/logs'], process.cwd());
 */
export function parseBucketFlags(values: readonly string[], root: string): Record<string, string> {
  const folders: Record<string, string> = {};
  for (const value of values.flatMap((v) => v.split(','))) {
    const at = value.indexOf('=');
    const name = value.slice(0, at).trim();
    const dir = value.slice(at + 1).trim();
    if (at < 0 || dir === '')
      throw new TriggerError(
        'E_CONFIG',
        `--bucket takes name=dir, such as --bucket photos=./photos; got ${JSON.stringify(value)}.`,
      );
    const problem = bucketNameProblem(name);
    if (problem !== undefined) throw new TriggerError('E_CONFIG', `--bucket ${value}: ${problem}.`);
    if (folders[name] !== undefined)
      throw new TriggerError('E_CONFIG', `--bucket ${name} is given twice; give each bucket one folder.`);
    folders[name] = resolve(root, dir);
  }
  return folders;
}

/** Every value of a repeatable flag in raw CLI arguments (`--bucket a=x --bucket=b=y`). */
export function flagValues(rawArgs: readonly string[], flag: string): string[] {
  const values: string[] = [];
  for (const [i, arg] of rawArgs.entries()) {
    if (arg === `--${flag}` && rawArgs[i + 1] !== undefined) values.push(rawArgs[i + 1] as string);
    else if (arg.startsWith(`--${flag}=`)) values.push(arg.slice(flag.length + 3));
  }
  return values;
}
