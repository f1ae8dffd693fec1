import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { main } from '@sluice/cli';
import { loadFluxRepository } from '@sluice/flux-adapter';
import { helmBinary } from '@sluice/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('.', import.meta.url));
// The docs HelmRelease's chart is committed in the example: rendered with the real helm, offline.
let helmArgs: string[] = [];
beforeAll(async () => {
  helmArgs = ['--helm-path', await helmBinary(3), '--offline'];
});

async function runSluice(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: {},
    cwd: repo,
  });
  return { code, stdout, stderr };
}

describe('the example Flux repository', () => {
  it('commits exactly the in-cluster gate that `sluice gate` generates for it', async () => {
    const { code, stdout } = await runSluice(['gate', '.', ...helmArgs]);
    expect(code).toBe(0);
    const files = stdout.split(/^---\n(?=# )/m).map((chunk) => {
      const [header = '', ...rest] = chunk.split('\n');
      return { path: header.replace(/^# /, ''), content: rest.join('\n') };
    });
    expect(files.map((file) => file.path)).toEqual([
      'sluice-gate/kustomization.yaml',
      'sluice-gate/scan-job.yaml',
      'clusters/production/sluice-gate.yaml',
    ]);
    for (const file of files) {
      expect(await readFile(new URL(file.path, `file://${repo}`), 'utf8'), file.path).toBe(file.content);
    }
    // The scan Job scans the chart's default images too (the docs HelmRelease's chart).
    expect(stdout).toContain('ghcr.io/aquasecurity/trivy-test-images:distroless-base');
    expect(stdout).toContain('ghcr.io/aquasecurity/trivy-test-images:alpine-310');
  });

  it('makes every Kustomization that deploys images wait for the gate', async () => {
    const repository = await loadFluxRepository(repo);
    const withImages = repository.workloads.filter(
      (workload) =>
        workload.kind === 'Kustomization' && workload.images.length > 0 && workload.name !== 'sluice-gate',
    );
    expect(withImages.map((workload) => workload.name).sort()).toEqual([
      'apps',
      'infra-controllers',
      'monitoring',
    ]);
    for (const workload of withImages) {
      expect(
        workload.dependsOn.map((entry) => entry.name),
        workload.id,
      ).toContain('sluice-gate');
    }
  });

  it('demonstrates a blocked app, a blocked dependent and passing objects from the recorded reports', async () => {
    const { code, stdout, stderr } = await runSluice([
      'scan',
      '.',
      '--trivy-reports',
      'trivy-reports',
      '--format',
      'json',
      ...helmArgs,
    ]);
    expect(stderr).toContain('using the Trivy reports in trivy-reports');
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as {
      objects: { id: string; status: string }[];
      images: { ref: string; locations: { file: string; line: number; chart?: object }[] }[];
    };
    expect(Object.fromEntries(report.objects.map((object) => [object.id, object.status]))).toEqual({
      // The app-template chart is not in the chart cache (offline): unknown, failing closed.
      'HelmRelease/apps/blog': 'unknown',
      // Its chart's default images, rendered from charts/docs-site, pass.
      'HelmRelease/apps/docs': 'pass',
      'Kustomization/flux-system/apps': 'blocked',
      'Kustomization/flux-system/flux-system': 'pass',
      'Kustomization/flux-system/infra-configs': 'pass',
      'Kustomization/flux-system/infra-controllers': 'pass',
      'Kustomization/flux-system/monitoring': 'blocked-upstream',
      'Kustomization/flux-system/sluice-gate': 'unknown',
    });
    const site = report.images.find((image) => image.ref.endsWith(':distroless-base'));
    expect(site?.locations).toEqual([
      expect.objectContaining({
        file: 'apps/base/docs/release.yaml',
        line: 12,
        chart: { name: 'docs-site', version: '0.4.0', template: 'docs-site/templates/deployment.yaml' },
      }),
    ]);
  });
});
