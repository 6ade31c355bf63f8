/**
 * An AWS SDK client package, loaded on first use and once. The specifier goes through a function so that
 * bundlers leave the `import()` alone instead of inlining the SDK into every handler bundle (Lambda's
 * Node.js runtime provides it).
 *
 * @example
 * const loadSqs = lazySdk<typeof import('@aws-sdk/client-sqs')>('@aws-sdk/client-sqs');
 * const { SQSClient } = await loadSqs();
 */
export function lazySdk<T>(specifier: string): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= importModule(specifier) as Promise<T>;
    return loaded;
  };
}

const importModule = (specifier: string): Promise<unknown> => import(specifier);
