/**
 * What feeds the emulator's local log groups besides the CloudWatch Logs API: `--logs group=file` tails
 * a file, `--logs group=cmd:<command>` runs a command and takes its output (stdout and stderr), line by
 * line. Every line is committed to the store (store/logs.ts) before anything else happens to it.
 *
 * A tailed file is read from its end the first time (only lines appended from then on, as `tail -f`),
 * and from the offset stored with its last committed line after a restart — unless the file was replaced
 * (another inode) or truncated meanwhile, then from its start. A partial last line waits for its newline.
 * While running, the file is looked at every `POLL_MS`: a file replaced under the same name (rotation by
 * rename) is read to its end, a partial last line included, before the new file is read from its start;
 * a file that shrank (`copytruncate`) is read again from its start; a file that does not exist yet is
 * waited for and read from its start when it appears. Empty lines are skipped (CloudWatch takes no
 * empty message).
 */
import { spawn } from 'node:child_process';
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { TriggerError } from '../../errors.js';
import type { Clock } from '../clock.js';
import type { LogStore } from '../store/logs.js';

/** One `--logs` flag: a group fed by a file or by a command's output. */
export type LogFeed = { readonly group: string } & ({ readonly file: string } | { readonly command: string });

/** Real milliseconds between two looks at a tailed file. */
export const POLL_MS = 100;
const CHUNK = 1024 * 1024;

/**
 * Reads one `--logs` value: `app=logs/app.log` or `app=cmd:node server.js`.
 *
 * @example
 * parseLogsFlag('app=cmd:node server.js'); // { group: 'app', command: 'node server.js' }
 */
export function parseLogsFlag(value: string): LogFeed {
  const at = value.indexOf('=');
  const group = value.slice(0, at).trim();
  const target = value.slice(at + 1).trim();
  if (at <= 0 || group === '' || target === '' || !/^[\w./#-]{1,512}$/.test(group))
    throw new TriggerError(
      'E_CONFIG',
      `--logs takes <group>=<file> or <group>=cmd:<command> (a group name of letters, digits, _ . / # -), got ${JSON.stringify(value)}.`,
    );
  return target.startsWith('cmd:') ? { group, command: target.slice(4).trim() } : { group, file: target };
}

/**
 * Every `--logs` of a command line (the flag repeats: `--logs app=app.log --logs api=cmd:node api.js`,
 * or `--logs=app=app.log`), read and checked.
 */
export function readLogsFlags(rawArgs: readonly string[]): LogFeed[] {
  return rawArgs.flatMap((arg, i) => {
    if (arg.startsWith('--logs=')) return [parseLogsFlag(arg.slice('--logs='.length))];
    if (arg !== '--logs') return [];
    const value = rawArgs[i + 1];
    if (value === undefined || value.startsWith('--'))
      throw new TriggerError('E_CONFIG', '--logs needs a value: <group>=<file> or <group>=cmd:<command>.');
    return [parseLogsFlag(value)];
  });
}

/** Starts every feed; `close` stops them (and the commands they run). */
export function startLogFeeds(
  logs: LogStore,
  clock: Clock,
  feeds: readonly LogFeed[],
  log: (line: string) => void,
): { close(): void } {
  const started = feeds.map((feed) =>
    'file' in feed ? tailFile(logs, clock, feed.group, feed.file, log) : runCommand(logs, clock, feed, log),
  );
  return {
    close() {
      for (const feed of started) feed();
    },
  };
}

function tailFile(logs: LogStore, clock: Clock, group: string, file: string, log: (line: string) => void) {
  const undoOrigin = logs.addOrigin(group, `tail ${file}`);
  let fd: number | undefined;
  let ino = 0;
  let offset = 0;
  const inode = () => {
    try {
      return statSync(file);
    } catch {
      return undefined;
    }
  };
  const first = inode();
  const stored = logs.tail(group, file);
  if (first !== undefined) {
    fd = openSync(file, 'r');
    ino = first.ino;
    const same = stored !== undefined && stored.ino === first.ino && first.size >= stored.offset;
    offset = same ? stored.offset : stored !== undefined ? 0 : first.size;
  }

  /** Commits the whole lines of the open file from `offset`; with `all`, a partial last line too. */
  function read(all: boolean): void {
    if (fd === undefined) return;
    for (;;) {
      const size = fstatSync(fd).size;
      if (size < offset) offset = 0; // truncated in place
      if (size === offset) return;
      const buffer = Buffer.alloc(Math.min(CHUNK, size - offset));
      const n = readSync(fd, buffer, 0, buffer.length, offset);
      const whole = buffer.lastIndexOf(10, n - 1) + 1;
      // A line longer than a chunk is cut there (CloudWatch's own events stop at 256 KB).
      const end = (all && offset + n === size) || (whole === 0 && n === CHUNK) ? n : whole;
      if (end === 0) return; // a partial line: wait for its newline
      const now = clock.now();
      const lines = buffer
        .subarray(0, end)
        .toString('utf8')
        .split('\n')
        .map((line) => line.replace(/\r$/, ''))
        .filter((line) => line !== '');
      offset += end;
      logs.ensure(group, file, now);
      logs.put(
        group,
        file,
        lines.map((message) => ({ timestamp: now, message })),
        now,
        { file, ino, offset },
      );
    }
  }

  function look(): void {
    try {
      const now = inode();
      if (fd !== undefined && now !== undefined && now.ino !== ino) {
        read(true); // rotated: the old file to its end, then the new one from its start
        closeSync(fd);
        fd = undefined;
      }
      if (fd === undefined && now !== undefined) {
        fd = openSync(file, 'r');
        ino = now.ino;
        offset = 0;
      }
      read(false);
    } catch (error) {
      log(`triggerkit: could not read ${file} for log group ${group}: ${String(error)}`);
    }
  }

  look();
  const timer = setInterval(look, POLL_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
    if (fd !== undefined) closeSync(fd);
    undoOrigin();
  };
}

function runCommand(
  logs: LogStore,
  clock: Clock,
  feed: { group: string; command: string },
  log: (line: string) => void,
) {
  const undoOrigin = logs.addOrigin(feed.group, `cmd: ${feed.command}`);
  const child = spawn(feed.command, { shell: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const stream = `cmd-${child.pid ?? 0}`;
  let closing = false;
  for (const output of [child.stdout, child.stderr]) {
    createInterface({ input: output, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => {
      if (line === '') return;
      const now = clock.now();
      try {
        logs.ensure(feed.group, stream, now);
        logs.put(feed.group, stream, [{ timestamp: now, message: line }], now);
      } catch (error) {
        log(`triggerkit: could not store a line of \`${feed.command}\`: ${String(error)}`);
      }
    });
  }
  child.on('error', (error) =>
    log(`triggerkit: could not run \`${feed.command}\` for log group ${feed.group}: ${error.message}`),
  );
  child.on('exit', (code, signal) => {
    if (!closing)
      log(
        `triggerkit: \`${feed.command}\` exited (${signal ?? `code ${code}`}); its output no longer feeds log group ${feed.group}.`,
      );
  });
  return () => {
    closing = true;
    if (child.exitCode === null) child.kill('SIGTERM');
    undoOrigin();
  };
}
