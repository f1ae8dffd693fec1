import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

async function runSluice(
  args: string[],
  cwd = repo,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: {},
    cwd,
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

  it('sluice gate --write wires the gate in: the gate files and the dependsOn lines, nothing else; twice is once', async () => {
    const copy = await mkdtemp(join(tmpdir(), 'sluice-gate-write-'));
    try {
      await cp(repo, copy, { recursive: true, filter: (source) => !source.includes('node_modules') });
      // The example before `sluice gate --write`: no gate files, no dependsOn on the gate.
      await rm(join(copy, 'sluice-gate'), { recursive: true });
      await rm(join(copy, 'clusters/production/sluice-gate.yaml'));
      const edited = ['clusters/production/apps.yaml', 'clusters/production/infrastructure.yaml'];
      for (const file of edited) {
        const text = await readFile(join(copy, file), 'utf8');
        const stripped = text
          .replace(/^ *- name: sluice-gate\n/gm, '')
          .replace(/^ {2}dependsOn:\n(?! +- )/gm, '');
        expect(stripped, file).not.toContain('sluice-gate');
        await writeFile(join(copy, file), stripped);
      }
      const git = (...args: string[]): string =>
        execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {
          cwd: copy,
          encoding: 'utf8',
        });
      git('init', '-q');
      git('add', '-A');
      git('commit', '-qm', 'before');

      const first = await runSluice(['gate', '.', '--write', ...helmArgs], copy);
      expect(first.stderr).not.toContain('not edited');
      expect(first.code).toBe(0);
      expect(first.stderr).toContain(
        'sluice: added the gate to spec.dependsOn of Kustomization/flux-system/apps (clusters/production/apps.yaml)',
      );
      // git diff: the gate files and the dependsOn lines, nothing else; every file as committed in the example.
      expect(
        git('status', '--porcelain', '--untracked-files=all').split('\n').filter(Boolean).sort(),
      ).toEqual([
        ' M clusters/production/apps.yaml',
        ' M clusters/production/infrastructure.yaml',
        '?? clusters/production/sluice-gate.yaml',
        '?? sluice-gate/kustomization.yaml',
        '?? sluice-gate/scan-job.yaml',
      ]);
      const added = git('diff', '-U0')
        .split('\n')
        .filter((line) => /^[+-][^+-]/.test(line));
      expect(added).toEqual([
        '+    - name: sluice-gate',
        '+    - name: sluice-gate',
        '+  dependsOn:',
        '+    - name: sluice-gate',
      ]);
      for (const file of [...edited, 'clusters/production/sluice-gate.yaml', 'sluice-gate/scan-job.yaml']) {
        expect(await readFile(join(copy, file), 'utf8'), file).toBe(await readFile(join(repo, file), 'utf8'));
      }
      git('add', '-A');
      git('commit', '-qm', 'gate');
      const second = await runSluice(['gate', '.', '--write', ...helmArgs], copy);
      expect(second.code).toBe(0);
      expect(second.stderr).not.toContain('added the gate');
      expect(git('status', '--porcelain', '--untracked-files=all')).toBe('');
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });
});
