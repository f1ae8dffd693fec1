import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildGateReport } from '@sluice/flux-adapter';
import type { ImageOutcome } from '@sluice/flux-adapter';
import { createTrivyRunner } from '@sluice/trivy-runner';
import type { ImageScanOutcome } from '@sluice/trivy-runner';
import { isProcessAlive } from '@sluice/test-utils';
import { createTrivySandbox, FAKE_TRIVY } from '../support/fake-trivy.js';
import type { TrivySandbox } from '../support/fake-trivy.js';

const IMAGES = Array.from({ length: 12 }, (_, index) => `registry.example.com/db/app-${index}:1.0`);

let sandbox: TrivySandbox;
beforeEach(async () => {
  sandbox = await createTrivySandbox({ '*': 'alpine-distroless.json.golden' });
});
afterEach(async () => {
  await sandbox.cleanup();
});

async function scanWith(faults: string): Promise<ImageScanOutcome[]> {
  const runner = createTrivyRunner({
    trivyPath: FAKE_TRIVY,
    trivyCacheDir: sandbox.trivyCacheDir,
    cache: false,
    retries: 1,
    retryDelayMs: 1,
    env: sandbox.env({ FAKE_TRIVY_FAULTS: faults }),
  });
  try {
    return await runner.scan(IMAGES);
  } finally {
    await runner.close();
  }
}

function gateVerdict(outcomes: readonly ImageScanOutcome[]): string {
  return buildGateReport({
    images: IMAGES.map((ref) => ({ ref, locations: [] })),
    outcomes: outcomes.map((outcome): ImageOutcome =>
      outcome.status === 'ok'
        ? { ref: outcome.ref, outcome: 'ok', findings: [...outcome.findings] }
        : { ref: outcome.ref, outcome: 'error', error: outcome.error },
    ),
    tool: { version: '0.0.0' },
  }).verdict;
}

describe('faults of the vulnerability DB download', () => {
  for (const [kind, code] of [
    ['db-unavailable', 'db-unavailable'],
    ['crash', 'crashed'],
    ['lock', 'cache-locked'],
  ] as const) {
    it(
      `a DB download that always fails with ${kind} fails every image as ${code}, and the gate blocks (fail closed)`,
      { timeout: 60_000 },
      async () => {
        const outcomes = await scanWith(JSON.stringify({ faults: [{ kind, match: '^<download-db>$' }] }));
        expect(outcomes.map((outcome) => outcome.ref).sort()).toEqual([...IMAGES].sort());
        for (const outcome of outcomes) {
          expect(outcome.status).toBe('error');
          if (outcome.status === 'error') expect(outcome.error.code).toBe(code);
        }
        // No image was scanned without a DB.
        expect(await sandbox.scans()).toEqual([]);
        expect(gateVerdict(outcomes)).toBe('blocked');
        expect((await sandbox.log()).map((entry) => entry.pid).filter(isProcessAlive)).toEqual([]);
      },
    );
  }

  it(
    'a DB download that fails once is retried, and every image is then scanned',
    { timeout: 60_000 },
    async () => {
      const outcomes = await scanWith(
        JSON.stringify({ faults: [{ kind: 'connection-reset', match: '^<download-db>$', attempts: 1 }] }),
      );
      expect(outcomes.every((outcome) => outcome.status === 'ok')).toBe(true);
      expect(gateVerdict(outcomes)).toBe('pass');
    },
  );
});
