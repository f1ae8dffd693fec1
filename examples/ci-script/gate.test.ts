import { readFile, writeFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { helmBinary, repoPath } from '@sluice/test-utils';
import { describe, expect, it } from 'vitest';
import { gateRepository, writeCiOutputs } from './gate.js';

describe('the CI script example', () => {
  it('blocks the example repository and writes SARIF pointing at the overlay line', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'sluice-ci-script-'));
    const images = join(folder, 'images.json');
    await writeFile(
      images,
      JSON.stringify({
        'ghcr.io/aquasecurity/trivy-test-images:alpine-39': 'alpine-39.json.golden',
        'ghcr.io/aquasecurity/trivy-test-images:sle-micro-rancher-5.4_ndb': 'sl-micro-rancher5.4.json.golden',
        'ghcr.io/aquasecurity/trivy-test-images:ubuntu-1804': 'ubuntu-1804.json.golden',
        'ghcr.io/aquasecurity/trivy-test-images:distroless-base': 'distroless-base.json.golden',
      }),
    );
    const report = await gateRepository(repoPath('examples/flux-repo'), {
      trivyPath: repoPath('internal/fake-trivy/trivy'),
      env: { PATH: process.env.PATH, FAKE_TRIVY_IMAGES: images, HOME: folder },
      cache: false,
      // The docs HelmRelease's chart is committed in the example: rendered offline with the real helm.
      helm: { helm: await helmBinary(3), offline: true, cacheDir: join(folder, 'charts') },
      // As in the example's sluice.config.yaml: the stand-in has no report for the gate's own
      // scanner image, so its missing scan only warns.
      policy: { overrides: [{ images: ['ghcr.io/sluice-dev/sluice'], onScanError: 'warn' }] },
    });
    expect(report.verdict).toBe('blocked');
    expect(
      report.objects.filter((object) => object.status !== 'pass').map((object) => [object.id, object.status]),
    ).toEqual([
      // Offline, the app-template chart is not in the chart cache: unknown, failing closed.
      ['HelmRelease/apps/blog', 'unknown'],
      ['Kustomization/flux-system/apps', 'blocked'],
      ['Kustomization/flux-system/monitoring', 'blocked-upstream'],
      ['Kustomization/flux-system/sluice-gate', 'unknown'],
    ]);
    expect(report.scanner).toMatchObject({ name: 'trivy', version: '0.74.0' });

    expect(await writeCiOutputs(report, folder)).toBe(1);
    const sarif = await readFile(join(folder, 'sluice.sarif'), 'utf8');
    expect(sarif).toContain('"uri": "apps/production/kustomization.yaml"');
    expect(await readFile(join(folder, 'sluice.md'), 'utf8')).toContain('Kustomization/flux-system/apps');
  });
});
