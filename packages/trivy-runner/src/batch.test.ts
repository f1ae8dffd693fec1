import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSandbox, sandboxOptions } from './__fixtures__/fake-trivy.js';
import type { Sandbox } from './__fixtures__/fake-trivy.js';
import { createBatchState } from './batch.js';
import { resolveOptions } from './options.js';
import { scanImages } from './runner.js';

/** Collects the process warnings emitted while `run` runs (they are delivered on a later tick). */
async function warningsDuring(run: () => Promise<void>): Promise<Error[]> {
  const warnings: Error[] = [];
  const collect = (warning: Error): void => {
    warnings.push(warning);
  };
  process.on('warning', collect);
  try {
    await run();
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    process.off('warning', collect);
  }
  return warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning');
}

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await createSandbox();
});
afterEach(async () => {
  await sandbox.cleanup();
});

describe('a batch signal shared by many concurrent scans', () => {
  it('lets as many listeners as the concurrency allows without a MaxListenersExceededWarning', async () => {
    const warnings = await warningsDuring(async () => {
      const state = createBatchState(
        resolveOptions({ concurrency: 24 }),
        { signal: new AbortController().signal },
        [],
      );
      const listeners = Array.from({ length: 25 }, () => () => {});
      for (const listener of listeners) state.signal.addEventListener('abort', listener);
      for (const listener of listeners) state.signal.removeEventListener('abort', listener);
    });
    expect(warnings).toEqual([]);
  });

  it('runs 16 Trivy processes at once on one batch signal without a MaxListenersExceededWarning', async () => {
    const images = join(sandbox.dir, 'images.json');
    await writeFile(images, JSON.stringify({ '*': 'alpine-39.json.golden' }));
    const refs = Array.from({ length: 20 }, (_, index) => `registry.example.com/app-${index}:1.0`);
    const controller = new AbortController();
    let outcomes: Awaited<ReturnType<typeof scanImages>> = [];
    const warnings = await warningsDuring(async () => {
      const pending = scanImages(refs, {
        ...sandboxOptions(
          sandbox,
          { concurrency: 16, cache: false },
          { FAKE_TRIVY_IMAGES: images, FAKE_TRIVY_LATENCY_MS: '30000', FAKE_TRIVY_LOG_START: '1' },
        ),
        signal: controller.signal,
      });
      // Every one of the 16 processes is running and listening to the batch signal.
      while ((await sandbox.startedScans()) < 16) await new Promise((resolve) => setTimeout(resolve, 20));
      controller.abort();
      outcomes = await pending;
    });
    expect(outcomes).toHaveLength(20);
    expect(outcomes.every((outcome) => outcome.status === 'error' && outcome.error.code === 'aborted')).toBe(
      true,
    );
    expect(await sandbox.startedScans()).toBe(16);
    expect(warnings).toEqual([]);
  }, 60_000);
});
