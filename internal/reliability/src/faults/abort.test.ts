import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFsCache, createTrivyRunner } from '@sluice/trivy-runner';
import type { ImageScanOutcome } from '@sluice/trivy-runner';
import { isProcessAlive } from '@sluice/test-utils';
import { createTrivySandbox, FAKE_TRIVY } from '../support/fake-trivy.js';
import type { TrivySandbox } from '../support/fake-trivy.js';

const IMAGES = Array.from({ length: 120 }, (_, index) => `registry.example.com/abort/app-${index}:1.0`);

let sandbox: TrivySandbox;
let outcomes: ImageScanOutcome[];

beforeAll(async () => {
  sandbox = await createTrivySandbox({ '*': 'alpine-distroless.json.golden' });
  const controller = new AbortController();
  let done = 0;
  const runner = createTrivyRunner({
    trivyPath: FAKE_TRIVY,
    trivyCacheDir: sandbox.trivyCacheDir,
    cache: sandbox.resultCacheDir,
    concurrency: 8,
    retryDelayMs: 1,
    // Slow scans, so that the abort lands while several are running and writing.
    env: sandbox.env({ FAKE_TRIVY_LATENCY_MS: '400' }),
    onEvent: (event) => {
      if (event.type === 'done' && (done += 1) === 16) controller.abort();
    },
  });
  outcomes = await runner.scan(IMAGES, { signal: controller.signal });
  await runner.close();
}, 300_000);
afterAll(async () => {
  await sandbox.cleanup();
});

describe('aborting a batch in the middle', () => {
  it('resolves with one outcome per image: finished ones ok, the rest aborted', () => {
    expect(outcomes.map((outcome) => outcome.ref).sort()).toEqual([...IMAGES].sort());
    const codes = new Set(outcomes.map((outcome) => (outcome.status === 'ok' ? 'ok' : outcome.error.code)));
    expect(codes).toEqual(new Set(['ok', 'aborted']));
  });

  it('leaves no temporary file and no half-written entry in the cache directory', async () => {
    const files = (await readdir(sandbox.resultCacheDir, { recursive: true })).map((file) =>
      join(sandbox.resultCacheDir, file),
    );
    const entries: string[] = [];
    for (const file of files) if ((await stat(file)).isFile()) entries.push(file);
    expect(entries.filter((file) => !file.endsWith('.json'))).toEqual([]);
    const cache = createFsCache(sandbox.resultCacheDir);
    // Result entries live under v1/ (the runner keeps other files beside them).
    for (const file of entries.filter((path) => path.includes(`${join(sandbox.resultCacheDir, 'v1')}/`)))
      expect(await cache.get(basename(file, '.json')), file).toBeDefined();
    // Every image that finished was stored (under its tag key, and its digest key).
    const finished = outcomes.filter((outcome) => outcome.status === 'ok').length;
    expect(
      entries.filter((path) => path.includes(`${join(sandbox.resultCacheDir, 'v1')}/`)).length,
    ).toBeGreaterThanOrEqual(finished);
  });

  it('leaves no Trivy process behind', async () => {
    const pids = [...new Set((await sandbox.log()).map((entry) => entry.pid))];
    expect(pids.length).toBeGreaterThan(16);
    expect(pids.filter(isProcessAlive)).toEqual([]);
  });
});
