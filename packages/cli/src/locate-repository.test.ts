import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fluxKustomization as kustomization, repoPath } from '@sluice/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findClusterFolder } from './locate-repository.js';
import { runInProcess } from './e2e/run-cli.js';

const example = repoPath('examples/flux-repo');

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'sluice-locate-'));
  // A git work tree whose cluster folder has no sync Kustomization of its own.
  await mkdir(join(work, 'git-repo', '.git'), { recursive: true });
  await mkdir(join(work, 'git-repo', 'clusters', 'prod'), { recursive: true });
  await mkdir(join(work, 'git-repo', 'apps', 'prod'), { recursive: true });
  await writeFile(
    join(work, 'git-repo', 'clusters', 'prod', 'apps.yaml'),
    kustomization('apps', './apps/prod'),
  );
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe('findClusterFolder', () => {
  it("finds the root a cluster folder's own sync Kustomization is relative to", async () => {
    expect(await findClusterFolder(join(example, 'clusters', 'production'))).toEqual({
      root: example,
      cluster: 'clusters/production',
      reason: 'its Flux Kustomization syncs ./clusters/production',
    });
  });

  it('finds the root of a FluxInstance cluster, whose Kustomization syncs a subfolder of it (home-ops)', async () => {
    const homeOps = repoPath('fixtures/corpora/joryirving-home-ops');
    expect(await findClusterFolder(join(homeOps, 'kubernetes', 'clusters', 'main'))).toEqual({
      root: homeOps,
      cluster: 'kubernetes/clusters/main',
      reason: 'its Flux Kustomization syncs ./kubernetes/clusters/main/flux-instance',
    });
  });

  it('reads a subfolder path that exists below the folder itself as relative to the folder', async () => {
    // `apps/podinfo` exists below `/…/apps`, but also as `/…/apps/apps/podinfo`: the folder is the root.
    await mkdir(join(work, 'own-root', 'apps', 'podinfo'), { recursive: true });
    await mkdir(join(work, 'own-root', 'apps', 'apps', 'podinfo'), { recursive: true });
    await writeFile(join(work, 'own-root', 'apps', 'sync.yaml'), kustomization('apps', './apps/podinfo'));
    expect(await findClusterFolder(join(work, 'own-root', 'apps'))).toBeUndefined();
    await rm(join(work, 'own-root', 'apps', 'apps'), { recursive: true });
    expect(await findClusterFolder(join(work, 'own-root', 'apps'))).toMatchObject({
      root: join(work, 'own-root'),
      cluster: 'apps',
    });
  });

  it('leaves a repository root as it is, even inside another git repository', async () => {
    expect(await findClusterFolder(example)).toBeUndefined();
    expect(await findClusterFolder(join(work, 'git-repo'))).toBeUndefined();
  });

  it('takes the nearest .git when the Kustomization paths are folders there and not below the folder', async () => {
    expect(await findClusterFolder(join(work, 'git-repo', 'clusters', 'prod'))).toEqual({
      root: join(work, 'git-repo'),
      cluster: 'clusters/prod',
      reason: 'its Flux Kustomization paths are folders of the git repository around it',
    });
    // Without a git repository around it, and without a sync Kustomization, nothing is guessed.
    await mkdir(join(work, 'loose', 'clusters', 'prod'), { recursive: true });
    await mkdir(join(work, 'loose', 'apps', 'prod'), { recursive: true });
    await writeFile(
      join(work, 'loose', 'clusters', 'prod', 'apps.yaml'),
      kustomization('apps', './apps/prod'),
    );
    expect(await findClusterFolder(join(work, 'loose', 'clusters', 'prod'))).toBeUndefined();
  });
});

describe('sluice images|scan CLUSTER-FOLDER', () => {
  it('reads the repository around a cluster folder, as `DIR --cluster PATH` does, and says so', async () => {
    const fromCluster = await runInProcess(['images', 'clusters/production', '--no-render'], {
      cwd: example,
    });
    const explicit = await runInProcess(['images', '.', '--cluster', 'clusters/production', '--no-render'], {
      cwd: example,
    });
    expect(fromCluster.code).toBe(0);
    expect(fromCluster.stdout).toBe(explicit.stdout);
    expect(fromCluster.stdout).toContain('apps/production/kustomization.yaml:12:13');
    expect(fromCluster.stderr).toContain(
      'sluice: clusters/production is a cluster of the repository at . (its Flux Kustomization syncs ./clusters/production): reading . --cluster clusters/production',
    );
    const fromInside = await runInProcess(['images', '.', '--no-render', '-q'], {
      cwd: join(example, 'clusters', 'production'),
    });
    expect(fromInside.stdout).toBe(explicit.stdout);
    expect(fromInside.stderr).not.toContain('is a cluster of the repository');
  });

  it('reads a FluxInstance cluster folder of home-ops as `. --cluster kubernetes/clusters/main`', async () => {
    const homeOps = repoPath('fixtures/corpora/joryirving-home-ops');
    const fromCluster = await runInProcess(['images', 'kubernetes/clusters/main', '--no-render', '-q'], {
      cwd: homeOps,
    });
    const explicit = await runInProcess(
      ['images', '.', '--cluster', 'kubernetes/clusters/main', '--no-render', '-q'],
      { cwd: homeOps },
    );
    expect(fromCluster.stdout).toBe(explicit.stdout);
    expect(fromCluster.code).toBe(explicit.code);
    expect(fromCluster.stdout).not.toContain('kustomization path not found');
    expect(fromCluster.stdout).toContain('Kustomization/flux-system/cluster-apps');
  });

  it('keeps an explicit --cluster as given (one way to choose a cluster)', async () => {
    const run = await runInProcess(['images', 'clusters/production', '--cluster', 'clusters/production'], {
      cwd: example,
    });
    expect(run.stderr).not.toContain('is a cluster of the repository');
    expect(run.code).toBe(2);
  });
});
