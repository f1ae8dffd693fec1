import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { ScannerInfo } from '@sluice/core';
import type { BatchState } from './batch.js';
import { createCacheKey } from './cache.js';
import type { Cache, CachedScan } from './cache.js';
import type { ResolvedRunnerOptions } from './options.js';
import type { ScanGroup } from './plan.js';
import { redactSecrets } from './redact.js';

/** Reads and writes one batch's results in the result cache; cache failures become one warning. */
export interface ResultStore {
  /** The stored result of a group, if still valid for this run. */
  lookup(group: ScanGroup): Promise<CachedScan | undefined>;
  /** Stores a fresh result under the group's tag key (with the TTL) and digest key (until the DB changes). */
  store(group: ScanGroup, value: CachedScan): Promise<void>;
}

/**
 * The options that change a scan's result, for the cache key. The ignore file counts by its
 * content, so editing it invalidates results.
 */
export async function resultAffectingOptions(
  options: ResolvedRunnerOptions,
): Promise<Record<string, unknown>> {
  let ignoreFile: string | undefined;
  if (options.ignoreFile !== undefined) {
    try {
      ignoreFile = createHash('sha256')
        .update(await readFile(options.ignoreFile))
        .digest('hex');
    } catch {
      ignoreFile = 'unreadable';
    }
  }
  return {
    scanners: 'vuln',
    severities: options.severities ? [...options.severities].sort() : 'all',
    ignoreUnfixed: options.ignoreUnfixed,
    ignoreFile,
    platform: options.platform,
    extraArgs: options.extraArgs,
  };
}

/** Creates the result store of a batch; `cache` undefined means no caching. */
export async function createResultStore(
  cache: Cache | undefined,
  options: ResolvedRunnerOptions,
  scanner: ScannerInfo,
  state: BatchState,
): Promise<ResultStore> {
  const affecting = await resultAffectingOptions(options);
  const keyFor = (image: string): string =>
    createCacheKey({
      image,
      trivyVersion: scanner.version ?? 'unknown',
      dbVersion: scanner.dbVersion ?? 'unknown',
      options: affecting,
    });
  const digestKey = (group: ScanGroup, digest: string): string =>
    keyFor(`${group.target.name.repository}@${digest}`);
  const tagKey = (group: ScanGroup): string => keyFor(group.target.name.normalized);
  // Without a known DB version a result cannot be tied to the DB: every entry gets the TTL.
  const pinnedTtl = scanner.dbVersion === undefined ? options.tagTtlMs : undefined;

  const warn = (operation: 'read' | 'write', error: unknown): void => {
    if (state.warned.has(operation)) return;
    state.warned.add(operation);
    const message = redactSecrets((error as Error).message, state.secrets);
    state.emit({
      type: 'warning',
      code: 'cache-unavailable',
      message: `The result cache could not ${operation} (${message}); scanning continues without it.`,
    });
  };
  const set = async (key: string, value: CachedScan, ttlMs: number | undefined): Promise<void> => {
    try {
      await cache?.set(key, value, ttlMs);
    } catch (error) {
      warn('write', error);
    }
  };

  return {
    async lookup(group) {
      if (!cache) return undefined;
      let stored: CachedScan | undefined;
      try {
        stored = await cache.get(group.digest ? digestKey(group, group.digest) : tagKey(group));
      } catch (error) {
        warn('read', error);
        return undefined;
      }
      // The reader's TTL counts too: a run with a shorter TTL does not accept older tag results.
      const ttl = group.digest ? pinnedTtl : options.tagTtlMs;
      if (stored && ttl !== undefined && !(Date.now() - Date.parse(stored.scannedAt) < ttl)) return undefined;
      return stored;
    },
    async store(group, value) {
      if (!cache) return;
      if (group.digest) return set(digestKey(group, group.digest), value, pinnedTtl);
      await set(tagKey(group), value, options.tagTtlMs);
      // The digest Trivy reported answers later runs that know it, until the DB changes.
      if (value.digest) await set(digestKey(group, value.digest), value, pinnedTtl);
    },
  };
}
