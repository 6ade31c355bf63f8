import { describe, expect, it } from 'vitest';
import { defineHandler } from '../../define-handler.js';
import { isTriggerError } from '../../errors.js';
import { compileFilterPattern, filterPatternProblem } from './filter-pattern.js';

/** The log events of AWS's filter pattern documentation. */
const APP = [
  '[ERROR 400] BAD REQUEST',
  '[ERROR 401] UNAUTHORIZED REQUEST',
  '[ERROR 419] MISSING ARGUMENTS',
  '[ERROR 420] INVALID ARGUMENTS',
  '[WARN] Exiting',
  '[INFO] Caught Exception in thread main',
];
const matching = (pattern: string, lines: readonly string[]) =>
  lines.filter((line) => compileFilterPattern(pattern).matches(line));

describe('CloudWatch Logs filter patterns: terms', () => {
  it.each([
    ['ERROR', [0, 1, 2, 3]],
    ['ERROR ARGUMENTS', [2, 3]],
    ['"INVALID ARGUMENTS"', [3]],
    ['"ARGUMENTS INVALID"', []],
    ['?ERROR ?WARN', [0, 1, 2, 3, 4]],
    ['ERROR -ARGUMENTS', [0, 1]],
    ['"Caught Exception"', [5]],
    ['error', []], // case-sensitive
    ['', [0, 1, 2, 3, 4, 5]],
    ['" "', [0, 1, 2, 3, 4, 5]],
    ['%ERROR 40[01]%', [0, 1]],
    ['?%WARN% ?%INFO%', [4, 5]],
  ])('%s', (pattern, expected) => {
    expect(matching(pattern, APP)).toStrictEqual(expected.map((i) => APP[i]));
  });
});

describe('CloudWatch Logs filter patterns: JSON', () => {
  const line = JSON.stringify({
    eventType: 'UpdateTrail',
    sourceIPAddress: '123.123.123.123',
    arrayKey: ['value', 'another value'],
    objectList: [
      { name: 'a', id: 1 },
      { name: 'b', id: 2 },
    ],
    SomeObject: null,
    cidrIp: '0.0.0.0/0',
    ThisFlag: true,
    latency: 50,
    users: [{ id: 2, email: 'John.Doe@example.com' }],
    actions: ['GET', 'PUT', 'DELETE'],
    coordinates: [
      [0, 1],
      [2, 3],
    ],
    number: [1e-3],
  });
  it.each([
    ['{ $.eventType = "UpdateTrail" }', true],
    ['{ $.eventType = UpdateTrail }', true],
    ['{ $.eventType = "Update*" }', true],
    ['{ $.eventType = "*Trail" }', true],
    ['{ $.eventType = "Trail" }', false],
    ['{ $.sourceIPAddress != 123.123.* }', false],
    ['{ $.sourceIPAddress != 124.* }', true],
    ['{ $.arrayKey[0] = "value" }', true],
    ['{ $.arrayKey[1] = "value" }', false],
    ['{ $.arrayKey[*] = "another value" }', true],
    ['{ $.objectList[1].id = 2 }', true],
    ['{ $.objectList[1].id = 1 }', false],
    ['{ $.SomeObject IS NULL }', true],
    ['{ $.eventType IS NULL }', false],
    ['{ $.SomeOtherObject NOT EXISTS }', true],
    ['{ $.eventType NOT EXISTS }', false],
    ['{ $.ThisFlag IS TRUE }', true],
    ['{ $.ThisFlag IS FALSE }', false],
    ['{ $.latency < 51 }', true],
    ['{ $.latency <= 50 && $.latency >= 50 }', true],
    ['{ $.latency > 50 }', false],
    ['{ $.latency != 50 }', false],
    ['{ $.number[0] = 1e-3 }', true],
    ['{ $.coordinates[1][0] = 2 }', true],
    ['{ ($.users[0].id = 2) && ($.users[0].email = "John.Doe@example.com") }', true],
    ['{ ($.users[0].id = 1 && $.users[0].email = "nonmatch") || $.actions[2] = "DELETE" }', true],
    ['{ $.users[0].id = 1 && $.users[0].email = "nonmatch" || $.actions[2] = "GET" }', false],
    ['{ $.eventType = %Update[A-Z]% }', true],
    ['{ $.missing != "x" }', false],
    ['{ $.cidrIp = "0.0.0.0/0" }', true],
  ])('%s → %s', (pattern, expected) => {
    expect(compileFilterPattern(pattern).matches(line)).toBe(expected);
  });

  it('a line that is not a JSON object never matches a JSON pattern', () => {
    const pattern = compileFilterPattern('{ $.level = "ERROR" }');
    expect(pattern.matches('ERROR level=ERROR')).toBe(false);
    expect(pattern.matches('{"level": "ERROR"')).toBe(false);
    expect(pattern.matches('{"level":"ERROR"}\n')).toBe(true);
  });
});

