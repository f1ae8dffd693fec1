import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSandbox, FAKE_TRIVY } from './__fixtures__/fake-trivy.js';
import type { Sandbox } from './__fixtures__/fake-trivy.js';
import { REDIS_AVAILABLE, REDIS_MISSING_REASON, startRedisServer } from './__fixtures__/redis-server.js';
import type { RedisServer } from './__fixtures__/redis-server.js';
import type { CachedScan } from './cache.js';
import { createCache } from './create-cache.js';
import type { ScanEvent } from './events.js';
import { createRedisCache } from './redis-cache.js';
import { createTrivyRunner } from './runner.js';

// Without redis-server these tests are skipped locally (the title says why); in CI (CI set)
// they run and fail in beforeAll with the same reason.
const skip = !REDIS_AVAILABLE && !process.env.CI;
const title = skip ? `Redis result cache (skipped: ${REDIS_MISSING_REASON})` : 'Redis result cache';

const VALUE: CachedScan = {
  ref: 'alpine:3.9',
  findings: [
    { id: 'CVE-2019-1549', severity: 'MEDIUM', package: 'libssl1.1', installedVersion: '1.1.1b-r1' },
  ],
  scanner: { name: 'trivy', version: '0.74.0', dbVersion: '2@x' },
  scannedAt: '2026-01-01T00:00:00.000Z',
};

