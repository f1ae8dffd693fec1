import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from '@sluice/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCacheKey, createMemoryCache, decodeEntry, encodeEntry } from './cache.js';
import type { CachedScan } from './cache.js';
import { createFsCache } from './fs-cache.js';

const VALUE: CachedScan = {
  ref: 'alpine:3.9',
  digest: 'sha256:abc',
  findings: [
    { id: 'CVE-2019-1549', severity: 'MEDIUM', package: 'libssl1.1', installedVersion: '1.1.1b-r1' },
  ],
  scanner: { name: 'trivy', version: '0.74.0', dbVersion: '2@2022-03-02T06:07:07Z' },
  scannedAt: '2026-01-01T00:00:00.000Z',
};

describe('createCacheKey', () => {
  const parts = {
    image: 'docker.io/library/alpine:3.9',
    trivyVersion: '0.74.0',
    dbVersion: '2@x',
    options: { severities: ['HIGH'], ignoreUnfixed: false },
  };

  it('is stable regardless of key order and changes with every part', () => {
    const key = createCacheKey(parts);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(createCacheKey({ ...parts, options: { ignoreUnfixed: false, severities: ['HIGH'] } })).toBe(key);
    for (const changed of [
      { ...parts, image: 'docker.io/library/alpine:3.10' },
      { ...parts, trivyVersion: '0.75.0' },
      { ...parts, dbVersion: '2@y' },
      { ...parts, options: { ...parts.options, ignoreUnfixed: true } },
    ]) {
      expect(createCacheKey(changed)).not.toBe(key);
    }
  });
});

describe('entry encoding', () => {
  it('round-trips and rejects tampering, other keys and expired entries', () => {
    const text = encodeEntry('k1', VALUE, 2000);
    expect(decodeEntry(text, 'k1', 1000)).toEqual(VALUE);
    expect(decodeEntry(text, 'k2', 1000)).toBeUndefined();
    expect(decodeEntry(text, 'k1', 2000)).toBeUndefined();
    expect(decodeEntry(text.replace('CVE-2019-1549', 'CVE-2019-0000'), 'k1', 1000)).toBeUndefined();
    expect(decodeEntry(text.slice(0, text.length / 2), 'k1', 1000)).toBeUndefined();
    expect(decodeEntry('', 'k1')).toBeUndefined();
  });
});

describe('createMemoryCache', () => {
  it('stores, expires and deletes', async () => {
    const cache = createMemoryCache();
    await cache.set('a', VALUE);
    await cache.set('b', VALUE, 0);
    expect(await cache.get('a')).toEqual(VALUE);
    expect(await cache.get('b')).toBeUndefined();
    await cache.delete('a');
    expect(await cache.get('a')).toBeUndefined();
  });
});

describe('createFsCache', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sluice-fs-cache-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const key = 'a'.repeat(64);
  const entryPath = (): string => join(dir, 'v1', 'aa', `${key}.json`);

  it('stores entries as files and reads them back', async () => {
    const cache = createFsCache(dir);
    expect(await cache.get(key)).toBeUndefined();
    await cache.set(key, VALUE);
    expect(await cache.get(key)).toEqual(VALUE);
    expect(JSON.parse(await readFile(entryPath(), 'utf8'))).toMatchObject({
      format: 1,
      checksum: expect.stringMatching(/^sha256:/),
    });
    await cache.delete(key);
    expect(await cache.get(key)).toBeUndefined();
  });

  it('treats corrupt, truncated and tampered files as misses, and overwrites them', async () => {
    const cache = createFsCache(dir);
    await cache.set(key, VALUE);
    const good = await readFile(entryPath(), 'utf8');
    for (const bad of [
      '',
      'not json',
      good.slice(0, 40),
      good.replace('libssl1.1', 'libssl1.2'),
      '{"format":1}',
    ]) {
      await writeFile(entryPath(), bad);
      expect(await cache.get(key)).toBeUndefined();
    }
    await cache.set(key, VALUE);
    expect(await cache.get(key)).toEqual(VALUE);
  });

  it('expires entries with a TTL', async () => {
    const cache = createFsCache(dir);
    await cache.set(key, VALUE, 0);
    expect(await cache.get(key)).toBeUndefined();
    await cache.set(key, VALUE, 60_000);
    expect(await cache.get(key)).toEqual(VALUE);
  });

  it('survives many concurrent writers and readers of one key without torn entries or leftovers', async () => {
    const writers = Array.from({ length: 8 }, () => createFsCache(dir));
    const values = Array.from({ length: 40 }, (_, index) => ({ ...VALUE, ref: `alpine:${index}` }));
    const reads: (CachedScan | undefined)[] = [];
    await Promise.all([
      ...values.map((value, index) => (writers[index % writers.length] ?? writers[0]!).set(key, value)),
      ...values.map(async () => reads.push(await createFsCache(dir).get(key))),
    ]);
    for (const read of reads) if (read !== undefined) expect(values).toContainEqual(read);
    expect(values).toContainEqual(await createFsCache(dir).get(key));
    expect((await readdir(join(dir, 'v1', 'aa'))).filter((file) => file.endsWith('.tmp'))).toEqual([]);
  });

  it('is shared by several processes writing and reading the same keys', async () => {
    const script = fileURLToPath(new URL('./__fixtures__/fs-cache-writer.ts', import.meta.url));
    const codes = await Promise.all(
      [1, 2, 3, 4].map(
        (index) =>
          new Promise<number>((resolve) => {
            execFile(
              process.execPath,
              ['--import', 'tsx', '--conditions=source', script, dir, `writer-${index}`],
              { cwd: REPO_ROOT },
              (error) => resolve(error ? Number(error.code ?? 1) : 0),
            );
          }),
      ),
    );
    expect(codes).toEqual([0, 0, 0, 0]);
    const cache = createFsCache(dir);
    for (const letter of ['a', 'b', 'c', 'd', 'e']) {
      expect((await cache.get(letter.repeat(64)))?.ref).toMatch(/^writer-\d:\d+$/);
    }
    for (const sub of await readdir(join(dir, 'v1'))) {
      expect((await readdir(join(dir, 'v1', sub))).filter((file) => file.endsWith('.tmp'))).toEqual([]);
    }
  });

  it('rejects keys that could escape the directory', async () => {
    await expect(createFsCache(dir).set('../x', VALUE)).rejects.toThrow(/Invalid cache key/);
  });
});
