/**
 * The web UI's live stream (`GET /ui/api/stream`, server-sent events): every event received, and every
 * event whose story moved on (an attempt, a retry, a dead letter, a redrive), pushed as `EventRow`s. One
 * poll of the store serves every open page, and runs only while one is open: changes made by live
 * triggers, by the CLI or by another process on the same state file are seen alike.
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html
 */
import type { ServerResponse } from 'node:http';
import type { Mark, WebQueries } from './queries.js';

/** How often the store is looked at while a page listens, in ms. */
const POLL_MS = 200;
/** A comment line this often keeps proxies and idle timers from closing the stream. */
const KEEP_ALIVE_MS = 15_000;

export function createStream(queries: WebQueries, poll = POLL_MS) {
  const clients = new Set<ServerResponse>();
  let mark: Mark | undefined;
  let timer: NodeJS.Timeout | undefined;
  let beat: NodeJS.Timeout | undefined;

  function broadcast(text: string): void {
    for (const res of clients) res.write(text);
  }

  function look(): void {
    try {
      const now = queries.mark();
      const since = mark ?? now;
      mark = now;
      if (now.seq === since.seq && now.trace === since.trace) return;
      const rows = queries.changedSince(since, now);
      if (rows.length > 0) broadcast(`event: events\ndata: ${JSON.stringify(rows)}\n\n`);
    } catch {
      // The store is closing or busy: the next look catches up from the same mark.
    }
  }

  function stop(): void {
    clearInterval(timer);
    clearInterval(beat);
    timer = beat = undefined;
    mark = undefined;
  }

  return {
    /** Answers one `GET` with the stream, until the page goes away. */
    open(res: ServerResponse): void {
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      });
      res.write('retry: 1000\n: listening\n\n');
      clients.add(res);
      res.on('close', () => {
        clients.delete(res);
        if (clients.size === 0) stop();
      });
      if (timer === undefined) {
        mark = queries.mark();
        timer = setInterval(look, poll);
        beat = setInterval(() => broadcast(': keep-alive\n\n'), KEEP_ALIVE_MS);
        timer.unref();
        beat.unref();
      }
    },
    close(): void {
      stop();
      for (const res of clients) res.end();
      clients.clear();
    },
  };
}
