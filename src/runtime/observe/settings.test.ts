import { describe, expect, it } from 'vitest';
import { logSettings } from './settings.js';

describe('logSettings', () => {
  it('logs at info by default on Lambda and FC, and nothing elsewhere unless asked', () => {
    expect(logSettings({ AWS_LAMBDA_FUNCTION_NAME: 'orders' })).toEqual({ level: 'info', sample: 1 });
    expect(logSettings({ FC_FUNCTION_NAME: 'orders' })).toEqual({ level: 'info', sample: 1 });
    expect(logSettings({})).toBeUndefined();
    expect(logSettings({ TRIGGERKIT_LOG_LEVEL: 'debug' })).toEqual({ level: 'debug', sample: 1 });
  });

  it("follows Lambda's application log level unless TRIGGERKIT_LOG_LEVEL says otherwise", () => {
    const lambda = { AWS_LAMBDA_FUNCTION_NAME: 'orders', AWS_LAMBDA_LOG_LEVEL: 'WARN' };
    expect(logSettings(lambda)?.level).toBe('warn');
    expect(logSettings({ ...lambda, AWS_LAMBDA_LOG_LEVEL: 'FATAL' })?.level).toBe('error');
    expect(logSettings({ ...lambda, AWS_LAMBDA_LOG_LEVEL: 'TRACE' })?.level).toBe('debug');
    expect(logSettings({ ...lambda, TRIGGERKIT_LOG_LEVEL: 'Error' })?.level).toBe('error');
  });

  it('turns logging off with off or silent', () => {
    expect(logSettings({ AWS_LAMBDA_FUNCTION_NAME: 'o', TRIGGERKIT_LOG_LEVEL: 'off' })).toBeUndefined();
    expect(logSettings({ AWS_LAMBDA_FUNCTION_NAME: 'o', TRIGGERKIT_LOG_LEVEL: 'silent' })).toBeUndefined();
  });

  it('reads the sample rate', () => {
    expect(logSettings({ TRIGGERKIT_LOG_LEVEL: 'info', TRIGGERKIT_LOG_SAMPLE: '0.25' })?.sample).toBe(0.25);
    expect(logSettings({ TRIGGERKIT_LOG_LEVEL: 'info', TRIGGERKIT_LOG_SAMPLE: '0' })?.sample).toBe(0);
  });

  it.each([
    [
      { TRIGGERKIT_LOG_LEVEL: 'verbose' },
      /TRIGGERKIT_LOG_LEVEL must be debug, info, warn, error or off, got "verbose"/,
    ],
    [{ AWS_LAMBDA_LOG_LEVEL: 'LOUD' }, /AWS_LAMBDA_LOG_LEVEL must be .* got "LOUD"/],
    [
      { TRIGGERKIT_LOG_LEVEL: 'info', TRIGGERKIT_LOG_SAMPLE: '10%' },
      /TRIGGERKIT_LOG_SAMPLE must be a number from 0 to 1/,
    ],
    [{ TRIGGERKIT_LOG_LEVEL: 'info', TRIGGERKIT_LOG_SAMPLE: '1.5' }, /got "1.5"/],
  ])('refuses %o with what to fix', (env, message) => {
    expect(() => logSettings(env)).toThrow(message);
  });

  it('reads an environment once: a function instance keeps its settings', () => {
    const env: NodeJS.ProcessEnv = { TRIGGERKIT_LOG_LEVEL: 'warn' };
    expect(logSettings(env)?.level).toBe('warn');
    env.TRIGGERKIT_LOG_LEVEL = 'debug';
    expect(logSettings(env)?.level).toBe('warn');
  });
});
