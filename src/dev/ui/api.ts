/** What the page asks the emulator, and the shapes of its answers (the server's, restated for the browser). */

export interface DeliveryCell {
  handler: string;
  status: string;
  attempts: number;
  transport: string | null;
  ms: number | null;
}

export interface EventRow {
  seq: number;
  id: string;
  source: string;
  type: string;
  receivedAt: string;
  deliveries: DeliveryCell[];
}

export interface TraceRow {
  handler: string | null;
  stage: string;
  at: number;
  detail: Record<string, unknown>;
}

export interface Story {
  event: Record<string, unknown> & { id: string; source: string; type: string; data?: unknown };
  receivedAt: string;
  deliveries: { handler: string; status: string; attempts: number; nextAt: string | null }[];
  traces: TraceRow[];
}

export interface DeadLetter {
  id: number;
  handler: string;
  reason: string;
  createdAt: number;
  envelope: Record<string, unknown> & { id: string; source: string; type: string };
}

export interface HandlerInfo {
  name: string;
  handler: string;
  listensTo: string;
  bus: boolean;
  sources: unknown[];
  filter: unknown;
  schema: unknown;
  retry: unknown;
  deadLetter: unknown;
  counts: Record<string, number>;
}

export interface SendChoice {
  kind: string;
  label: string;
  functions: string[];
  sample: unknown;
}

/** An answer the emulator refused, with its message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function read<T>(response: Response): Promise<T> {
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  if (!response.ok) {
    const message = (body as { message?: string })?.message ?? `${response.status} ${text.slice(0, 200)}`;
    throw new ApiError(response.status, message);
  }
  return body as T;
}

export const getJson = <T>(path: string): Promise<T> => fetch(path).then((r) => read<T>(r));

/** POSTs JSON (a type no other site's page may send without asking: guard.ts). */
export const postJson = <T>(path: string, body: unknown, type = 'application/json'): Promise<T> =>
  fetch(path, { method: 'POST', headers: { 'content-type': type }, body: JSON.stringify(body) }).then((r) =>
    read<T>(r),
  );

export const eventHref = (id: string, source: string) =>
  `#/event?id=${encodeURIComponent(id)}&source=${encodeURIComponent(source)}`;

export const storyPath = (id: string, source: string) =>
  `/events/${encodeURIComponent(id)}?source=${encodeURIComponent(source)}`;

export const time = (at: number | string) => new Date(at).toISOString().replace('T', ' ').slice(0, 23);

export const pretty = (value: unknown) => JSON.stringify(value, null, 2) ?? 'undefined';

/** The worst outcome of a row, for its colour: dead-lettered, failed, pending, delivered, filtered. */
export const STATUSES = ['pending', 'running', 'delivered', 'filtered', 'failed', 'dead-lettered'] as const;
