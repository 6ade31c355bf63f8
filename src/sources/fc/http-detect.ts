/** The Function Compute 3.0 HTTP trigger event, without its normalizer (`http.ts`). */
import { isObject, type JsonObject } from '../types.js';

/** An FC HTTP trigger event, as its detector sees it. */
export type FcHttpEvent = JsonObject & { readonly rawPath: string; readonly requestContext: JsonObject };

/** True for the FC 3.0 HTTP trigger event: `version` `v1`, `rawPath`, `requestContext.http`. */
export function isFcHttpEvent(raw: unknown): raw is FcHttpEvent {
  return (
    isObject(raw) &&
    raw.version === 'v1' &&
    typeof raw.rawPath === 'string' &&
    isObject(raw.requestContext) &&
    isObject(raw.requestContext.http)
  );
}
