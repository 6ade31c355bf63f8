/**
 * Usage checks citty does not make: an unknown command or option is refused in one line with the
 * closest known one, before any command runs (citty silently ignores unknown options).
 */
import type { ArgsDef, CommandDef } from 'citty';

/** A usage or configuration mistake, printed as `triggerkit <command>: <message>`; exits 2 unless told. */
export class CliError extends Error {
  override readonly name = 'TriggerkitCliError';
  constructor(
    readonly command: string,
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

export const isCliError = (error: unknown): error is CliError =>
  (error as { name?: string } | undefined)?.name === 'TriggerkitCliError';

/** Edit distance between two words (insertions, deletions, substitutions). */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    previous = current;
  }
  return previous[b.length] as number;
}

/** The known word closest to `word`, if it is close enough to be a typo (or `word` is its prefix). */
export function closest(word: string, known: readonly string[]): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const name of known) {
    const d = name.startsWith(word) && word.length >= 2 ? 0.5 : distance(word, name);
    if (best === undefined || d < best.d) best = { name, d };
  }
  return best && best.d <= Math.max(2, Math.floor(word.length / 3)) ? best.name : undefined;
}

const hint = (suggestion: string | undefined) => (suggestion ? `; did you mean ${suggestion}?` : '');

type AnyCommand = CommandDef<ArgsDef>;
const value = async <T>(v: T | (() => T | Promise<T>) | Promise<T> | undefined) =>
  typeof v === 'function' ? await (v as () => T | Promise<T>)() : await v;

/**
 * Follows the command words of `rawArgs` down `main`'s sub-commands and checks the options of the
 * command reached; throws a CliError naming the closest command or option for one it does not know.
 * Returns the command's path (`['dlq', 'list']`) and definition.
 */
export async function checkUsage(
  main: AnyCommand,
  rawArgs: readonly string[],
): Promise<{ path: string[]; command: AnyCommand }> {
  const path: string[] = [];
  let command = main;
  let rest = [...rawArgs];
  for (;;) {
    const subCommands = (await value(command.subCommands)) as Record<string, unknown> | undefined;
    if (subCommands === undefined || Object.keys(subCommands).length === 0) break;
    const index = rest.findIndex((arg) => !arg.startsWith('-'));
    const word = rest[index];
    const names = Object.keys(subCommands);
    const name = ['triggerkit', ...path].join(' ');
    if (word === undefined) {
      if (path.length === 0) break;
      throw new CliError(name, `which command? one of ${names.join(', ')} (see ${name} --help).`);
    }
    if (!(word in subCommands))
      throw new CliError(
        name,
        `unknown command ${word}${hint(closest(word, names))} (see ${name} --help for the commands)`,
      );
    path.push(word);
    command = (await value(subCommands[word])) as AnyCommand;
    rest = rest.slice(index + 1);
  }
  checkOptions(['triggerkit', ...path].join(' '), ((await value(command.args)) ?? {}) as ArgsDef, rest);
  return { path, command };
}

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Every `--option` of `rawArgs` must be one `args` declares (or its `--no-` form for a boolean). */
export function checkOptions(command: string, args: ArgsDef, rawArgs: readonly string[]): void {
  const options = new Map<string, string>();
  for (const [name, def] of Object.entries(args)) {
    if (def.type === 'positional') continue;
    for (const spelling of [name, kebab(name)]) {
      options.set(`--${spelling}`, def.type ?? 'string');
      if (def.type === 'boolean') options.set(`--no-${spelling}`, 'boolean');
    }
    for (const alias of [(def as { alias?: string | string[] }).alias ?? []].flat())
      options.set(alias.length === 1 ? `-${alias}` : `--${alias}`, def.type ?? 'string');
  }
  options.set('--help', 'boolean').set('-h', 'boolean');
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i] as string;
    if (arg === '--') return;
    // A lone `-` is an argument (stdin), not an option.
    if (!arg.startsWith('-') || arg === '-' || /^-\d/.test(arg)) continue;
    const flag = arg.split('=')[0] as string;
    const type = options.get(flag);
    if (type === undefined) {
      const known = [...options.keys()].filter((o) => o.startsWith('--') && !o.startsWith('--no-'));
      throw new CliError(command, `unknown option ${flag}${hint(closest(flag, known))}`);
    }
    // A string option's value is the next argument, whatever it looks like.
    if (type !== 'boolean' && !arg.includes('=')) i++;
  }
}
