import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSandbox, FAKE_TRIVY, maxOverlap } from './__fixtures__/fake-trivy.js';
import type { Sandbox } from './__fixtures__/fake-trivy.js';
import type { ScanEvent } from './events.js';
import type { TrivyRunnerOptions } from './options.js';
import type { ImageScanOutcome } from './outcome.js';
import { createTrivyRunner, scanImages } from './runner.js';

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

function summary(outcomes: readonly ImageScanOutcome[]): unknown[] {
  return outcomes.map((outcome) =>
    outcome.status === 'ok'
      ? [outcome.ref, outcome.source, outcome.findings.length]
      : [outcome.ref, outcome.error.code, outcome.attempts],
  );
}

describe('createTrivyRunner with the stand-in trivy', () => {
  it('returns one outcome per unique image, with findings from the real reports', async () => {
    const outcomes = await scanImages(
      ['centos:7', 'alpine:3.9', 'docker.io/library/alpine:3.9', 'index.docker.io/library/centos:7'],
      options(),
    );
    expect(summary(outcomes)).toEqual([
      ['alpine:3.9', 'scan', 6],
      ['centos:7', 'scan', 3],
    ]);
    const alpine = outcomes[0];
    expect(alpine?.status === 'ok' && alpine.scanner).toEqual({
      name: 'trivy',
      version: '0.74.0',
      dbVersion: '2@2022-03-02T06:07:07.99504083Z',
    });
    expect(alpine?.status === 'ok' && alpine.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(alpine?.status === 'ok' && alpine.findings[0]?.target).toBe('alpine:3.9 (alpine 3.9.4)');
    expect((await sandbox.scans()).map((scan) => scan.image).sort()).toEqual(['alpine:3.9', 'centos:7']);
  });

  it('scans references known to share a digest once', async () => {
    const digest = `sha256:${'1'.repeat(64)}`;
    const outcomes = await scanImages(
      [{ ref: 'alpine:3.9', digest }, `alpine@${digest}`, { ref: 'mirror.example.com/alpine:3.9', digest }],
      options({}, {}),
    );
    expect(outcomes.map((outcome) => outcome.ref)).toEqual([
      'alpine:3.9',
      `alpine@${digest}`,
      'mirror.example.com/alpine:3.9',
    ]);
    expect(outcomes.every((outcome) => outcome.status === 'ok' && outcome.digest === digest)).toBe(true);
    const scans = await sandbox.scans();
    expect(scans).toHaveLength(1);
    expect(scans[0]?.image).toBe(`alpine@${digest}`);
  });

  it('updates the DB once per batch, then scans in parallel without the cache lock', async () => {
    const images = [
      'alpine:3.9',
      'alpine:3.10',
      'centos:7',
      'centos:6',
      'debian:buster',
      'ubuntu:18.04',
      'photon:3.0',
      'amazonlinux:2',
    ];
    const outcomes = await scanImages(
      images,
      options({ concurrency: 4 }, { FAKE_TRIVY_LATENCY_MS: '400', FAKE_TRIVY_LOCK_TIMEOUT_MS: '100' }),
    );
    expect(outcomes.every((outcome) => outcome.status === 'ok')).toBe(true);
    const invocations = await sandbox.invocations();
    const downloads = invocations.filter((entry) => entry.argv.includes('--download-db-only'));
    expect(downloads).toHaveLength(1);
    const scans = await sandbox.scans();
    expect(scans).toHaveLength(8);
    expect(maxOverlap(scans)).toBe(4);
    for (const scan of scans) {
      expect(scan.exitCode).toBe(0);
      expect(scan.cacheBackend).toBe('memory');
      expect(scan.argv).toContain('--skip-db-update');
      expect(scan.start).toBeGreaterThanOrEqual(downloads[0]?.end ?? Infinity);
    }
  });

  it('shows that the stand-in enforces the fs-cache lock a naive parallel setup trips on', async () => {
    const { execa } = await import('execa');
    const env = sandbox.env({ FAKE_TRIVY_LATENCY_MS: '800', FAKE_TRIVY_LOCK_TIMEOUT_MS: '150' });
    await execa(FAKE_TRIVY, ['image', '--cache-dir', sandbox.trivyCacheDir, '--download-db-only'], { env });
    const naive = await Promise.all(
      ['alpine:3.9', 'alpine:3.10', 'centos:7'].map((image) =>
        execa(
          FAKE_TRIVY,
          [
            'image',
            '--cache-dir',
            sandbox.trivyCacheDir,
            '--skip-db-update',
            '--format',
            'json',
            '--quiet',
            image,
          ],
          { env, reject: false },
        ),
      ),
    );
    const locked = naive.filter((result) => result.exitCode === 1);
    expect(locked.length).toBeGreaterThanOrEqual(1);
    for (const result of locked)
      expect(result.stderr).toContain('cache may be in use by another process: timeout');
    expect(naive.filter((result) => result.exitCode === 0)).toHaveLength(1);
  });

  it('runs one scan at a time when asked for the locking fs backend, so none fails on the lock', async () => {
    const outcomes = await scanImages(
      ['alpine:3.9', 'alpine:3.10', 'centos:7'],
      options(
        { trivyCacheBackend: 'fs', concurrency: 3 },
        { FAKE_TRIVY_LATENCY_MS: '200', FAKE_TRIVY_LOCK_TIMEOUT_MS: '50' },
      ),
    );
    expect(outcomes.every((outcome) => outcome.status === 'ok')).toBe(true);
    expect(maxOverlap(await sandbox.scans())).toBe(1);
  });

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
      options({ retries: 1 }),
    );
    expect(summary(outcomes)).toEqual([
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
      options({ retries: 2, retryDelayMs: 5, onEvent: (event) => events.push(event) }),
    );
    expect(summary(outcomes)).toEqual([
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
        expect(summary(outcomes), fault).toEqual([['alpine:3.9', 'scan', 6]]);
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
      options({ retries: 1, cache: false }, { FAKE_TRIVY_FAULTS: 'truncated' }),
    );
    expect(summary(garbage)).toEqual([['alpine:3.9', 'invalid-output', 2]]);
    const crash = await scanImages(
      ['alpine:3.9'],
      options({ retries: 0, cache: false }, { FAKE_TRIVY_FAULTS: 'crash' }),
    );
    expect(summary(crash)).toEqual([['alpine:3.9', 'crashed', 1]]);
    expect(crash[0]?.status === 'error' && crash[0].error.message).toContain('panic: runtime error');
  });

  it('kills a hanging Trivy after the per-scan timeout', async () => {
    const outcomes = await scanImages(
      ['alpine:3.9'],
      options({ scanTimeoutMs: 300, retries: 0, cache: false }, { FAKE_TRIVY_FAULTS: 'hang' }),
    );
    expect(summary(outcomes)).toEqual([['alpine:3.9', 'timeout', 1]]);
    const [hung] = await sandbox.scans();
    expect(hung?.hanging).toBe(true);
    expect(() => process.kill(hung?.pid ?? 0, 0)).toThrow();
  });

  it("passes Trivy's own --timeout and classifies its deadline error", async () => {
    const outcomes = await scanImages(
      ['alpine:3.9'],
      options({ scanTimeoutMs: 200, retries: 0, cache: false }, { FAKE_TRIVY_LATENCY_MS: '5000' }),
    );
    expect(summary(outcomes)).toEqual([['alpine:3.9', 'timeout', 1]]);
    expect(outcomes[0]?.status === 'error' && outcomes[0].error.message).toContain(
      'context deadline exceeded',
    );
  });

  it('aborts: kills running scans, starts no queued ones, and resolves with aborted outcomes', async () => {
    const controller = new AbortController();
    const events: ScanEvent[] = [];
    const images = ['alpine:3.9', 'alpine:3.10', 'centos:7', 'centos:6', 'debian:buster', 'ubuntu:18.04'];
    const pending = scanImages(images, {
      ...options({ concurrency: 2, cache: false }, { FAKE_TRIVY_LATENCY_MS: '10000' }),
      signal: controller.signal,
      onEvent: (event) => {
        events.push(event);
        if (events.filter((entry) => entry.type === 'started').length === 2) controller.abort();
      },
    });
    const outcomes = await pending;
    expect(outcomes).toHaveLength(6);
    expect(outcomes.every((outcome) => outcome.status === 'error' && outcome.error.code === 'aborted')).toBe(
      true,
    );
    // Give the stand-ins a moment to be reaped, then check none is alive and none more started.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const scans = await sandbox.scans();
    expect(scans.length).toBeLessThanOrEqual(2);
    expect(events.filter((event) => event.type === 'started')).toHaveLength(2);
  });

  it('fails unfinished images with timeout when the batch timeout passes', async () => {
    const outcomes = await scanImages(
      ['alpine:3.9', 'alpine:3.10', 'centos:7'],
      options({ concurrency: 1, batchTimeoutMs: 1500, cache: false }, { FAKE_TRIVY_LATENCY_MS: '600' }),
    );
    const codes = outcomes.map((outcome) => (outcome.status === 'ok' ? 'ok' : outcome.error.code));
    expect(codes.filter((code) => code === 'timeout').length).toBeGreaterThanOrEqual(1);
    expect(codes.every((code) => code === 'ok' || code === 'timeout')).toBe(true);
  });

  it('says clearly when trivy is not installed', async () => {
    const outcomes = await scanImages(
      ['alpine:3.9', 'centos:7'],
      options({ trivyPath: '/nonexistent/trivy' }),
    );
    expect(
      outcomes.every((outcome) => outcome.status === 'error' && outcome.error.code === 'scanner-missing'),
    ).toBe(true);
    expect(outcomes[0]?.status === 'error' && outcomes[0].error.message).toMatch(
      /Install Trivy.*--server.*--trivy-reports/,
    );
    await expect(
      createTrivyRunner(options({ trivyPath: '/nonexistent/trivy' })).getScannerInfo(),
    ).rejects.toMatchObject({ code: 'SLUICE_SCANNER_MISSING' });
  });

  it('reports a DB download failure as db-unavailable for every image', async () => {
    const outcomes = await scanImages(
      ['alpine:3.9', 'centos:7'],
      options({ retries: 1 }, { FAKE_TRIVY_DB: 'unavailable' }),
    );
    expect(summary(outcomes)).toEqual([
      ['alpine:3.9', 'db-unavailable', 0],
      ['centos:7', 'db-unavailable', 0],
    ]);
    expect(
      (await sandbox.invocations()).filter((entry) => entry.argv.includes('--download-db-only')),
    ).toHaveLength(2);
    expect(await sandbox.scans()).toEqual([]);
  });

  it('emits typed events in order for each image', async () => {
    const events: ScanEvent[] = [];
    await scanImages(['alpine:3.9'], options({ onEvent: (event) => events.push(event) }));
    expect(events.map((event) => event.type)).toEqual([
      'queued',
      'db-update',
      'db-update',
      'started',
      'done',
    ]);
    const events2: ScanEvent[] = [];
    await scanImages(['alpine:3.9'], options({ onEvent: (event) => events2.push(event) }));
    expect(events2.map((event) => event.type)).toEqual(['queued', 'cached', 'done']);
  });

  it('passes TRIVY_* variables and registry credentials through without ever printing them', async () => {
    const secret = 'registry-password-123';
    const outcomes = await scanImages(
      ['ghcr.io/example/private:1.0'],
      options(
        { retries: 0, cache: false },
        { TRIVY_PASSWORD: secret, TRIVY_USERNAME: 'bob', FAKE_TRIVY_FAULTS: 'unauthorized' },
      ),
    );
    const [scan] = await sandbox.scans();
    expect(scan?.trivyEnv).toEqual(expect.arrayContaining(['TRIVY_PASSWORD', 'TRIVY_USERNAME']));
    expect(JSON.stringify(outcomes)).not.toContain(secret);
    expect(JSON.stringify(await sandbox.invocations())).not.toContain(secret);
  });
});

