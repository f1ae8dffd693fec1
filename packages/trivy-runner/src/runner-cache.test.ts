import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSandbox, FAKE_TRIVY } from './__fixtures__/fake-trivy.js';
import type { Sandbox } from './__fixtures__/fake-trivy.js';
import { createMemoryCache } from './cache.js';
import type { Cache } from './cache.js';
import type { ScanEvent } from './events.js';
import type { TrivyRunnerOptions } from './options.js';
import type { ImageScanOutcome } from './outcome.js';
import { scanImages } from './runner.js';

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await createSandbox();
});
afterEach(async () => {
  await sandbox.cleanup();
});

function options(extra: TrivyRunnerOptions = {}, env: Record<string, string> = {}): TrivyRunnerOptions {
  return {
    trivyPath: FAKE_TRIVY,
    trivyCacheDir: sandbox.trivyCacheDir,
    cache: sandbox.resultCacheDir,
    retryDelayMs: 10,
    ...extra,
    env: sandbox.env(env),
  };
}

const sources = (outcomes: readonly ImageScanOutcome[]): string[] =>
  outcomes.map(
    (outcome) => `${outcome.ref}:${outcome.status === 'ok' ? outcome.source : outcome.error.code}`,
  );

async function makeDbStale(): Promise<void> {
  const path = join(sandbox.trivyCacheDir, 'db', 'metadata.json');
  const metadata = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  await writeFile(path, JSON.stringify({ ...metadata, NextUpdate: '2020-01-01T00:00:00Z' }));
}

describe('the result cache', () => {
  it('answers a rerun from the cache without starting trivy at all', async () => {
    const images = ['alpine:3.9', 'centos:7', 'debian:buster'];
    const cold = await scanImages(images, options());
    expect(sources(cold)).toEqual(['alpine:3.9:scan', 'centos:7:scan', 'debian:buster:scan']);
    const before = (await sandbox.invocations()).length;
    const warm = await scanImages(images, options());
    expect(sources(warm)).toEqual(['alpine:3.9:cache', 'centos:7:cache', 'debian:buster:cache']);
    expect(warm.map((outcome) => outcome.status === 'ok' && outcome.findings)).toEqual(
      cold.map((outcome) => outcome.status === 'ok' && outcome.findings),
    );
    const after = await sandbox.invocations();
    // Not even `trivy version`: the binary's version is remembered and the DB metadata read directly.
    expect(after.slice(before)).toEqual([]);
  });

  it('keys results by every option that changes them', async () => {
    await scanImages(['alpine:3.9'], options());
    const high = await scanImages(['alpine:3.9'], options({ severities: ['CRITICAL'] }));
    expect(sources(high)).toEqual(['alpine:3.9:scan']);
    expect(high[0]?.status === 'ok' && high[0].findings.map((finding) => finding.severity)).toEqual([
      'CRITICAL',
      'CRITICAL',
    ]);
    const unfixed = await scanImages(['centos:7'], options({ ignoreUnfixed: true }));
    const all = await scanImages(['centos:7'], options());
    expect(unfixed[0]?.status === 'ok' && unfixed[0].findings).toHaveLength(2);
    expect(all[0]?.status === 'ok' && all[0].findings).toHaveLength(3);
    const ignoreFile = join(sandbox.dir, '.trivyignore');
    await writeFile(ignoreFile, 'CVE-2019-1549\n');
    expect(sources(await scanImages(['alpine:3.9'], options({ ignoreFile })))).toEqual(['alpine:3.9:scan']);
    expect(sources(await scanImages(['alpine:3.9'], options({ ignoreFile })))).toEqual(['alpine:3.9:cache']);
    await writeFile(ignoreFile, 'CVE-2019-14697\n');
    expect(sources(await scanImages(['alpine:3.9'], options({ ignoreFile })))).toEqual(['alpine:3.9:scan']);
  });

  it('expires tag-only results after the TTL but keeps digest results until the DB changes', async () => {
    const [first] = await scanImages(['alpine:3.9'], options());
    const digest = first?.status === 'ok' ? first.digest : undefined;
    expect(digest).toMatch(/^sha256:/);
    // The tag entry has expired (TTL 0); the digest learned from the first scan still answers.
    expect(sources(await scanImages(['alpine:3.9'], options({ tagTtlMs: 0 })))).toEqual(['alpine:3.9:scan']);
    expect(
      sources(await scanImages([{ ref: 'alpine:3.9', digest: digest ?? '' }], options({ tagTtlMs: 0 }))),
    ).toEqual(['alpine:3.9:cache']);
    // A new DB invalidates digest results too.
    await makeDbStale();
    const events: ScanEvent[] = [];
    const after = await scanImages([{ ref: 'alpine:3.9', digest: digest ?? '' }], {
      ...options({}, { FAKE_TRIVY_DB_UPDATED_AT: '2030-01-01T00:00:00Z' }),
      onEvent: (event) => events.push(event),
    });
    expect(sources(after)).toEqual(['alpine:3.9:scan']);
    expect(after[0]?.status === 'ok' && after[0].scanner?.dbVersion).toBe('2@2030-01-01T00:00:00Z');
    expect(
      events
        .filter((event) => event.type === 'db-update')
        .map((event) => event.type === 'db-update' && event.phase),
    ).toEqual(['started', 'done']);
  });

  it('treats a damaged cache directory as empty and repairs it', async () => {
    await scanImages(['alpine:3.9'], options());
    const { readdir } = await import('node:fs/promises');
    const root = join(sandbox.resultCacheDir, 'v1');
    for (const sub of await readdir(root)) {
      for (const file of await readdir(join(root, sub)))
        await writeFile(join(root, sub, file), '{"format":1,"checksum":"x","body":"');
    }
    expect(sources(await scanImages(['alpine:3.9'], options()))).toEqual(['alpine:3.9:scan']);
    expect(sources(await scanImages(['alpine:3.9'], options()))).toEqual(['alpine:3.9:cache']);
  });

  it('accepts any Cache implementation and never fails a scan when the cache does', async () => {
    const memory = createMemoryCache();
    await scanImages(['alpine:3.9'], options({ cache: memory }));
    expect(sources(await scanImages(['alpine:3.9'], options({ cache: memory })))).toEqual([
      'alpine:3.9:cache',
    ]);
    const broken: Cache = {
      get: () => Promise.reject(new Error('backend down')),
      set: () => Promise.reject(new Error('backend down')),
      delete: () => Promise.reject(new Error('backend down')),
    };
    const events: ScanEvent[] = [];
    const outcomes = await scanImages(['alpine:3.9'], {
      ...options({ cache: broken }),
      onEvent: (event) => events.push(event),
    });
    expect(sources(outcomes)).toEqual(['alpine:3.9:scan']);
    expect(
      events
        .filter((event) => event.type === 'warning')
        .map((event) => event.type === 'warning' && event.code),
    ).toEqual(['cache-unavailable', 'cache-unavailable']);
  });

  it('never caches failures', async () => {
    await scanImages(['nope.example.com/x:1'], options());
    expect(sources(await scanImages(['nope.example.com/x:1'], options()))).toEqual([
      'nope.example.com/x:1:not-found',
    ]);
    expect(await sandbox.scans()).toHaveLength(2);
  });
});
