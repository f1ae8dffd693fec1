// How the runner runs Trivy: its own process group (a timeout reaches a wrapper's children), an
// empty private working directory, stdout read as it arrives with a size cap, and a report that
// must name the image asked for.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isProcessAlive } from '@sluice/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSandbox, sandboxOptions, summarize, writeWrapperScript } from './__fixtures__/fake-trivy.js';
import type { Sandbox } from './__fixtures__/fake-trivy.js';
import { scanImages } from './runner.js';

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await createSandbox();
});
afterEach(async () => {
  await sandbox.cleanup();
});

async function pidsIn(file: string): Promise<number[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).map(Number);
}

/** The processes still running among `pids`, after giving the kernel a moment to reap them. */
async function stillRunning(pids: readonly number[]): Promise<number[]> {
  for (let tries = 0; tries < 20 && pids.some(isProcessAlive); tries += 1) await sleep(50);
  return pids.filter(isProcessAlive);
}

describe('Trivy in its own process group', () => {
  it('finishes when Trivy exits even though a wrapper child keeps stdout open, and stops that child', async () => {
    const pidFile = join(sandbox.dir, 'children.pids');
    const wrapper = await writeWrapperScript(sandbox.dir, pidFile);
    const outcomes = await scanImages(
      ['alpine:3.9'],
      sandboxOptions(sandbox, { trivyPath: wrapper, cache: false, scanTimeoutMs: 120_000 }),
    );
    expect(summarize(outcomes)).toEqual([['alpine:3.9', 'scan', 6]]);
    const children = await pidsIn(pidFile);
    // The DB update, the version query and the scan each went through the wrapper.
    expect(children.length).toBeGreaterThanOrEqual(2);
    expect(await stillRunning(children)).toEqual([]);
  });

  it('times out a hanging Trivy behind a wrapper and leaves no process of the group running', async () => {
    const pidFile = join(sandbox.dir, 'children.pids');
    const wrapper = await writeWrapperScript(sandbox.dir, pidFile);
    const outcomes = await scanImages(
      ['alpine:3.9'],
      sandboxOptions(
        sandbox,
        { trivyPath: wrapper, cache: false, scanTimeoutMs: 1500, retries: 0 },
        { FAKE_TRIVY_FAULTS: 'hang;match=alpine' },
      ),
    );
    expect(summarize(outcomes)).toEqual([['alpine:3.9', 'timeout', 1]]);
    const hung = (await sandbox.invocations()).filter((entry) => entry.hanging);
    expect(hung).toHaveLength(1);
    expect(await stillRunning([...(await pidsIn(pidFile)), ...hung.map((entry) => entry.pid)])).toEqual([]);
  });
});

describe('what Trivy prints', () => {
  it('stops reading a report past maxReportBytes, fails the image closed, and stops Trivy', async () => {
    const images = join(sandbox.dir, 'images.json');
    await writeFile(
      images,
      JSON.stringify({
        'ghcr.io/acme/huge:1': { report: 'alpine-39.json.golden', inflateBytes: 40_000_000 },
      }),
    );
    const outcomes = await scanImages(
      ['ghcr.io/acme/huge:1', 'alpine:3.9'],
      sandboxOptions(
        sandbox,
        { cache: false, retries: 0, maxReportBytes: 4 * 1024 * 1024 },
        { FAKE_TRIVY_IMAGES: images },
      ),
    );
    expect(summarize(outcomes)).toEqual([
      ['alpine:3.9', 'scan', 6],
      ['ghcr.io/acme/huge:1', 'invalid-output', 1],
    ]);
    const huge = outcomes.find((outcome) => outcome.ref === 'ghcr.io/acme/huge:1');
    expect(huge?.status === 'error' && huge.error.message).toBe(
      "Trivy's report is larger than the limit of 4194304 bytes (maxReportBytes); not read.",
    );
    // The stand-in was stopped mid-write (SIGTERM), not left to print 40 MB.
    const scan = (await sandbox.scans()).find((entry) => entry.image === 'ghcr.io/acme/huge:1');
    expect(scan?.signal).toBe('SIGTERM');
  });

  it('refuses a report about another image than the one asked for', async () => {
    const images = join(sandbox.dir, 'images.json');
    await writeFile(
      images,
      JSON.stringify({
        'ghcr.io/acme/app:2': { report: 'alpine-distroless.json.golden', artifactName: 'ghcr.io/acme/app:1' },
      }),
    );
    const outcomes = await scanImages(
      ['ghcr.io/acme/app:2'],
      sandboxOptions(sandbox, { cache: false, retries: 2 }, { FAKE_TRIVY_IMAGES: images }),
    );
    expect(summarize(outcomes)).toEqual([['ghcr.io/acme/app:2', 'invalid-output', 1]]);
    expect(outcomes[0]?.status === 'error' && outcomes[0].error.message).toBe(
      'Trivy\'s report is about "ghcr.io/acme/app:1", not ghcr.io/acme/app:2; its findings are not used.',
    );
  });

  it("runs Trivy in an empty private folder, never in the caller's, and removes it", async () => {
    await scanImages(['alpine:3.9', 'alpine:3.10'], sandboxOptions(sandbox, { cache: false }));
    const folders = (await sandbox.invocations()).map((entry) => entry.cwd);
    expect(folders.length).toBeGreaterThanOrEqual(3);
    for (const folder of folders) {
      expect(folder).toBeDefined();
      expect(folder).not.toBe(process.cwd());
      expect(existsSync(folder!)).toBe(false);
    }
    expect(new Set(folders).size).toBe(folders.length);
  });
});
