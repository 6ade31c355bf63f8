/**
 * The files of a folder bucket: what one file is now (size, modification time, MD5), every file below
 * the folder, and the writes the S3 API makes — a whole new file renamed into place, so that neither
 * the watcher nor a reader ever sees half an upload.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { isUploadFile, keyOfPath, pathOfKey, UPLOAD_PREFIX } from './keys.js';

export interface FileState {
  readonly size: number;
  readonly mtimeMs: number;
}

/** The file's size and modification time, or undefined when there is no such file. */
export async function fileState(path: string): Promise<FileState | undefined> {
  try {
    const s = await stat(path);
    return s.isFile() ? { size: s.size, mtimeMs: s.mtimeMs } : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The MD5 hex of a file's bytes: S3's ETag of an object put in one part. */
export function md5OfFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('md5');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** Every object key below `folder` (temporary uploads left out), in no particular order. */
export async function listKeys(folder: string): Promise<string[]> {
  const keys: string[] = [];
  async function walk(dir: string): Promise<void> {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile() && !isUploadFile(entry.name)) keys.push(keyOfPath(relative(folder, path)));
    }
  }
  await walk(folder);
  return keys;
}

/** Writes `body` as the object `key` below `folder`: to a temporary file first, then renamed over it. */
export async function writeObject(folder: string, key: string, body: Buffer): Promise<FileState> {
  const path = join(folder, pathOfKey(key));
  await mkdir(dirname(path), { recursive: true });
  const temp = join(dirname(path), `${UPLOAD_PREFIX}${randomUUID()}`);
  try {
    await writeFile(temp, body);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return (await fileState(path)) as FileState;
}

/**
 * Deletes the object `key` below `folder`, and the folders it leaves empty (S3 has no folders: a
 * prefix ends with its last key). True when there was a file to delete.
 */
export async function removeObject(folder: string, key: string): Promise<boolean> {
  const path = join(folder, pathOfKey(key));
  if ((await fileState(path)) === undefined) return false;
  await rm(path, { force: true });
  for (let dir = dirname(path); dir.startsWith(folder) && dir !== folder; dir = dirname(dir)) {
    try {
      await rmdir(dir);
    } catch {
      break; // not empty, or gone
    }
  }
  return true;
}