describe('CloudWatch Logs filter patterns: space-delimited', () => {
  const log = [
    '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 200 1534',
    '127.0.0.1 - frank [10/Oct/2000:13:35:22 -0700] "GET /apache_pb.gif HTTP/1.0" 500 5324',
    '127.0.0.1 - frank [10/Oct/2000:13:50:35 -0700] "GET /apache_pb.gif HTTP/1.0" 404 4355',
    '127.0.0.1 - frank [10/Oct/2000:13:50:35 -0700] "GET /index.html HTTP/1.0" 404 453',
  ];
  it.each([
    ['[ip, user, username, timestamp, request, status_code, bytes]', [0, 1, 2, 3]],
    ['[ip, user, username, timestamp, request, status_code = 404, bytes]', [2, 3]],
    ['[ip, user, username, timestamp, request, status_code = 4*, bytes]', [2, 3]],
    ['[ip, user, username, timestamp, request = "*html*", status_code = 4*, bytes]', [3]],
    ['[..., status_code = 4* || status_code = 5*, bytes > 1000]', [1, 2]],
    ['[ip, user, ..., status_code != 200, bytes]', [1, 2, 3]],
    ['[ip = 127.0.0.*, ...]', [0, 1, 2, 3]],
    ['[ip, user, username, timestamp, request]', []],
    ['[..., bytes < 1000]', [3]],
  ])('%s', (pattern, expected) => {
    expect(matching(pattern, log)).toStrictEqual(expected.map((i) => log[i]));
  });

  it('names the fields of a matching line (extractedFields), quotes and brackets off', () => {
    const pattern = compileFilterPattern('[ip, user, username, timestamp, request, status_code, bytes]');
    expect(pattern.extract(log[0] as string)).toStrictEqual({
      ip: '127.0.0.1',
      user: '-',
      username: 'frank',
      timestamp: '10/Oct/2000:13:25:15 -0700',
      request: 'GET /apache_pb.gif HTTP/1.0',
      status_code: '200',
      bytes: '1534',
    });
    expect(pattern.extract('too short')).toBeUndefined();
    expect(compileFilterPattern('ERROR').extract('ERROR')).toBeUndefined();
  });
});

describe('an invalid filter pattern says what and where', () => {
  it.each([
    ['{ $.level = }', /column 13: expected a value .* got `}`/],
    ['{ $.level = "ERROR" ', /column 21: expected `}`, got the end of the pattern/],
    ['{ level = "ERROR" }', /column 3: expected a selector such as `\$.level`, got `level`/],
    ['{ $.ms > "slow" }', /column 8: `>` compares numbers; got "slow"/],
    ['{ $.a IS MAYBE }', /column 10: expected `IS NULL`, `IS TRUE` or `IS FALSE`/],
    ['{ $.a = 1 & $.b = 2 }', /column 11: unexpected `&`/],
    ['{ $.a = "x }', /column 9: `"` is never closed/],
    ['{ $.a = 1 } extra', /column 13: unexpected `extra` after the pattern's end/],
    ['[a, b = 1 || c = 2]', /column 14: `c` names no field of the pattern/],
    ['[a, b', /column 6: expected `\]`/],
    ['"ERROR', /column 1: `"` is never closed/],
    ['%a% %b% %c%', /column 9: .*at most 2 regular expressions/],
    ['%(%', /column 1: %\(% is not a regular expression/],
    ['{ $.a = %[% }', /column 9: %\[% is not a regular expression/],
    ['x'.repeat(1025), /at most 1024 characters/],
  ])('%s', (pattern, message) => {
    let error: unknown;
    try {
      compileFilterPattern(pattern);
    } catch (e) {
      error = e;
    }
    expect(isTriggerError(error) && error.code).toBe('E_RULE_INVALID');
    expect((error as Error).message).toMatch(/^Invalid CloudWatch Logs filter pattern at column \d+: /);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message.split('\n')).toHaveLength(1);
  });

  it('filterPatternProblem: undefined for a valid pattern, the message otherwise', () => {
    expect(filterPatternProblem('{ $.level = "ERROR" }')).toBeUndefined();
    expect(filterPatternProblem(42)).toMatch(/must be a string/);
    expect(filterPatternProblem('{ $.level = }')).toMatch(/column 13/);
  });
});

describe('a declared filterPattern', () => {
  const define = (filterPattern: string) =>
    defineHandler({
      name: 'errors',
      sources: [{ type: 'aws:cloudwatch-logs', logGroup: 'app', filterPattern }],
      handle() {},
    });

  it('is checked when the handler is defined: an invalid one fails there, saying where', () => {
    expect(() => define('{ $.level = "ERROR" && $.ms > 500 }')).not.toThrow();
    expect(() => define('{ $.level = }')).toThrow(
      /^handler "errors": `sources\[0\]`: Invalid CloudWatch Logs filter pattern at column 13: expected a value/,
    );
  });
});
