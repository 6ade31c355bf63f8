/** HTTP calls to a running emulator: a refused connection is one line naming the fix, not `fetch failed`. */
import { CliError } from './usage.js';

/**
 * `fetch` to the emulator at `url`; when nothing answers there, throws a CliError (exit 1) for `command`
 * saying to start one with `triggerkit dev` or to do `otherwise` (default: pass `--url`).
 */
export async function fetchEmulator(
  command: string,
  url: string | URL,
  init?: RequestInit,
  otherwise = 'pass --url',
): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    const code = cause?.code ?? '';
    if (!['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EHOSTUNREACH'].includes(code)) throw error;
    throw new CliError(
      `triggerkit ${command}`,
      `no emulator at ${new URL(url).origin}: start one with triggerkit dev (or ${otherwise})`,
      1,
    );
  }
}
