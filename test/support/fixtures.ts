/**
 * Recorded events for tests: `test/fixtures/events/<source>/<variant>.json`, and the public samples of
 * `../shared/fixtures/events` beside the repository when that corpus is there. Paths resolve from this
 * file, never from the caller or the working directory, and every read parses the file afresh, so a test
 * may mutate what it gets.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const REPOSITORY = new URL('../../', import.meta.url);

interface Corpus {
  /** The folder as the repository names it, for messages. */
  readonly label: string;
  readonly root: URL;
}

const EVENTS: Corpus = { label: 'test/fixtures/events', root: new URL('test/fixtures/events/', REPOSITORY) };
const SAMPLES: Corpus = {
  label: '../shared/fixtures/events',
  root: new URL('../shared/fixtures/events/', REPOSITORY),
};

/** The public sample corpus's folder (absolute); it may not exist, see {@link hasSamples}. */
export const SAMPLES_DIR = fileURLToPath(new URL('../shared/fixtures/events', REPOSITORY));
/** Whether the public sample corpus is present beside the repository. */
export const hasSamples = existsSync(SAMPLES_DIR);

function pathIn(corpus: Corpus, path: string): string {
  const file = fileURLToPath(new URL(path, corpus.root));
  if (existsSync(file)) return file;
  const folder = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
  const known = namesIn(corpus, folder);
  const shown = known.length > 8 ? [...known.slice(0, 8), '…'] : known;
  const hint = known.length > 0 ? `there are ${shown.join(', ')}` : `${corpus.label}/${folder} has none`;
  throw new Error(`No fixture ${corpus.label}/${path} (${hint}); fix the path or record the event there.`);
}

function namesIn(corpus: Corpus, folder: string): string[] {
  const dir = new URL(folder === '' ? '.' : `${folder}/`, corpus.root);
  if (!existsSync(dir)) return [];
  const prefix = folder === '' ? '' : `${folder}/`;
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.json'))
    .map((name) => `${prefix}${name}`)
    .sort();
}

/**
 * The absolute path of a recorded event, for code that takes a file (a CLI argument); throws when missing.
 * @example run('schema', 'infer', fixturePath('cloudevents/order-created.json'))
 */
export function fixturePath(path: string): string {
  return pathIn(EVENTS, path);
}

/**
 * A recorded event, parsed afresh on every call.
 * @example const raw = fixture<SQSEvent>('sqs/orders-batch.json');
 */
export function fixture<T = Record<string, unknown>>(path: string): NoInfer<T> {
  return JSON.parse(readFileSync(fixturePath(path), 'utf8')) as T;
}

/**
 * The recorded events under `folder` (all of them by default), as sorted paths `fixture` accepts.
 * @example fixtureNames('webhooks') // ['webhooks/github-ping.json', …]
 */
export function fixtureNames(folder = ''): string[] {
  return namesIn(EVENTS, folder);
}

/**
 * A public sample event from `../shared/fixtures/events`, parsed afresh on every call.
 * @example const raw = sample('sqs/sqs-event.json');
 */
export function sample<T = Record<string, unknown>>(path: string): NoInfer<T> {
  return JSON.parse(readFileSync(pathIn(SAMPLES, path), 'utf8')) as T;
}

/** The public sample events, as sorted paths `sample` accepts; none when the corpus is absent. */
export function sampleNames(): string[] {
  return namesIn(SAMPLES, '');
}
