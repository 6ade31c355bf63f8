/**
 * The string formats every schema is checked with: ajv-formats' full set, with a faster `date-time`
 * that accepts exactly the strings ajv-formats accepts. ajv-formats' check (a regex `split`, two
 * capture-group regexes, number parsing) was most of ajv's time on a realistic event (bench/README.md);
 * here the common RFC 3339 shape is read char by char, and anything else is left to ajv-formats.
 * Precompiled validators import this module (`code.formats`), so it ships in Lambda bundles.
 */
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { dateTimeFormat } from './date-time.js';

export { isCommonDateTime, isDateTime } from './date-time.js';

/** The formats ajv gets (`addFormat`) and precompiled validators import (`code.formats`). */
export const formats: Record<string, unknown> = {
  ...fullFormats,
  'date-time': dateTimeFormat,
};
