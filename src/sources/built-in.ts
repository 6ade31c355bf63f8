/**
 * The source kinds this copy of triggerkit normalizes: `undefined` for all of them. A Lambda bundle that
 * `triggerkit build` pruned to the sources its handlers declare gets this module replaced by the list it
 * kept (`src/build/prune.ts`); the others are detect-only stand-ins there (`stand-ins.ts`).
 */
import type { SourceKind } from './types.js';

export const BUILT_IN_KINDS: ReadonlySet<SourceKind> | undefined = undefined;
