// How `sluice scan` runs Trivy and what it accepts from it, through the whole CLI: red-team cases
// of issue #16 (signals, process groups, huge or foreign reports, registry credentials, report
// files on a full disk), one per test, each with the outcome it must have. docs/reliability.md,
// section 7.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { mountTinyTmpfs } from '@sluice/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../support/cli.js';
import { isProcessAlive } from '@sluice/test-utils';
import { createTrivySandbox, FAKE_TRIVY } from '../support/fake-trivy.js';
import type { TrivySandbox } from '../support/fake-trivy.js';
import { createTempRepo, deploymentWithImage } from '../support/temp-repo.js';
import type { TempRepo } from '../support/temp-repo.js';

interface JsonReport {
  readonly verdict: string;
  readonly images: readonly { ref: string; verdict: string; error?: { code: string; message: string } }[];
}

let sandbox: TrivySandbox;
let repo: TempRepo;
beforeEach(async () => {
  sandbox = await createTrivySandbox({
    'alpine:3.9': 'alpine-39.json.golden',
    'ghcr.io/acme/app:1': 'alpine-distroless.json.golden',
    'attacker.example.com/x:1': 'alpine-distroless.json.golden',
    'ghcr.io/acme/huge:1': { report: 'alpine-39.json.golden', inflateBytes: 560_000_000 },
    'ghcr.io/acme/stale:2': { report: 'alpine-distroless.json.golden', artifactName: 'ghcr.io/acme/stale:1' },
    'ghcr.io/acme/slow:1': { report: 'alpine-distroless.json.golden', latencyMs: 120_000 },
  });
});
afterEach(async () => {
  await Promise.all([sandbox.cleanup(), repo.cleanup()]);
});

async function repoWith(...images: string[]): Promise<void> {
  repo = await createTempRepo(
    Object.fromEntries(
      images.map((image, index) => [`apps/app-${index}.yaml`, deploymentWithImage(image, `app-${index}`)]),
    ),
  );
}

async function scan(env: Record<string, string> = {}, ...extra: string[]) {
  const file = join(sandbox.dir, 'report.json');
  const run = await runCli(
    ['scan', '.', '--no-cache', '--format', `json=${file}`, ...extra],
    sandbox.env(env),
    repo.root,
  );
  const report = run.code === 2 ? undefined : (JSON.parse(await readFile(file, 'utf8')) as JsonReport);
  return { run, report };
}

/** Waits until no pid of the list runs any more (killed processes take a moment to be reaped). */
async function survivors(pids: readonly number[]): Promise<number[]> {
  for (let tries = 0; tries < 40 && pids.some(isProcessAlive); tries += 1) await sleep(50);
  return pids.filter(isProcessAlive);
}

