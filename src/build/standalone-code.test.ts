import { describe, expect, it } from 'vitest';
import { formatsModule, generateValidatorModules } from './standalone-code.js';

const schema = (properties: Record<string, unknown>) => ({
  kind: 'schema' as const,
  key: JSON.stringify(properties),
  schema: { type: 'object', properties },
  where: 'schema',
});

describe('standalone validators: the formats a bundle carries', () => {
  it('date-time alone: the standalone date-time module, nothing of ajv-formats', () => {
    const modules = generateValidatorModules([
      schema({ at: { type: 'string', format: 'date-time' }, email: { type: 'string', format: 'email' } }),
    ]);
    const formats = modules.get('formats') as string;
    expect(formats).toMatch(/import \{ dateTimeFormat \} from ".*date-time\.[jt]s";/);
    expect(formats).toContain('"date-time": dateTimeFormat');
    // `email` is a regex format: ajv writes it into the validator itself.
    expect(formats).not.toContain('email');
    expect(formats).not.toMatch(/formats\.[jt]s"/);
  });

  it('a function format other than date-time takes it from the full table, by name', () => {
    const modules = generateValidatorModules([schema({ link: { type: 'string', format: 'uri' } })]);
    const formats = modules.get('formats') as string;
    expect(formats).toMatch(/import \{ formats as allFormats \} from ".*schema\/formats\.[jt]s";/);
    expect(formats).toContain('"uri": allFormats["uri"]');
    expect(formats).not.toContain('date-time');
  });

  it('no format named: an empty table', () => {
    expect(formatsModule(['const x = 1;'])).toContain('export const formats = {  };');
  });
});
