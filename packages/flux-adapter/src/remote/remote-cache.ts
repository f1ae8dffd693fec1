import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@sluice/core';

/** A fetched remote base in the cache. */
export interface CachedCheckout {
  /** Absolute path of the checked-out files. */
  readonly dir: string;
  /** The commit checked out. */
  readonly commit: string;
}

interface EntryRecord {
  readonly key: string;
  readonly commit: string;
}

/**
 * Fetched remote bases, one folder per key: `<root>/<sha256 of the key>/files/` and `record.json`
 * (the key and the commit). The folder name is a hash, never text of the URL. An entry is
 * fetched aside (`<root>/tmp/…`), its record written, then renamed into place: a reader sees a
 * whole entry or none, and a crash or a parallel run never leaves half a checkout where a reader
 * looks (the same scheme as the chart cache, `<cache>/charts`).
 */
export class RemoteCache {
  constructor(
    /** The cache folder (`<cache directory>/git`). */
    readonly root: string,
  ) {}

  /** The entry of a key, if cached and complete. */
  async lookup(key: string): Promise<CachedCheckout | undefined> {
    const folder = join(this.root, hash(key));
    const text = await readFile(join(folder, 'record.json'), 'utf8').catch(() => undefined);
    if (text === undefined) return undefined;
    try {
      const record = JSON.parse(text) as Partial<EntryRecord>;
      if (
        record.key !== key ||
        typeof record.commit !== 'string' ||
        !/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(record.commit)
      )
        return undefined;
      const files = join(folder, 'files');
      if (!(await stat(files).catch(() => undefined))?.isDirectory()) return undefined;
      return { dir: files, commit: record.commit };
    } catch {
      return undefined; // A damaged record is a miss.
    }
  }

  /** A fresh scratch folder inside the cache (same file system: the rename into place is atomic). */
  async scratch(): Promise<string> {
    const dir = join(this.root, 'tmp', `${process.pid}-${randomBytes(6).toString('hex')}`);
    await mkdir(join(dir, 'files'), { recursive: true });
    return dir;
  }

  /** Moves a scratch folder (its `files/` fetched) into place under `key`. */
  async store(scratch: string, key: string, commit: string): Promise<CachedCheckout> {
    await writeFileAtomic(
      join(scratch, 'record.json'),
      JSON.stringify({ key, commit } satisfies EntryRecord),
    );
    const target = join(this.root, hash(key));
    const existing = await this.lookup(key);
    if (existing) {
      // A parallel run stored it first: keep theirs.
      await rm(scratch, { recursive: true, force: true });
      return existing;
    }
    await rm(target, { recursive: true, force: true });
    await rename(scratch, target);
    return { dir: join(target, 'files'), commit };
  }

  /** Removes a scratch folder after a failed fetch. */
  async discard(scratch: string): Promise<void> {
    await rm(scratch, { recursive: true, force: true });
  }
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
