import { execFileSync, spawnSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
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

/** A copy of the example before `sluice gate --write` (no gate files, no dependsOn on the gate), committed in git. */
async function strippedExample(): Promise<{
  copy: string;
  git: (...args: string[]) => string;
  edited: string[];
}> {
  const copy = await mkdtemp(join(tmpdir(), 'sluice-gate-write-'));
  await cp(repo, copy, { recursive: true, filter: (source) => !source.includes('node_modules') });
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
  return { copy, git, edited };
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
    const { copy, git, edited } = await strippedExample();
    try {
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

  it('sluice gate --write --patch wires the gate in through one patch in the root Kustomization instead', async () => {
    const { copy, git } = await strippedExample();
    try {
      const first = await runSluice(['gate', '.', '--write', '--patch', ...helmArgs], copy);
      expect(first.code).toBe(0);
      expect(first.stderr).not.toContain('not edited');
      expect(first.stderr).not.toContain('must depend on the gate');
      expect(
        git('status', '--porcelain', '--untracked-files=all').split('\n').filter(Boolean).sort(),
      ).toEqual([
        ' M clusters/production/flux-system/gotk-sync.yaml',
        '?? clusters/production/sluice-gate.yaml',
        '?? sluice-gate/kustomization.yaml',
        '?? sluice-gate/scan-job.yaml',
      ]);
      expect(
        git('diff', '-U0')
          .split('\n')
          .filter((line) => /^[+-][^+-]/.test(line)),
      ).toEqual([
        '+  patches:',
        '+    - target:',
        '+        group: kustomize.toolkit.fluxcd.io',
        '+        kind: Kustomization',
        '+        name: "apps|monitoring"',
        '+      patch: |',
        '+        - op: add',
        '+          path: /spec/dependsOn/-',
        '+          value: {name: sluice-gate, namespace: flux-system}',
        '+    - target:',
        '+        group: kustomize.toolkit.fluxcd.io',
        '+        kind: Kustomization',
        '+        name: "infra-controllers"',
        '+      patch: |',
        '+        - op: add',
        '+          path: /spec/dependsOn',
        '+          value: [{name: sluice-gate, namespace: flux-system}]',
      ]);
      // Read as Flux would, every Kustomization that deploys images now waits for the gate.
      const repository = await loadFluxRepository(copy);
      for (const name of ['apps', 'infra-controllers', 'monitoring']) {
        const workload = repository.workloads.find((item) => item.id === `Kustomization/flux-system/${name}`);
        expect(
          workload?.dependsOn.map((entry) => entry.name),
          name,
        ).toContain('sluice-gate');
      }
      // Real kustomize applies the patches as Flux would (when kubectl is installed).
      if (spawnSync('kubectl', ['version', '--client']).status === 0) {
        const sync = yaml.loadAll(
          await readFile(join(copy, 'clusters/production/flux-system/gotk-sync.yaml'), 'utf8'),
        ) as { kind: string; spec: { patches?: unknown } }[];
        const wrapper = await mkdtemp(join(tmpdir(), 'sluice-gate-patch-'));
        const resources = ['apps.yaml', 'infrastructure.yaml'].map((name) =>
          relative(wrapper, join(copy, 'clusters/production', name)),
        );
        const patches = sync.find((doc) => doc.kind === 'Kustomization')?.spec.patches;
        await writeFile(join(wrapper, 'kustomization.yaml'), yaml.dump({ resources, patches }));
        const built = execFileSync(
          'kubectl',
          ['kustomize', '--load-restrictor', 'LoadRestrictionsNone', wrapper],
          {
            encoding: 'utf8',
          },
        );
        await rm(wrapper, { recursive: true, force: true });
        const dependsOn = Object.fromEntries(
          (
            yaml.loadAll(built) as { metadata: { name: string }; spec: { dependsOn?: { name: string }[] } }[]
          ).map((doc) => [doc.metadata.name, (doc.spec.dependsOn ?? []).map((entry) => entry.name)]),
        );
        expect(dependsOn).toEqual({
          apps: ['infra-configs', 'sluice-gate'],
          'infra-configs': ['infra-controllers'],
          'infra-controllers': ['sluice-gate'],
          monitoring: ['apps', 'sluice-gate'],
        });
      }
      git('add', '-A');
      git('commit', '-qm', 'gate');
      const second = await runSluice(['gate', '.', '--write', '--patch', ...helmArgs], copy);
      expect(second.code).toBe(0);
      expect(git('status', '--porcelain', '--untracked-files=all')).toBe('');
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });
});
