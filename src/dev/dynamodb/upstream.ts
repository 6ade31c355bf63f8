/**
 * The DynamoDB-compatible server behind the emulator's DynamoDB API (`--dynamodb <url>`: dynalite,
 * DynamoDB Local): a call is forwarded as plain HTTP — the body and the headers that matter to the
 * server (target, content type, the caller's `Authorization` and `X-Amz-*` signing headers) — and its
 * answer handed back as it came. Nothing is signed again: the caller's signature was made for the
 * emulator's host, so a server that checks signatures (AWS itself) would refuse it; local servers do not
 * check them (DynamoDB Local reads only the access key and region from `Authorization`, to pick its
 * database file, so the emulator's own reads carry the caller's headers too).
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

export const DYNAMODB_TARGET_PREFIX = 'DynamoDB_20120810.';

/** Request headers passed through to the server. */
const FORWARDED = ['authorization', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256'];
/** Answer headers handed back to the caller. */
const RETURNED = ['content-type', 'x-amzn-requestid', 'x-amz-crc32'];

export interface UpstreamAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export type Upstream = ReturnType<typeof createUpstream>;

/** Calls to the server at `url` (http or https), one POST per call. */
export function createUpstream(url: string) {
  const base = new URL(url);
  const request = base.protocol === 'https:' ? httpsRequest : httpRequest;

  function send(operation: string, body: Buffer, caller: IncomingHttpHeaders): Promise<UpstreamAnswer> {
    const headers: Record<string, string> = {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `${DYNAMODB_TARGET_PREFIX}${operation}`,
      'content-length': String(body.length),
    };
    for (const name of FORWARDED) {
      const value = caller[name];
      if (typeof value === 'string') headers[name] = value;
    }
    return new Promise((resolve, reject) => {
      const req = request(base, { method: 'POST', headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const answer: Record<string, string> = {};
          for (const name of RETURNED) {
            const value = res.headers[name];
            if (typeof value === 'string') answer[name] = value;
          }
          resolve({ status: res.statusCode ?? 502, headers: answer, body: Buffer.concat(chunks) });
        });
      });
      req.on('error', (error) =>
        reject(new Error(`The DynamoDB server at ${url} did not answer (${error.message}); is it running?`)),
      );
      req.end(body);
    });
  }

  return {
    url,
    send,
    /** One call with a JSON input; resolves its JSON answer, or rejects with the server's error. */
    async call(
      operation: string,
      input: unknown,
      caller: IncomingHttpHeaders,
    ): Promise<Record<string, unknown>> {
      const answer = await send(operation, Buffer.from(JSON.stringify(input)), caller);
      const json =
        answer.body.length === 0 ? {} : (JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>);
      if (answer.status !== 200)
        throw new Error(
          `${operation} failed at ${url}: ${String(json.__type ?? answer.status)} ${String(json.message ?? json.Message ?? '')}`,
        );
      return json;
    },
  };
}
