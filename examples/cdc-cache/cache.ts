/**
 * A small in-memory cache standing in for Redis or Memcached, so the example runs with no server.
 * `log` records what was done to it, in order, which is what the tests look at.
 */
export interface Cache<T> {
  get(key: string): T | undefined;
  set(key: string, value: T): void;
  /** Removes the key; true when it was there. */
  delete(key: string): boolean;
  readonly log: string[];
}

export function createCache<T>(): Cache<T> {
  const entries = new Map<string, T>();
  const log: string[] = [];
  return {
    get: (key) => entries.get(key),
    set(key, value) {
      entries.set(key, value);
      log.push(`set ${key}`);
    },
    delete(key) {
      log.push(`delete ${key}`);
      return entries.delete(key);
    },
    log,
  };
}
