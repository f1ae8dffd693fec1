import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fakeTrivyEnv, pathWithoutTrivy, runCli, temporaryFolder } from './run-cli.js';

const EXAMPLE = 'examples/flux-repo';
const HOME_OPS = 'fixtures/corpora/joryirving-home-ops';

/** `sluice images DIR -f json`, then `sluice scan --images-from` of that file and `sluice scan DIR`. */
async function scanBothWays(dir: string, images: Record<string, unknown>, extra: string[] = []) {
  const folder = await temporaryFolder();
  const imagesFile = join(folder, 'images.json');
  const listing = await runCli(['images', dir, '--format', `json=${imagesFile}`]);
  expect(listing.code, listing.stderr).toBe(0);
  const env = await fakeTrivyEnv(images);
  const common = ['--format', 'json', '--no-cache', '-j', '4', ...extra];
  const fromRepository = await runCli(['scan', dir, ...common], { env });
  const fromFile = await runCli(['scan', '--images-from', imagesFile, ...common], { env });
  return { fromRepository, fromFile, imagesFile };
}

describe('sluice scan --images-from', () => {
  it('decides on the example repository exactly as a scan of the folder: the same report', async () => {
    const { fromRepository, fromFile, imagesFile } = await scanBothWays(
      EXAMPLE,
      {
        'ghcr.io/aquasecurity/trivy-test-images:alpine-39': 'alpine-39.json.golden',
        'ghcr.io/aquasecurity/trivy-test-images:sle-micro-rancher-5.4_ndb': 'sl-micro-rancher5.4.json.golden',
        'ghcr.io/aquasecurity/trivy-test-images:ubuntu-1804': 'ubuntu-1804.json.golden',
      },
      // Without a folder nothing is looked for: the policy is named.
      ['--config', `${EXAMPLE}/sluice.config.yaml`],
    );
    expect(fromRepository.code).toBe(1);
    expect(fromFile.code).toBe(1);
    expect(fromFile.stdout).toBe(fromRepository.stdout);
    const file = JSON.parse(await readFile(imagesFile, 'utf8')) as { version: number; mode: string };
    expect(file).toMatchObject({ version: 1, mode: 'flux' });
    // Compressed as a large gate ConfigMap holds it, the same file gives the same report.
    const compressed = `${imagesFile}.gz`;
    await writeFile(compressed, gzipSync(await readFile(imagesFile)));
    const env = await fakeTrivyEnv({
      'ghcr.io/aquasecurity/trivy-test-images:alpine-39': 'alpine-39.json.golden',
      'ghcr.io/aquasecurity/trivy-test-images:sle-micro-rancher-5.4_ndb': 'sl-micro-rancher5.4.json.golden',
      'ghcr.io/aquasecurity/trivy-test-images:ubuntu-1804': 'ubuntu-1804.json.golden',
    });
    const fromGzip = await runCli(
      [
        'scan',
        '--images-from',
        compressed,
        '--format',
        'json',
        '--no-cache',
        '--config',
        `${EXAMPLE}/sluice.config.yaml`,
      ],
      { env },
    );
    expect(fromGzip.stdout).toBe(fromRepository.stdout);
  }, 120_000);

  it('decides on the home-ops corpus exactly as a scan of the folder', async () => {
    const { fromRepository, fromFile } = await scanBothWays(HOME_OPS, { '*': 'alpine-310.json.golden' });
    expect(fromRepository.code).toBe(1);
    expect(fromFile.code).toBe(1);
    const report = JSON.parse(fromFile.stdout) as { images: unknown[]; objects: { status: string }[] };
    expect(report.images.length).toBeGreaterThan(100);
    expect(new Set(report.objects.map((object) => object.status)).size).toBeGreaterThan(1);
    expect(fromFile.stdout).toBe(fromRepository.stdout);
  }, 180_000);

  it('refuses a bad images file with its line, and a folder given as well', async () => {
    const folder = await temporaryFolder();
    const bad = join(folder, 'images.json');
    await writeFile(
      bad,
      '{\n  "version": 1,\n  "mode": "helm",\n  "workloads": [],\n  "images": [],\n  "diagnostics": []\n}\n',
    );
    const run = await runCli(['scan', '--images-from', bad]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/images\.json:3: mode: /);
    const both = await runCli(['scan', EXAMPLE, '--images-from', bad]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('give either a folder');
  }, 60_000);
});

describe('sluice scan --termination-log', () => {
  it('writes the verdict line, or why the scanner could not run (exit 3)', async () => {
    const folder = await temporaryFolder();
    const message = join(folder, 'termination-log');
    const env = await fakeTrivyEnv();
    const blocked = await runCli(['scan', EXAMPLE, '--no-cache', '--termination-log', message], { env });
    expect(blocked.code).toBe(1);
    const verdict = await readFile(message, 'utf8');
    // One line: the same closing line as on stderr.
    expect(verdict).toMatch(/^sluice: blocked: [^\n]*\d+ images?[^\n]*\n$/);
    expect(blocked.stderr).toContain(verdict.trim());

    const missing = await runCli(['scan', EXAMPLE, '--no-cache', '--termination-log', message], {
      env: { ...env, PATH: pathWithoutTrivy() },
    });
    expect(missing.code).toBe(3);
    expect(await readFile(message, 'utf8')).toMatch(/^sluice: error: trivy was not found\b[^\n]*\n$/);
  }, 120_000);
});
