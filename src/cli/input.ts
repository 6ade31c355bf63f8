/** `--pattern '{"a":[1]}'` or `--pattern @file.json`: JSON given inline or from a file. */
import { readFileSync } from 'node:fs';
import { TriggerError } from '../errors.js';

export function readJsonArgument(value: string, flag: string): unknown {
  const text = value.startsWith('@') ? readFile(value.slice(1), flag) : value;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new TriggerError(
      'E_CONFIG',
      `${flag}: not valid JSON (${(error as Error).message}); pass JSON inline or @path/to/file.json.`,
      {
        path: flag,
      },
    );
  }
}

export function readFile(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new TriggerError(
      'E_CONFIG',
      `${flag}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`,
      {
        path,
      },
    );
  }
}
