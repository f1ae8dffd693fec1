import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSandbox, FAKE_TRIVY, sandboxOptions, summarize } from './__fixtures__/fake-trivy.js';
import type { Sandbox } from './__fixtures__/fake-trivy.js';
import type { ScanEvent } from './events.js';
import { createTrivyRunner, scanImages } from './runner.js';

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await createSandbox();
});
afterEach(async () => {
  await sandbox.cleanup();
});

describe('createTrivyRunner failures with the stand-in trivy', () => {
  it('classifies real Trivy failures per image without affecting the others', async () => {
    const outcomes = await scanImages(
      [
        'alpine:3.9',
        'nope.example.com/missing:1',
        'ghcr.io/example/private:1.0',
        'registry.example.com/denied/app:1.0',
        '-rm',
        'UPPER:1',
      ],
      sandboxOptions(sandbox, { retries: 1 }),
    );
    expect(summarize(outcomes)).toEqual([
      ['-rm', 'invalid-reference', 0],
      ['UPPER:1', 'invalid-reference', 0],
      ['alpine:3.9', 'scan', 6],
      ['ghcr.io/example/private:1.0', 'unauthorized', 1],
      ['nope.example.com/missing:1', 'not-found', 1],
      ['registry.example.com/denied/app:1.0', 'unauthorized', 1],
    ]);
    const missing = outcomes.find((outcome) => outcome.ref === 'nope.example.com/missing:1');
    expect(missing?.status === 'error' && missing.error.message).toContain('MANIFEST_UNKNOWN');
  });

  it('retries transient registry failures with backoff and reports each retry', async () => {
    const events: ScanEvent[] = [];
    const outcomes = await scanImages(
      [
        'registry.example.com/flaky/rate-limited:1.0',
        'registry.example.com/flaky/server-error:1.0',
        'alpine:3.10',
      ],
      sandboxOptions(sandbox, { retries: 2, retryDelayMs: 5, onEvent: (event) => events.push(event) }),
    );
    expect(summarize(outcomes)).toEqual([
      ['alpine:3.10', 'scan', 4],
      ['registry.example.com/flaky/rate-limited:1.0', 'rate-limited', 3],
      ['registry.example.com/flaky/server-error:1.0', 'network', 3],
    ]);
    const retries = events.filter((event) => event.type === 'retrying');
    expect(
      retries.map((event) => event.type === 'retrying' && [event.ref, event.attempt, event.delayMs]).sort(),
    ).toEqual(
      [
        ['registry.example.com/flaky/rate-limited:1.0', 1, 5],
        ['registry.example.com/flaky/rate-limited:1.0', 2, 10],
        ['registry.example.com/flaky/server-error:1.0', 1, 5],
        ['registry.example.com/flaky/server-error:1.0', 2, 10],
      ].sort(),
    );
  });

  it('recovers when a transient fault passes on retry (connection reset, cache lock, crash, garbled output)', async () => {
    for (const fault of ['connection-reset', 'lock', 'crash', 'garbage', 'truncated']) {
      const local = await createSandbox();
      try {
        const outcomes = await scanImages(['alpine:3.9'], {
          trivyPath: FAKE_TRIVY,
          trivyCacheDir: local.trivyCacheDir,
          cache: false,
          retryDelayMs: 5,
          env: local.env({ FAKE_TRIVY_FAULTS: `${fault};attempts=1;match=alpine` }),
        });
        expect(summarize(outcomes), fault).toEqual([['alpine:3.9', 'scan', 6]]);
        const scans = await local.scans();
        expect(
          scans.map((scan) => scan.fault ?? 'none'),
          fault,
        ).toEqual([fault, 'none']);
      } finally {
        await local.cleanup();
      }
    }
  });

  it('reports persistent garbage as invalid-output and a crash as crashed', async () => {
    const garbage = await scanImages(
      ['alpine:3.9'],
      sandboxOptions(sandbox, { retries: 1, cache: false }, { FAKE_TRIVY_FAULTS: 'truncated' }),
    );
    expect(summarize(garbage)).toEqual([['alpine:3.9', 'invalid-output', 2]]);
    const crash = await scanImages(
      ['alpine:3.9'],
      sandboxOptions(sandbox, { retries: 0, cache: false }, { FAKE_TRIVY_FAULTS: 'crash' }),
    );
    expect(summarize(crash)).toEqual([['alpine:3.9', 'crashed', 1]]);
    expect(crash[0]?.status === 'error' && crash[0].error.message).toContain('panic: runtime error');
  });

  it('kills a hanging Trivy after the per-scan timeout', async () => {
    const outcomes = await scanImages(
      ['alpine:3.9'],
      sandboxOptions(
        sandbox,
        { scanTimeoutMs: 300, retries: 0, cache: false },
        { FAKE_TRIVY_FAULTS: 'hang' },
      ),
    );
    expect(summarize(outcomes)).toEqual([['alpine:3.9', 'timeout', 1]]);
    const [hung] = await sandbox.scans();
    expect(hung?.hanging).toBe(true);
    expect(() => process.kill(hung?.pid ?? 0, 0)).toThrow();
  });

  it("passes Trivy's own --timeout and classifies its deadline error", async () => {
    const outcomes = await scanImages(
      ['alpine:3.9'],
      sandboxOptions(
        sandbox,
        { scanTimeoutMs: 2000, retries: 0, cache: false },
        { FAKE_TRIVY_LATENCY_MS: '20000' },
      ),
    );
    expect(summarize(outcomes)).toEqual([['alpine:3.9', 'timeout', 1]]);
    expect(outcomes[0]?.status === 'error' && outcomes[0].error.message).toContain(
      'context deadline exceeded',
    );
  });

  it('aborts: kills running scans, starts no queued ones, and resolves with aborted outcomes', async () => {
    const controller = new AbortController();
    const events: ScanEvent[] = [];
    const images = ['alpine:3.9', 'alpine:3.10', 'centos:7', 'centos:6', 'debian:buster', 'ubuntu:18.04'];
    const pending = scanImages(images, {
      ...sandboxOptions(
        sandbox,
        { concurrency: 2, cache: false },
        { FAKE_TRIVY_LATENCY_MS: '10000', FAKE_TRIVY_LOG_START: '1' },
      ),
      signal: controller.signal,
      onEvent: (event) => events.push(event),
    });
    // Abort once both workers' Trivy processes are really running.
    while ((await sandbox.startedScans()) < 2) await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort();
    const outcomes = await pending;
    expect(outcomes).toHaveLength(6);
    expect(outcomes.every((outcome) => outcome.status === 'error' && outcome.error.code === 'aborted')).toBe(
      true,
    );
    // The two running stand-ins were killed (they record SIGTERM) and are gone; none more started.
    const scans = await sandbox.scans();
    expect(scans.map((scan) => scan.signal)).toEqual(['SIGTERM', 'SIGTERM']);
    for (const scan of scans) expect(() => process.kill(scan.pid, 0)).toThrow();
    expect(events.filter((event) => event.type === 'started')).toHaveLength(2);
  });

  it('fails unfinished images with timeout when the batch timeout passes', async () => {
    const outcomes = await scanImages(
      ['alpine:3.9', 'alpine:3.10', 'centos:7'],
      sandboxOptions(
        sandbox,
        { concurrency: 1, batchTimeoutMs: 1500, cache: false },
        { FAKE_TRIVY_LATENCY_MS: '600' },
      ),
    );
    const codes = outcomes.map((outcome) => (outcome.status === 'ok' ? 'ok' : outcome.error.code));
    expect(codes.filter((code) => code === 'timeout').length).toBeGreaterThanOrEqual(1);
    expect(codes.every((code) => code === 'ok' || code === 'timeout')).toBe(true);
  });

  it('says clearly when trivy is not installed', async () => {
    const outcomes = await scanImages(
      ['alpine:3.9', 'centos:7'],
      sandboxOptions(sandbox, { trivyPath: '/nonexistent/trivy' }),
    );
    expect(
      outcomes.every((outcome) => outcome.status === 'error' && outcome.error.code === 'scanner-missing'),
    ).toBe(true);
    expect(outcomes[0]?.status === 'error' && outcomes[0].error.message).toMatch(
      /Install Trivy.*--server.*--trivy-reports/,
    );
    await expect(
      createTrivyRunner(sandboxOptions(sandbox, { trivyPath: '/nonexistent/trivy' })).getScannerInfo(),
    ).rejects.toMatchObject({ code: 'SLUICE_SCANNER_MISSING' });
  });

  it('reports a DB download failure as db-unavailable for every image', async () => {
    const outcomes = await scanImages(
      ['alpine:3.9', 'centos:7'],
      sandboxOptions(sandbox, { retries: 1 }, { FAKE_TRIVY_DB: 'unavailable' }),
    );
    expect(summarize(outcomes)).toEqual([
      ['alpine:3.9', 'db-unavailable', 0],
      ['centos:7', 'db-unavailable', 0],
    ]);
    expect(
      (await sandbox.invocations()).filter((entry) => entry.argv.includes('--download-db-only')),
    ).toHaveLength(2);
    expect(await sandbox.scans()).toEqual([]);
  });
});
