import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoPath } from '@sluice/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSandbox, FAKE_TRIVY } from './__fixtures__/fake-trivy.js';
import { loadTrivyReports, outcomeFromReport } from './load-reports.js';
import { scanImages } from './runner.js';

const DIGEST = `sha256:${'c'.repeat(64)}`;
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-reports-'));
  await mkdir(join(dir, 'nested'));
  // As made by `trivy image --format json` from a tar archive: matched by RepoTags.
  await copyFile(repoPath('fixtures/trivy/alpine-39.json.golden'), join(dir, 'alpine-39.json'));
  // A registry scan: ArtifactName and RepoDigests.
  const centos = JSON.parse(
    await readFile(repoPath('fixtures/trivy/centos-7.json.golden'), 'utf8'),
  ) as Record<string, unknown> & {
    Metadata: Record<string, unknown>;
  };
  centos.ArtifactName = 'quay.io/centos/centos:7';
  centos.Metadata.RepoDigests = [`quay.io/centos/centos@${DIGEST}`];
  await writeFile(join(dir, 'nested', 'centos.json'), JSON.stringify(centos));
  await writeFile(join(dir, 'notes.json'), '{"hello": "world"}');
  await writeFile(join(dir, 'broken.json'), '{');
  await writeFile(join(dir, 'README.md'), 'not json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadTrivyReports', () => {
  it('reads reports recursively and reports other JSON files as diagnostics', async () => {
    const set = await loadTrivyReports(dir);
    expect(set.reports.map((entry) => entry.file)).toEqual(['alpine-39.json', 'nested/centos.json']);
    expect(set.diagnostics.map((diagnostic) => [diagnostic.file, diagnostic.code])).toEqual([
      ['broken.json', 'invalid-trivy-report'],
      ['notes.json', 'invalid-trivy-report'],
    ]);
  });

  it('matches images by RepoTags, ArtifactName and RepoDigests', async () => {
    const set = await loadTrivyReports(dir);
    expect(set.find('ghcr.io/aquasecurity/trivy-test-images:alpine-39')?.file).toBe('alpine-39.json');
    expect(set.find('quay.io/centos/centos:7')?.file).toBe('nested/centos.json');
    expect(set.find(`quay.io/centos/centos@${DIGEST}`)?.file).toBe('nested/centos.json');
    expect(set.find('mirror.example.com/centos:7', DIGEST)?.file).toBe('nested/centos.json');
    expect(set.find('alpine:3.9')).toBeUndefined();
    const outcome = outcomeFromReport('quay.io/centos/centos:7', set.find('quay.io/centos/centos:7')!);
    expect(outcome).toMatchObject({
      status: 'ok',
      source: 'report',
      digest: DIGEST,
      scanner: { name: 'trivy', version: 'dev' },
    });
    expect(outcome.status === 'ok' && outcome.findings).toHaveLength(3);
  });

  it('answers a batch from reports, scanning only the images no report matches', async () => {
    const sandbox = await createSandbox();
    try {
      const common = {
        trivyPath: FAKE_TRIVY,
        trivyCacheDir: sandbox.trivyCacheDir,
        cache: false as const,
        env: sandbox.env(),
      };
      const outcomes = await scanImages(
        ['quay.io/centos/centos:7', 'ghcr.io/aquasecurity/trivy-test-images:alpine-39', 'alpine:3.10'],
        { ...common, reports: dir },
      );
      expect(outcomes.map((outcome) => [outcome.ref, outcome.status === 'ok' && outcome.source])).toEqual([
        ['alpine:3.10', 'scan'],
        ['ghcr.io/aquasecurity/trivy-test-images:alpine-39', 'report'],
        ['quay.io/centos/centos:7', 'report'],
      ]);
      expect((await sandbox.scans()).map((scan) => scan.image)).toEqual(['alpine:3.10']);
      const strict = await scanImages(['alpine:3.10'], { ...common, reports: dir, scanUnmatched: false });
      expect(strict[0]).toMatchObject({ status: 'error', error: { code: 'not-found' }, attempts: 0 });
    } finally {
      await sandbox.cleanup();
    }
  });
});
