#!/usr/bin/env node
/**
 * `npm run bench`: runs every bench/*.bench.js and prints its tables.
 *
 *   npm run bench                          all bench files
 *   npm run bench -- pipeline              only files whose name contains "pipeline"
 *   npm run bench -- --time=3000            measuring time per case, ms (default 1500)
 *   npm run bench -- --no-build            skip the dist/ freshness check
 *
 * A bench file exports `default async function (options)` returning an array of suites,
 * `{ title: string, rows: Record<string, string>[], notes?: string[] }`, and may export `title`.
 * `options` is `{ time }`: the measuring time per case in ms, for `compare()` in bench/lib/compare.js,
 * which every bench file should use (interleaved cases, fresh inputs, warm-up, median and IQR).
 *
 * Benchmarks run against dist/ (the shipped code). When dist/index.js is missing or older than a file
 * in src/, this runs `npm run prepare` (tsc) first.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const benchDir = dirname(fileURLToPath(import.meta.url));
const root = dirname(benchDir);

const args = process.argv.slice(2);
const flag = (/** @type {string} */ name) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const options = { time: Number(flag('time') ?? process.env.BENCH_TIME ?? 1500) };
if (!(options.time > 0)) {
  console.error('usage: npm run bench -- [name…] [--time=ms] [--no-build]');
  process.exit(2);
}
const only = args.filter((a) => !a.startsWith('--'));

if (!args.includes('--no-build')) ensureBuilt();

const files = readdirSync(benchDir)
  .filter((f) => f.endsWith('.bench.js') && (only.length === 0 || only.some((o) => f.includes(o))))
  .sort();
if (files.length === 0) {
  console.error(`no bench/*.bench.js file matches ${only.join(', ')}`);
  process.exit(2);
}

console.log(environment());
console.log(`measuring ${options.time} ms per case, cases interleaved (bench/lib/compare.js)\n`);
for (const file of files) {
  const mod = await import(pathToFileURL(join(benchDir, file)).href);
  const started = performance.now();
  console.log(`## ${file}${mod.title ? ` — ${mod.title}` : ''}\n`);
  const suites = await mod.default(options);
  for (const suite of suites) {
    console.log(`### ${suite.title}\n`);
    console.log(table(suite.rows));
    for (const note of suite.notes ?? []) console.log(`\n- ${note}`);
    console.log('');
  }
  console.log(`(${file}: ${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
}

/** Rebuilds dist/ with `npm run prepare` when it is missing or older than src/. */
function ensureBuilt() {
  const built = mtime(join(root, 'dist', 'index.js'));
  const source = newest(join(root, 'src'));
  if (built !== undefined && built >= source) return;
  console.log(built === undefined ? 'dist/ is missing: building…' : 'dist/ is older than src/: rebuilding…');
  const result = spawnSync('npm', ['run', '--silent', 'prepare'], {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (result.status !== 0) {
    console.error('npm run prepare failed: fix the build, or pass --no-build to bench the dist/ you have.');
    process.exit(1);
  }
}

/** @param {string} path */
function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Newest modification time of a file under `dir`. @param {string} dir @returns {number} */
function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const t = entry.isDirectory() ? newest(path) : (mtime(path) ?? 0);
    if (t > latest) latest = t;
  }
  return latest;
}

function environment() {
  const git = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' });
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'src'], { cwd: root, encoding: 'utf8' });
  const commit = git.status === 0 ? git.stdout.trim() : 'unknown';
  const srcState = dirty.status === 0 && dirty.stdout.trim() !== '' ? ' (src/ has uncommitted changes)' : '';
  return [
    `# triggerkit bench — ${new Date().toISOString()}`,
    '',
    `node ${process.version} (${process.platform}/${process.arch}), ${availableParallelism()} cores: ${cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB`,
    `commit ${commit}${srcState}`,
  ].join('\n');
}

/** A Markdown table, columns padded to their widest cell. @param {Record<string, string>[]} rows */
function table(rows) {
  if (rows.length === 0) return '(no rows)';
  const columns = Object.keys(/** @type {Record<string, string>} */ (rows[0]));
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c] ?? '').length)));
  const numeric = columns.map((c) => rows.every((r) => /^[\d.,×–%+-]*$/.test(String(r[c] ?? ''))));
  const cell = (/** @type {string} */ text, /** @type {number} */ i) =>
    numeric[i]
      ? text.padStart(/** @type {number} */ (widths[i]))
      : text.padEnd(/** @type {number} */ (widths[i]));
  const line = (/** @type {string[]} */ cells) => `| ${cells.map(cell).join(' | ')} |`;
  return [
    line(columns),
    `| ${widths.map((w, i) => (numeric[i] ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`,
    ...rows.map((r) => line(columns.map((c) => String(r[c] ?? '')))),
  ].join('\n');
}
