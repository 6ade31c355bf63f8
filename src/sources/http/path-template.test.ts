import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/support/fixtures.js';
import { defineHandler } from '../../define-handler.js';
import { events, invoke } from '../../testing/index.js';
import { compilePathTemplate, matchPathTemplate, selectByPath } from './path-template.js';

const match = (template: string, path: string) => matchPathTemplate(compilePathTemplate(template, 'p'), path);

describe('path templates', () => {
  it('match {name} segments and a final greedy {name+}, percent-decoded', () => {
    expect(match('/orders/{id}', '/orders/42')).toEqual({ id: '42' });
    expect(match('/orders/{id}', '/orders/a%20b%2Fc')).toEqual({ id: 'a b/c' });
    expect(match('/orders/{id}/items/{sku}', '/orders/7/items/lamp')).toEqual({ id: '7', sku: 'lamp' });
    expect(match('/files/{proxy+}', '/files/a/b/c.txt')).toEqual({ proxy: 'a/b/c.txt' });
    expect(match('/orders/{id}', '/orders/%zz')).toEqual({ id: '%zz' });
    expect(match('/hooks/shop', '/hooks/shop')).toEqual({});
  });

  it('refuse what the template does not cover', () => {
    expect(match('/orders/{id}', '/orders')).toBeUndefined();
    expect(match('/orders/{id}', '/orders/')).toBeUndefined();
    expect(match('/orders/{id}', '/orders/42/items')).toBeUndefined();
    expect(match('/files/{proxy+}', '/files')).toBeUndefined();
    expect(match('/hooks/shop', '/hooks/shop/x')).toBeUndefined();
  });

  it('pick the most specific route, whatever the declaration order', () => {
    const routes = [{ path: '/orders/{proxy+}' }, { path: '/orders/{id}' }, { path: '/orders/latest' }];
    expect(selectByPath(routes, '/orders/latest')?.item.path).toBe('/orders/latest');
    expect(selectByPath(routes, '/orders/42')).toEqual({ item: routes[1], pathParameters: { id: '42' } });
    expect(selectByPath(routes, '/orders/42/items')?.item.path).toBe('/orders/{proxy+}');
    expect(selectByPath(routes, '/carts/1')).toBeUndefined();
  });

  it.each([
    ['/files/{proxy+}/x', /"\{proxy\+\}" is greedy and must be the last segment/],
    ['/orders/{}', /"\{\}" needs a name/],
    ['/orders/{id}/items/{id}', /"\{id\}" appears twice/],
    ['/orders/id-{id}', /mixes text and braces/],
  ])('refuse %s at definition time with one E_CONFIG line', (path, message) => {
    const define = () =>
      defineHandler({ name: 'h', sources: [{ type: 'http', path }], handle: async () => undefined });
    expect(define).toThrow(message);
    expect(define).toThrow(/^handler "h": Invalid path template `sources\[0\]\.path` "[^\n]+": [^\n]+\.$/);
    try {
      define();
    } catch (error) {
      expect((error as { code?: string }).code).toBe('E_CONFIG');
    }
  });
});

describe('ctx.http.pathParameters', () => {
  const seen: unknown[] = [];
  const handler = defineHandler({
    name: 'orders',
    sources: [
      { type: 'http', path: '/orders/{proxy+}' },
      { type: 'http', path: '/orders/{id}', method: 'PATCH' },
    ],
    handle: async (_event, ctx) => {
      seen.push(ctx.http?.pathParameters);
    },
  });

  it('holds what API Gateway sends for a route with variables, the sources check accepting it', async () => {
    seen.length = 0;
    const result = await invoke(handler, fixture('apigw-http/order-by-id.json'));
    expect(result.error).toBeUndefined();
    expect(result.delivered).toHaveLength(1);
    expect(seen).toEqual([{ id: 'ord 2001' }]);
  });

  it('is filled the same way for a generated event, the greedy route taking the deeper path', async () => {
    seen.length = 0;
    await invoke(handler, events.http({ method: 'PATCH', path: '/orders/42', body: {} }));
    await invoke(handler, events.http({ path: '/orders/42/items/lamp', body: {} }));
    expect(seen).toEqual([{ id: '42' }, { proxy: '42/items/lamp' }]);
  });

  it('is empty for a literal path, and a path outside the templates is refused', async () => {
    seen.length = 0;
    const literal = defineHandler({
      sources: [{ type: 'http', path: '/hooks/shop' }],
      handle: async (_event, ctx) => {
        seen.push(ctx.http?.pathParameters);
      },
    });
    await invoke(literal, events.http({ path: '/hooks/shop', body: {} }));
    expect(seen).toEqual([{}]);
    const outside = await invoke(handler, events.http({ path: '/carts/1', body: {} }));
    expect(seen).toHaveLength(1);
    expect(outside.response).toMatchObject({ statusCode: 404 });
    expect((outside.response as { body: string }).body).toContain(
      'does not accept an HTTP request to /carts/1: it declares http /orders/{proxy+}, http /orders/{id}',
    );
  });
});
