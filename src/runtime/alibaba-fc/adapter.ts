/**
 * From an FC event handler's call to FC's answer: the event's bytes are decoded (`decode.ts`), then the
 * invocation runs exactly as a Lambda one does — the same normalizing, `sources` check, pipeline and
 * batch loop (`aws-lambda/adapter.ts`'s `handleBatch`) — with FC's context on `ctx.fc` and its
 * Lambda-shaped view on `ctx.lambda`. The answer is FC's: an HTTP trigger request gets FC's response
 * struct (`statusCode`, `headers`, `body`, `isBase64Encoded`); any other trigger succeeds, or throws so
 * that FC's asynchronous-invocation retries take over. FC keeps the retries: the handler's AWS retry
 * and dead-letter queues are not used here; FC's destination record reads back as the one dead-letter
 * envelope (`destination.ts`).
 * @see https://www.alibabacloud.com/help/en/functioncompute/fc-3-0/user-guide/http-trigger-invoking-function
 */
import type { CompiledDefinition } from '../../definition.js';
import { detectSource } from '../../sources/index.js';
import { handleBatch } from '../aws-lambda/adapter.js';
import { type FcContext, lambdaViewOf } from './context.js';
import { decodeFcEvent } from './decode.js';
import { markFinal } from './mark.js';

/** FC's HTTP response struct, for built-in runtimes' HTTP triggers. */
export interface FcHttpResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly isBase64Encoded: boolean;
}

/** Runs one FC invocation (the event as FC passed it: a `Buffer`) and returns FC's answer. */
export async function handleFcEvent(
  definition: CompiledDefinition,
  event: unknown,
  fc: FcContext,
): Promise<unknown> {
  const raw = decodeFcEvent(event);
  const http = detectSource(raw)?.reply === 'http';
  // A malformed or undeclared HTTP request is answered 4xx by handleBatch, as in Lambda.
  let answer: unknown;
  try {
    answer = await handleBatch(definition, raw, lambdaViewOf(fc), undefined, { fc });
  } catch (error) {
    // FC records only the error's name and message for the destination: the message keeps its code.
    throw markFinal(error);
  }
  return http ? fcResponse(answer as Omit<FcHttpResponse, 'isBase64Encoded'>) : answer;
}

function fcResponse(answer: Omit<FcHttpResponse, 'isBase64Encoded'>): FcHttpResponse {
  return {
    statusCode: answer.statusCode,
    headers: answer.headers,
    body: answer.body,
    isBase64Encoded: false,
  };
}
