/**
 * Colour for the emulator's terminal, only where a person reads it: a TTY, unless `NO_COLOR` says no;
 * `FORCE_COLOR` overrides both (`FORCE_COLOR=0` turns colour off). Piped output — a log file, a test
 * reading the lines — gets none, so the lines stay greppable.
 * @see https://no-color.org
 * @see https://force-color.org
 */

/** How a word of a line is shown. */
export interface Style {
  good(text: string): string;
  bad(text: string): string;
  warn(text: string): string;
  dim(text: string): string;
}

const plain = (text: string) => text;
const sgr = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;

export const PLAIN: Style = { good: plain, bad: plain, warn: plain, dim: plain };
export const COLOURED: Style = { good: sgr(32, 39), bad: sgr(31, 39), warn: sgr(33, 39), dim: sgr(2, 22) };

/**
 * Whether to colour what goes to `stream`.
 *
 * @example
 * const style = useColour(process.stdout, process.env) ? COLOURED : PLAIN;
 */
export function useColour(
  stream: { readonly isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stream.isTTY === true && env.TERM !== 'dumb';
}
