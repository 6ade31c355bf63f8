import { describe, expect, it } from 'vitest';
import { exposedHostWarning } from '../cli/dev.js';
import { checkHost, checkOwnRoute, type HostPolicy } from './guard.js';
import { HttpProblem } from './router.js';

const redrive = { method: 'POST', path: '/dead-letters/redrive', changesState: true };
const lan: HostPolicy = { bound: '0.0.0.0', extra: [] };

function refusal(run: () => void): number | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (error instanceof HttpProblem) return error.status;
    throw error;
  }
}

describe('the request guard', () => {
  it("admits the web UI's own origin, whatever address reached it", () => {
    const headers = {
      host: '192.168.1.5:3000',
      origin: 'http://192.168.1.5:3000',
      'content-type': 'application/json',
    };
    expect(refusal(() => checkHost(headers, lan))).toBeUndefined();
    expect(refusal(() => checkOwnRoute('POST', headers, lan, redrive))).toBeUndefined();
  });

  it('refuses another origin on the same address, and simple requests from the UI origin too', () => {
    const host = '192.168.1.5:3000';
    const json = { 'content-type': 'application/json' };
    expect(
      refusal(() =>
        checkOwnRoute('POST', { host, origin: 'http://192.168.1.5:8080', ...json }, lan, redrive),
      ),
    ).toBe(403);
    expect(
      refusal(() =>
        checkOwnRoute('POST', { host, origin: 'https://192.168.1.5:3000', ...json }, lan, redrive),
      ),
    ).toBe(403);
    expect(
      refusal(() => checkOwnRoute('POST', { host, origin: 'http://evil.example', ...json }, lan, redrive)),
    ).toBe(403);
    const form = { host, origin: 'http://192.168.1.5:3000', 'content-type': 'text/plain' };
    expect(refusal(() => checkOwnRoute('POST', form, lan, redrive))).toBe(415);
  });
});

describe('triggerkit dev --host', () => {
  it('warns for an address other than loopback, and only then', () => {
    for (const host of ['127.0.0.1', '127.0.0.2', 'localhost', '::1', '[::1]'])
      expect(exposedHostWarning(host)).toBeUndefined();
    for (const host of ['0.0.0.0', '::', '192.168.1.5', 'devbox.lan'])
      expect(exposedHostWarning(host)).toMatch(
        /^warning: --host .* is not a loopback address: anyone who can reach it/,
      );
  });
});