describe('stopping', () => {
  it(
    'the first SIGTERM stops a scan promptly: exit 143, no Trivy process left',
    { timeout: 90_000 },
    async () => {
      await repoWith('ghcr.io/acme/slow:1', 'alpine:3.9');
      const started = startCli(
        ['scan', '.', '--no-cache', '--concurrency', '2'],
        sandbox.env({ FAKE_TRIVY_LOG_START: '1' }),
        repo.root,
      );
      // Wait until the scans run (the stand-in logs a start line as soon as it can take signals).
      for (let tries = 0; tries < 600; tries += 1) {
        const text = await readFile(sandbox.logFile, 'utf8').catch(() => '');
        if (text.includes('"phase":"start"') && text.includes('ghcr.io/acme/slow:1')) break;
        await sleep(100);
      }
      const signalled = Date.now();
      started.child.kill('SIGTERM');
      const run = await started.result;
      expect(run.code, run.stderr).toBe(143);
      // Stopped within the grace period (2.5 s), not after the 120 s scan.
      expect(Date.now() - signalled).toBeLessThan(20_000);
      const pids = (await readFile(sandbox.logFile, 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map((line) => (JSON.parse(line) as { pid: number }).pid);
      expect(await survivors(pids)).toEqual([]);
    },
  );

  it(
    '--timeout fires although a trivy wrapper child keeps stdout open, and leaves no process',
    { timeout: 90_000 },
    async () => {
      await repoWith('alpine:3.9');
      const pidFile = join(sandbox.dir, 'wrapper-children');
      const wrapper = join(sandbox.dir, 'trivy-wrapper.sh');
      await writeFile(
        wrapper,
        `#!/bin/sh\nsleep 300 &\necho $! >> '${pidFile}'\nexec '${FAKE_TRIVY}' "$@"\n`,
        { mode: 0o755 },
      );
      const { run, report } = await scan(
        { FAKE_TRIVY_FAULTS: 'hang;match=alpine' },
        '--trivy-path',
        wrapper,
        '--timeout',
        '2s',
      );
      expect(run.code, run.stderr).toBe(1);
      expect(report?.images.map((image) => [image.ref, image.verdict, image.error?.code])).toEqual([
        ['docker.io/library/alpine:3.9', 'unknown', 'timeout'],
      ]);
      const children = (await readFile(pidFile, 'utf8')).split('\n').filter(Boolean).map(Number);
      const hung = (await sandbox.log()).filter((entry) => entry.hanging).map((entry) => entry.pid);
      expect(children.length).toBeGreaterThan(0);
      expect(await survivors([...children, ...hung])).toEqual([]);
    },
  );
});

describe("Trivy's report", () => {
  it(
    'a 560 MB report is cut at the 64 MiB cap: the image is unknown, blocked, in bounded memory',
    { timeout: 180_000 },
    async () => {
      await repoWith('ghcr.io/acme/huge:1');
      const rss = join(sandbox.dir, 'rss.mjs');
      await writeFile(
        rss,
        "process.on('exit', () => process.stderr.write(`maxRSS ${process.resourceUsage().maxRSS}\\n`));\n",
      );
      const { run, report } = await scan({ NODE_OPTIONS: `--import=${rss}` });
      expect(run.code, run.stderr).toBe(1);
      expect(report?.images[0]).toMatchObject({
        verdict: 'unknown',
        error: {
          code: 'invalid-output',
          message: expect.stringContaining('larger than the limit of 67108864 bytes'),
        },
      });
      const kib = Number(/maxRSS (\d+)/.exec(run.stderr)?.[1]);
      expect(kib).toBeGreaterThan(0);
      expect(kib).toBeLessThan(1024 * 1024);
    },
  );

  it(
    'a report naming another image than the one asked for is refused: unknown, blocked',
    { timeout: 90_000 },
    async () => {
      await repoWith('ghcr.io/acme/stale:2');
      const { run, report } = await scan();
      expect(run.code, run.stderr).toBe(1);
      expect(report?.images[0]?.error?.message).toBe(
        'Trivy\'s report is about "ghcr.io/acme/stale:1", not ghcr.io/acme/stale:2; its findings are not used.',
      );
    },
  );
});

describe('registry credentials', () => {
  it(
    'go only to scans of the registries named with --registry-credentials',
    { timeout: 90_000 },
    async () => {
      await repoWith('ghcr.io/acme/app:1', 'attacker.example.com/x:1');
      const credentials = { TRIVY_USERNAME: 'octocat', TRIVY_PASSWORD: 'ghs_not-for-attackers-1234' };
      const { run } = await scan(credentials, '--registry-credentials', 'ghcr.io');
      expect(run.code, run.stderr).toBe(0);
      const envOf = async (image: string) =>
        (await sandbox.scans()).find((entry) => entry.image === image)?.trivyEnv;
      expect(await envOf('ghcr.io/acme/app:1')).toEqual(
        expect.arrayContaining(['TRIVY_PASSWORD', 'TRIVY_USERNAME']),
      );
      const attacker = await envOf('attacker.example.com/x:1');
      expect(attacker).toBeDefined();
      expect(attacker?.filter((name) => name === 'TRIVY_PASSWORD' || name === 'TRIVY_USERNAME')).toEqual([]);
      expect(run.stderr.match(/not given to Trivy for images of attacker\.example\.com/g)).toHaveLength(1);
    },
  );

  it('without --registry-credentials no registry gets them', { timeout: 90_000 }, async () => {
    await repoWith('attacker.example.com/x:1');
    const { run } = await scan({ TRIVY_USERNAME: 'octocat', TRIVY_PASSWORD: 'ghs_not-for-attackers-1234' });
    expect(run.code, run.stderr).toBe(0);
    for (const entry of await sandbox.log()) expect(entry.trivyEnv).not.toContain('TRIVY_PASSWORD');
  });
});

describe('report files', () => {
  it.runIf(process.getuid?.() === 0)(
    'on a full disk (64 KiB tmpfs) the report fails with exit 2 and leaves no partial .tmp file',
    { timeout: 90_000 },
    async () => {
      await repoWith('alpine:3.9');
      const tiny = await mountTinyTmpfs(64);
      expect(tiny, 'mounting a tmpfs as root').toBeDefined();
      try {
        await writeFile(join(tiny!.dir, 'filler'), Buffer.alloc(60 * 1024));
        const run = await runCli(
          ['scan', '.', '--no-cache', '--quiet', '--format', `json=${join(tiny!.dir, 'sluice.json')}`],
          sandbox.env(),
          repo.root,
        );
        expect(run.code).toBe(2);
        expect(run.stderr).toMatch(/cannot write .*sluice\.json: .*ENOSPC/);
        expect(await readdir(tiny!.dir)).toEqual(['filler']);
      } finally {
        await tiny?.unmount();
      }
    },
  );
});
