import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import yaml from 'js-yaml';

/** A chart in the cache, unpacked and ready for `helm template`. */
export interface CachedChart {
  /** Absolute path of the chart folder. */
  readonly dir: string;
  readonly name: string;
  readonly version: string;
  /** `sha256:…` of the chart archive (HTTP repositories) or of its OCI manifest. */
  readonly digest: string;
}

interface RefRecord {
  readonly digest: string;
  readonly name: string;
  readonly version: string;
}

/**
 * A content-addressed store of unpacked charts: `<root>/sha256-<hex>/<chart>/` holds the chart
 * whose archive (or OCI manifest) has that digest; `<root>/refs/` maps what a release asked for
 * (repository, chart, version or digest) to a digest. Entries are written aside and renamed, so
 * that a crash or a parallel run never leaves half a chart where a reader looks.
 */
export class ChartCache {
  constructor(
    /** The cache folder (`<cache directory>/charts`). */
    readonly root: string,
  ) {}

  /** The chart a reference key points at, if cached and complete. */
  async lookup(key: string): Promise<CachedChart | undefined> {
    const record = await this.#readRef(key);
    if (!record) return undefined;
    const dir = this.#chartDir(record.digest, record.name);
    const chartFile = await stat(join(dir, 'Chart.yaml')).catch(() => undefined);
    return chartFile?.isFile() ? { dir, ...record } : undefined;
  }

  /** The versions cached for a repository prefix key (for offline version selection). */
  async versions(prefix: string): Promise<string[]> {
    const text = await readFile(this.#listFile(prefix), 'utf8').catch(() => undefined);
    const parsed: unknown = text === undefined ? [] : JSON.parse(text);
    return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === 'string') : [];
  }

  /**
   * Moves an unpacked chart (a folder holding one chart folder) into the store under its digest
   * and records the reference keys that lead to it.
   */
  async store(
    unpacked: string,
    record: RefRecord,
    keys: readonly string[],
    listing?: { readonly prefix: string },
  ): Promise<CachedChart> {
    const target = join(this.root, digestFolder(record.digest));
    await mkdir(this.root, { recursive: true });
    const existing = await stat(join(target, record.name, 'Chart.yaml')).catch(() => undefined);
    if (!existing) {
      await rm(target, { recursive: true, force: true });
      await rename(unpacked, target);
    } else {
      await rm(unpacked, { recursive: true, force: true });
    }
    for (const key of keys) await this.#writeAtomic(this.#refFile(key), JSON.stringify(record));
    if (listing) {
      const versions = new Set(await this.versions(listing.prefix));
      versions.add(record.version);
      await this.#writeAtomic(this.#listFile(listing.prefix), JSON.stringify([...versions].sort()));
    }
    return { dir: this.#chartDir(record.digest, record.name), ...record };
  }

  /** A repository `index.yaml` kept for offline runs. */
  async readIndex(url: string): Promise<string | undefined> {
    return readFile(join(this.root, 'index', `${hash(url)}.yaml`), 'utf8').catch(() => undefined);
  }

  /** Keeps a repository `index.yaml` for offline runs. */
  async writeIndex(url: string, text: string): Promise<void> {
    await this.#writeAtomic(join(this.root, 'index', `${hash(url)}.yaml`), text);
  }

  /** A fresh folder for unpacking inside the cache (same file system, so rename is atomic). */
  async scratch(): Promise<string> {
    const dir = join(this.root, 'tmp', `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
    await mkdir(dir, { recursive: true });
    return dir;
  }

  /** The name of the one chart folder inside an unpacked archive. */
  static async chartFolderName(unpacked: string): Promise<string | undefined> {
    const entries = await readdir(unpacked, { withFileTypes: true });
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      const text = await readFile(join(unpacked, entry.name, 'Chart.yaml'), 'utf8').catch(() => undefined);
      if (text !== undefined && typeof (yaml.load(text) as { name?: unknown } | undefined)?.name === 'string')
        return entry.name;
    }
    return undefined;
  }

  #chartDir(digest: string, name: string): string {
    return join(this.root, digestFolder(digest), name);
  }

  #refFile(key: string): string {
    return join(this.root, 'refs', `${hash(key)}.json`);
  }

  #listFile(prefix: string): string {
    return join(this.root, 'refs', `${hash(`versions\0${prefix}`)}.list.json`);
  }

  async #readRef(key: string): Promise<RefRecord | undefined> {
    const text = await readFile(this.#refFile(key), 'utf8').catch(() => undefined);
    if (text === undefined) return undefined;
    try {
      const record = JSON.parse(text) as Partial<RefRecord>;
      if (
        typeof record.digest === 'string' &&
        /^sha256:[a-f0-9]{64}$/.test(record.digest) &&
        typeof record.name === 'string' &&
        /^[A-Za-z0-9._-]+$/.test(record.name) &&
        typeof record.version === 'string'
      )
        return { digest: record.digest, name: record.name, version: record.version };
    } catch {
      // A damaged entry is a miss.
    }
    return undefined;
  }

  async #writeAtomic(path: string, text: string): Promise<void> {
    await mkdir(join(path, '..'), { recursive: true });
    const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    await writeFile(temporary, text);
    await rename(temporary, path);
  }
}

function digestFolder(digest: string): string {
  return digest.replace(':', '-');
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
