import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createSandbox,
  FAKE_TRIVY,
  maxOverlap,
  sandboxOptions,
  summarize,
} from './__fixtures__/fake-trivy.js';
import type { Sandbox } from './__fixtures__/fake-trivy.js';
import type { ScanEvent } from './events.js';
import { scanImages } from './runner.js';

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await createSandbox();
});
afterEach(async () => {
  await sandbox.cleanup();
});

describe('createTrivyRunner with the stand-in trivy', () => {
  it('returns one outcome per unique image, with findings from the real reports', async () => {
    const outcomes = await scanImages(
      ['centos:7', 'alpine:3.9', 'docker.io/library/alpine:3.9', 'index.docker.io/library/centos:7'],
      sandboxOptions(sandbox),
    );
    expect(summarize(outcomes)).toEqual([
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
      sandboxOptions(sandbox, {}, {}),
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
      sandboxOptions(
        sandbox,
        { concurrency: 4 },
        { FAKE_TRIVY_LATENCY_MS: '1000', FAKE_TRIVY_LOCK_TIMEOUT_MS: '100' },
      ),
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
    const env = sandbox.env({ FAKE_TRIVY_LATENCY_MS: '2500', FAKE_TRIVY_LOCK_TIMEOUT_MS: '150' });
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
      sandboxOptions(
        sandbox,
        { trivyCacheBackend: 'fs', concurrency: 3 },
        { FAKE_TRIVY_LATENCY_MS: '200', FAKE_TRIVY_LOCK_TIMEOUT_MS: '50' },
      ),
    );
    expect(outcomes.every((outcome) => outcome.status === 'ok')).toBe(true);
    expect(maxOverlap(await sandbox.scans())).toBe(1);
  });

  it('emits typed events in order for each image', async () => {
    const events: ScanEvent[] = [];
    await scanImages(['alpine:3.9'], sandboxOptions(sandbox, { onEvent: (event) => events.push(event) }));
    expect(events.map((event) => event.type)).toEqual([
      'queued',
      'db-update',
      'db-update',
      'started',
      'done',
    ]);
    const events2: ScanEvent[] = [];
    await scanImages(['alpine:3.9'], sandboxOptions(sandbox, { onEvent: (event) => events2.push(event) }));
    expect(events2.map((event) => event.type)).toEqual(['queued', 'cached', 'done']);
  });

  it('passes registry credentials to the listed registries only, without ever printing them', async () => {
    const secret = 'registry-password-123';
    const events: ScanEvent[] = [];
    const outcomes = await scanImages(
      ['ghcr.io/example/private:1.0', 'attacker.example.com/x:1'],
      sandboxOptions(
        sandbox,
        {
          retries: 0,
          cache: false,
          registryCredentials: ['ghcr.io'],
          onEvent: (event) => events.push(event),
        },
        { TRIVY_PASSWORD: secret, TRIVY_USERNAME: 'bob', FAKE_TRIVY_FAULTS: 'unauthorized' },
      ),
    );
    const scans = await sandbox.scans();
    const envOf = (image: string): readonly string[] | undefined =>
      scans.find((scan) => scan.image === image)?.trivyEnv;
    expect(envOf('ghcr.io/example/private:1.0')).toEqual(
      expect.arrayContaining(['TRIVY_PASSWORD', 'TRIVY_USERNAME']),
    );
    expect(envOf('attacker.example.com/x:1')).toBeDefined();
    expect(envOf('attacker.example.com/x:1')).not.toContain('TRIVY_PASSWORD');
    expect(envOf('attacker.example.com/x:1')).not.toContain('TRIVY_USERNAME');
    expect(events.filter((event) => event.type === 'warning')).toEqual([
      {
        type: 'warning',
        code: 'registry-credentials-withheld',
        message: expect.stringMatching(/not given to Trivy for images of attacker\.example\.com: only/),
      },
    ]);
    expect(JSON.stringify(outcomes)).not.toContain(secret);
    expect(JSON.stringify(await sandbox.invocations())).not.toContain(secret);
  });
});