describe('client/server mode', () => {
  it('scans through a server with token and custom headers, and downloads no DB', async () => {
    const outcomes = await scanImages(
      ['alpine:3.9', 'centos:7'],
      options(
        {
          server: 'http://127.0.0.1:1',
          token: 'server-token-1',
          customHeaders: { 'X-Tenant': 'team-a' },
          cache: false,
        },
        { FAKE_TRIVY_SERVER_TOKEN: 'server-token-1' },
      ),
    );
    expect(summary(outcomes)).toEqual([
      ['alpine:3.9', 'scan', 6],
      ['centos:7', 'scan', 3],
    ]);
    const invocations = await sandbox.invocations();
    expect(invocations.filter((entry) => entry.argv.includes('--download-db-only'))).toEqual([]);
    const scans = await sandbox.scans();
    for (const scan of scans) {
      expect(scan.server).toBe('http://127.0.0.1:1');
      expect(scan.cacheBackend).toBe('remote');
      expect(scan.customHeaders).toEqual(['X-Tenant:team-a']);
      expect(scan.argv.join(' ')).not.toContain('server-token-1');
      expect(scan.trivyEnv).toContain('TRIVY_TOKEN');
    }
  });

  it('reports a rejected token as unauthorized, with the token redacted', async () => {
    const outcomes = await scanImages(
      ['alpine:3.9'],
      options(
        { server: 'http://127.0.0.1:1', token: 'wrong-token-xyz', cache: false },
        { FAKE_TRIVY_SERVER_TOKEN: 'right-token' },
      ),
    );
    expect(summary(outcomes)).toEqual([['alpine:3.9', 'unauthorized', 1]]);
    expect(JSON.stringify(outcomes)).not.toContain('wrong-token-xyz');
  });
});
