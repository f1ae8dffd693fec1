import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { writeFileAtomic } from '@sluice/core';
import { join } from 'node:path';
import { CACHE_FORMAT_VERSION, decodeEntry, encodeEntry } from './cache.js';
import type { Cache } from './cache.js';

/**
 * A result cache in a directory: one file per key under `v<format>/<first two hex>/`. Writes go
 * to a unique temporary file that is then renamed over the entry, so readers never see half an
 * entry and processes sharing the directory never corrupt it (the last writer wins, with a
 * complete entry). A damaged, truncated or expired file is a miss, never an error.
 */
export function createFsCache(directory: string): Cache {
  const root = join(directory, `v${CACHE_FORMAT_VERSION}`);
  const pathOf = (key: string): string => {
    if (!/^[A-Za-z0-9._-]+$/.test(key)) throw new TypeError(`Invalid cache key ${JSON.stringify(key)}`);
    return join(root, key.slice(0, 2), `${key}.json`);
  };
  return {
    async get(key) {
      let text: string;
      try {
        // Synchronous: an entry is a few kilobytes, and a warm scan reads one per image, one
        // after another; a thread-pool round trip per open, stat, read and close cost more.
        text = readFileSync(pathOf(key), 'utf8');
      } catch {
        return undefined;
      }
      return decodeEntry(text, key);
    },
    async set(key, value, ttlMs) {
      const entry = encodeEntry(key, value, ttlMs !== undefined ? Date.now() + ttlMs : undefined);
      await writeFileAtomic(pathOf(key), entry, { createFolder: true });
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
  };
}
