/**
 * HTTP/2 over cleartext (h2c, prior knowledge) on the emulator's HTTP/1 port. `@aws-sdk/client-kinesis`
 * sends every call over HTTP/2 (its default request handler is `NodeHttp2Handler`, for SubscribeToShard),
 * and against an `http://` endpoint it opens h2c straight away: an HTTP/1-only server answers it with a
 * "Protocol error". Each new connection's first bytes say which it speaks: the HTTP/2 preface starts with
 * `PRI * HTTP/2.0`, which no HTTP/1 request does; HTTP/1 connections go to the server as before.
 * @see https://www.rfc-editor.org/rfc/rfc9113#section-3.3
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttp2Server, type Http2Session } from 'node:http2';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';

/**
 * Makes `server` also answer h2c connections with `answer` (through Node's HTTP/2 compatibility API, so
 * the same request handler serves both). Returns `close`, which ends the open HTTP/2 sessions: call it
 * before `server.close`, which waits for every connection.
 *
 * @example
 * const h2c = acceptH2c(server, answer);
 * h2c.close(); server.close();
 */
export function acceptH2c(
  server: Server,
  answer: (req: IncomingMessage, res: ServerResponse) => void,
): { close(): void } {
  const sessions = new Set<Http2Session>();
  const h2 = createHttp2Server((req, res) => {
    // The `Host` check reads `host`; HTTP/2 names it `:authority`.
    req.headers.host ??= req.authority;
    answer(req as unknown as IncomingMessage, res as unknown as ServerResponse);
  });
  h2.on('session', (session: Http2Session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  const http1 = server.listeners('connection') as ((socket: Socket) => void)[];
  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket) => {
    socket.once('data', (chunk: Buffer) => {
      socket.pause();
      socket.unshift(chunk);
      if (chunk.subarray(0, 3).toString('latin1') === 'PRI') h2.emit('connection', streamOf(socket));
      else for (const listener of http1) listener.call(server, socket);
      socket.resume();
    });
  });
  return {
    close() {
      for (const session of sessions) session.close();
    },
  };
}

/**
 * The socket as a plain stream: the HTTP/2 session reads a `net.Socket`'s native handle directly, which
 * would skip the first bytes already read here; a JS stream hands them over too.
 */
function streamOf(socket: Socket): Duplex {
  const stream = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk, encoding, callback) {
      socket.write(chunk, encoding, callback);
    },
    final(callback) {
      socket.end();
      callback();
    },
    destroy(error, callback) {
      socket.destroy(error ?? undefined);
      callback(error);
    },
  });
  socket.on('data', (chunk: Buffer) => {
    if (!stream.push(chunk)) socket.pause();
  });
  socket.on('end', () => stream.push(null));
  socket.on('error', (error) => stream.destroy(error));
  socket.on('close', () => stream.destroy());
  return stream;
}