describe.skipIf(skip)(title, () => {
  let redis: RedisServer;
  let raw: Redis;
  beforeAll(async () => {
    redis = await startRedisServer();
    raw = new Redis(redis.url, { lazyConnect: true });
    raw.on('error', () => undefined); // the restart test takes Redis down on purpose
    await raw.connect();
  });
  afterAll(async () => {
    raw?.disconnect();
    await redis?.dispose();
  });
  beforeEach(async () => {
    if ((raw.status as string) !== 'ready') await raw.connect().catch(() => undefined);
    await raw.flushall();
  });

  it('stores checksummed values under namespaced, versioned keys with Redis TTLs', async () => {
    const cache = createRedisCache(redis.url);
    try {
      await cache.set('k1', VALUE, 60_000);
      await cache.set('k2', VALUE);
      expect(await cache.get('k1')).toEqual(VALUE);
      expect((await raw.keys('*')).sort()).toEqual(['sluice:v1:scan:k1', 'sluice:v1:scan:k2']);
      const ttl1 = await raw.pttl('sluice:v1:scan:k1');
      expect(ttl1).toBeGreaterThan(50_000);
      expect(ttl1).toBeLessThanOrEqual(60_000);
      expect(await raw.pttl('sluice:v1:scan:k2')).toBeGreaterThan(29 * 24 * 3_600_000);
      const stored = JSON.parse((await raw.get('sluice:v1:scan:k1')) ?? '{}') as { checksum: string };
      expect(stored.checksum).toMatch(/^sha256:[0-9a-f]{64}$/);
      await cache.delete('k1');
      expect(await cache.get('k1')).toBeUndefined();
    } finally {
      await cache.close?.();
    }
  });

  it('treats a tampered or foreign value as a miss', async () => {
    const cache = createCache(redis.url, { namespace: 'team-a' });
    try {
      await cache.set('k', VALUE);
      const key = 'team-a:v1:scan:k';
      await raw.set(key, ((await raw.get(key)) ?? '').replace('libssl1.1', 'libssl9'));
      expect(await cache.get('k')).toBeUndefined();
      await raw.set(key, 'garbage');
      expect(await cache.get('k')).toBeUndefined();
    } finally {
      await cache.close?.();
    }
  });

  it('rejects quickly with SLUICE_CACHE_UNAVAILABLE when Redis cannot be reached, with the password redacted', async () => {
    const cache = createRedisCache(`redis://:hunter2-secret@127.0.0.1:1`, { connectTimeoutMs: 300 });
    try {
      const started = Date.now();
      await expect(cache.get('k')).rejects.toMatchObject({ code: 'SLUICE_CACHE_UNAVAILABLE' });
      // Within the retry window the next calls fail at once instead of waiting again.
      await expect(cache.set('k', VALUE)).rejects.toMatchObject({ code: 'SLUICE_CACHE_UNAVAILABLE' });
      await expect(cache.get('k')).rejects.toThrow(/redis:\/\/:\*\*\*@127\.0\.0\.1:1/);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      await cache.close?.();
    }
  });

  describe('with the stand-in trivy', () => {
    let sandbox: Sandbox;
    beforeEach(async () => {
      sandbox = await createSandbox();
    });

    const runnerFor = (cacheUrl: string, events: ScanEvent[], env: Record<string, string> = {}) =>
      createTrivyRunner({
        trivyPath: FAKE_TRIVY,
        trivyCacheDir: sandbox.trivyCacheDir,
        cache: cacheUrl,
        concurrency: 2,
        env: sandbox.env(env),
        onEvent: (event) => events.push(event),
      });

    it('lets a second runner answer every image from the first one’s results', async () => {
      const images = ['alpine:3.9', 'alpine:3.10', 'centos:7', 'debian:buster'];
      const first = runnerFor(redis.url, []);
      const second = runnerFor(redis.url, []);
      try {
        const a = await first.scan(images);
        const scansAfterFirst = (await sandbox.scans()).length;
        const b = await second.scan(images);
        expect(scansAfterFirst).toBe(4);
        expect((await sandbox.scans()).length).toBe(4);
        expect(b.map((outcome) => outcome.status === 'ok' && outcome.source)).toEqual([
          'cache',
          'cache',
          'cache',
          'cache',
        ]);
        expect(b.map((outcome) => outcome.status === 'ok' && outcome.findings)).toEqual(
          a.map((outcome) => outcome.status === 'ok' && outcome.findings),
        );
      } finally {
        await first.close();
        await second.close();
        await sandbox.cleanup();
      }
    });

    it('scans without a cache and warns once when Redis is down, never failing a scan', async () => {
      const events: ScanEvent[] = [];
      const runner = runnerFor('redis://127.0.0.1:1', events);
      try {
        const outcomes = await runner.scan(['alpine:3.9', 'centos:7']);
        expect(outcomes.map((outcome) => outcome.status === 'ok' && outcome.source)).toEqual([
          'scan',
          'scan',
        ]);
        const warnings = events.filter((event) => event.type === 'warning');
        expect(warnings.map((event) => event.type === 'warning' && event.code)).toEqual([
          'cache-unavailable',
          'cache-unavailable',
        ]);
        expect(warnings[0]?.type === 'warning' && warnings[0].message).toMatch(
          /could not read .*Redis at redis:\/\/127\.0\.0\.1:1 is unavailable/,
        );
      } finally {
        await runner.close();
        await sandbox.cleanup();
      }
    });

    it('survives a Redis restart in the middle of a run and uses Redis again once it is back', async () => {
      const events: ScanEvent[] = [];
      const images = ['alpine:3.9', 'alpine:3.10', 'centos:6', 'centos:7', 'debian:buster', 'ubuntu:18.04'];
      let done = 0;
      let restarting: Promise<void> | undefined;
      const runner = createTrivyRunner({
        trivyPath: FAKE_TRIVY,
        trivyCacheDir: sandbox.trivyCacheDir,
        cache: redis.url,
        concurrency: 1,
        env: sandbox.env({ FAKE_TRIVY_LATENCY_MS: '250' }),
        onEvent: (event) => {
          events.push(event);
          if (event.type !== 'done') return;
          done += 1;
          // Redis dies after the second result and comes back after the fourth.
          if (done === 2) restarting = redis.stop();
          if (done === 4) restarting = restarting?.then(() => redis.start());
        },
      });
      try {
        const outcomes = await runner.scan(images);
        await restarting;
        expect(outcomes.every((outcome) => outcome.status === 'ok' && outcome.source === 'scan')).toBe(true);
        expect(events.some((event) => event.type === 'warning' && event.code === 'cache-unavailable')).toBe(
          true,
        );
        // The restarted Redis is empty (no persistence); a rerun repopulates it and a third run hits.
        await raw.connect().catch(() => undefined);
        for (let attempt = 0; attempt < 50 && (raw.status as string) !== 'ready'; attempt += 1) {
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        await new Promise((resolve) => setTimeout(resolve, 2100)); // past the cache's retry window
        await runner.scan(images);
        const again = await runner.scan(images);
        expect(again.map((outcome) => outcome.status === 'ok' && outcome.source)).toEqual(
          images.map(() => 'cache'),
        );
        expect((await raw.keys('sluice:v1:scan:*')).length).toBeGreaterThanOrEqual(images.length);
      } finally {
        await runner.close();
        await sandbox.cleanup();
      }
    });
  });
});
