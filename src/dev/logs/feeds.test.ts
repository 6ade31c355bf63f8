import { describe, expect, it } from 'vitest';
import { parseLogsFlag, readLogsFlags } from './feeds.js';

describe('--logs', () => {
  it('reads <group>=<file> and <group>=cmd:<command>, repeated, in both spellings', () => {
    expect(
      readLogsFlags([
        'dev',
        '--logs',
        'app=logs/app.log',
        '--port',
        '0',
        '--logs=api=cmd:node api.js --verbose',
      ]),
    ).toEqual([
      { group: 'app', file: 'logs/app.log' },
      { group: 'api', command: 'node api.js --verbose' },
    ]);
  });

  it.each(['app', '=app.log', 'app=', 'a b=app.log'])('refuses %j in one line saying the form', (value) => {
    expect(() => parseLogsFlag(value)).toThrow(/^--logs takes <group>=<file> or <group>=cmd:<command>/);
  });

  it('refuses a --logs without a value', () => {
    expect(() => readLogsFlags(['--logs', '--port', '0'])).toThrow(/--logs needs a value/);
  });
});
