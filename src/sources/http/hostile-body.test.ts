/**
 * Request bodies and headers built to break the reader end as a 400 the sender can act on — never a 500
 * (an uncaught error, a stack overflow later in the pipeline), never a silently altered event.
 */
import { readFileSync } from 'node:fs';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { defineHandler } from '../../define-handler.js';
import { isTriggerError } from '../../errors.js';
import { toCloudEvents } from '../index.js';
import { MAX_JSON_DEPTH } from './body.js';

type Raw = Record<string, unknown> & { headers: Record<string, string>; body: string };
const fixture = (path: string): Raw =>
  JSON.parse(readFileSync(new URL(`../../../test/fixtures/events/${path}`, import.meta.url), 'utf8')) as Raw;

/** `{"a":{"a":…1…}}`, `levels` deep. */
const deepJson = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

function refusal(raw: unknown): { code: string; status: unknown; message: string } {
  try {
    toCloudEvents(raw);
  } catch (error) {
    if (!isTriggerError(error)) throw error;
    return {
      code: error.code,
      status: (error.details as { status?: unknown })?.status,
      message: error.message,
    };
  }
  throw new Error('expected the request to be refused');
}

describe('JSON nested deeper than the pipeline can carry', () => {
  const webhook = fixture('apigw-http/order-webhook.json');

  it('5,000 levels cannot even be serialized: refused with 400 at the source', () => {
    expect(() => JSON.stringify(JSON.parse(deepJson(5000)))).toThrow(RangeError);
    expect(refusal({ ...webhook, body: deepJson(5000) })).toEqual({
      code: 'E_SOURCE_INVALID',
      status: 400,
      message: `The body of POST /webhooks/orders nests JSON more than ${MAX_JSON_DEPTH} levels deep; flatten it, or send deep documents as a string.`,
    });
  });

  it('the same in a structured CloudEvent, and exactly the limit still passes', () => {
    const structured = fixture('apigw-http/cloudevent-structured.json');
    const body = (levels: number) =>
      `{"specversion":"1.0","id":"1","source":"/s","type":"t","data":${deepJson(levels - 2)}}`;
    expect(refusal({ ...structured, body: body(5000) })).toMatchObject({
      code: 'E_SOURCE_INVALID',
      status: 400,
    });
    expect(toCloudEvents({ ...structured, body: body(MAX_JSON_DEPTH) }).items).toHaveLength(1);
  });

  it('a Lambda handler answers 400, not 500', async () => {
    const handler = defineHandler({
      name: 'orders',
      sources: [{ type: 'http', path: '/webhooks/orders' }],
      handle: async () => ({ ok: true }),
    });
    const context = { functionName: 'orders', getRemainingTimeInMillis: () => 10_000 } as Context;
    const response = (await handler({ ...webhook, body: deepJson(5000) }, context)) as { statusCode: number };
    expect(response.statusCode).toBe(400);
  });
});

describe('form bodies with malformed percent-encoding', () => {
  it('Slack: an escape of bytes that are not UTF-8 is refused, not turned into U+FFFD', () => {
    const slash = fixture('webhooks/slack-slash-command.json');
    const body = slash.body.replace('text=ord-3001+express', 'text=ord-3001%E0%A4%A');
    expect(refusal({ ...slash, body })).toMatchObject({
      code: 'E_SOURCE_INVALID',
      status: 400,
      message: expect.stringContaining('malformed percent-encoding'),
    });
  });

  it('GitHub: a payload= field holding a broken escape is refused', () => {
    const form = fixture('webhooks/github-issues-form.json');
    const raw = { ...form, isBase64Encoded: false, body: 'payload=%7B%22a%22%3A%22%E0%A4%A%22%7D' };
    expect(refusal(raw)).toMatchObject({ code: 'E_SOURCE_INVALID', status: 400 });
  });
});

describe('names from the request never reach Object.prototype', () => {
  const binary = fixture('apigw-http/cloudevent-binary.json');

  it('ce-__proto__ is an extension name, refused as one (not "[object Object]")', () => {
    const raw = { ...binary, headers: { ...binary.headers, 'ce-__proto__': 'x' } };
    expect(refusal(raw).message).toContain('extension name `__proto__` must use only lower-case letters');
  });

  it('ce-constructor is an ordinary extension', () => {
    const raw = { ...binary, headers: { ...binary.headers, 'ce-constructor': 'kept' } };
    expect(toCloudEvents(raw).items[0]?.event.constructor).toBe('kept');
  });

  it('a GitLab object_kind or noteable_type named after a prototype member maps like any unknown one', () => {
    const note = fixture('webhooks/gitlab-note.json');
    const payload = JSON.parse(note.body) as Record<string, Record<string, unknown>>;
    const kinds = [
      { ...payload, object_kind: 'constructor' },
      { ...payload, object_attributes: { ...payload.object_attributes, noteable_type: 'toString' } },
    ];
    expect(
      kinds.map((body) => toCloudEvents({ ...note, body: JSON.stringify(body) }).items[0]?.event.type),
    ).toEqual(['com.gitlab.constructor', 'com.gitlab.note']);
  });
});
