import { repoPath } from '@sluice/test-utils';
import { describe, expect, it } from 'vitest';
import { loadFluxRepository } from './load-flux-repository.js';

const EDGE = repoPath('packages/flux-adapter/src/__fixtures__/edge');

describe('loadFluxRepository edge cases', () => {
  it('reads valuesFrom (values.yaml key, targetPath), post-renderer images and legacy API versions', async () => {
    const repo = await loadFluxRepository(EDGE);
    const api = repo.workloads.find((workload) => workload.id === 'HelmRelease/apps/api');
    expect(api).toMatchObject({
      method: 'values',
      chart: 'api@1.x',
      source: 'HelmRepository/apps/team',
      parent: 'Kustomization/flux-system/apps',
    });
    expect(
      api?.images.map((image) => [
        image.ref,
        image.locations[0]?.file,
        image.locations[0]?.line,
        image.locations[0]?.column,
        image.locations[0]?.fieldPath,
      ]),
    ).toEqual([
      // targetPath value, then rewritten by the post-renderer's images entry (newTag line).
      ['docker.io/library/nginx:1.28', 'apps/release.yaml', 31, 22, 'spec.values.sidecar.image'],
      // valuesFrom (a block scalar inside a ConfigMap) merged with spec.values, which sets the
      // tag: the location is the tag's line.
      ['registry.example.com/team/api:2.2', 'apps/release.yaml', 26, 13, 'spec.values.image'],
    ]);
    expect(repo.diagnostics).toContainEqual(
      expect.objectContaining({
        code: 'values-from-missing',
        file: 'apps/release.yaml',
        line: 22,
        object: 'HelmRelease/apps/api',
      }),
    );
  });

  it('skips objects with substitution disabled, and substitutes defaults with substituteStrategy Always', async () => {
    const repo = await loadFluxRepository(EDGE);
    expect(repo.diagnostics).toContainEqual(
      expect.objectContaining({
        code: 'unresolved-variable',
        file: 'apps/disabled.yaml',
        message: expect.stringContaining('NEVER_SUBSTITUTED'),
      }),
    );
    const plain = repo.workloads.find((workload) => workload.id === 'Kustomization/flux-system/plain');
    expect(plain?.images.map((image) => image.ref)).toEqual([
      'ghcr.io/acme/migrate:0.9',
      'ghcr.io/acme/seed:4.5.6',
    ]);
    // A variable from a generated ConfigMap points at its literal (after the `=`).
    expect(plain?.images[1]?.locations[0]).toMatchObject({
      file: 'cluster/vars/kustomization.yaml',
      line: 9,
      column: 18,
      raw: '4.5.6',
    });
    // A missing component is reported where the Flux Kustomization names it, unless ignored.
    expect(repo.diagnostics.filter((diagnostic) => diagnostic.code === 'component-missing')).toEqual([
      expect.objectContaining({
        file: 'cluster/sync.yaml',
        line: 14,
        column: 7,
        object: 'Kustomization/flux-system/apps',
      }),
    ]);
    // A variable nothing defines fails the build under strict substitution.
    expect(repo.diagnostics).toContainEqual(
      expect.objectContaining({
        code: 'undefined-variables',
        file: 'cluster/sync.yaml',
        object: 'Kustomization/flux-system/plain',
        message: expect.stringContaining('DATABASE_URL'),
      }),
    );
    // A missing optional substituteFrom is no diagnostic.
    expect(repo.diagnostics.filter((diagnostic) => diagnostic.code === 'substitute-from-missing')).toEqual(
      [],
    );
  });

  it('a substituteFrom Secret that only the cluster may hold makes the variables it could define unknown', async () => {
    const repo = await loadFluxRepository(EDGE);
    const apps = repo.workloads.find((workload) => workload.id === 'Kustomization/flux-system/apps');
    expect(apps?.method).toBe('rendered');
    // With the Secret in the cluster, Flux substitutes (TAG may come from it; else the default).
    expect(apps?.images.map((image) => image.ref)).toEqual(['ghcr.io/acme/defaulted:1.0']);
    expect(repo.diagnostics).toContainEqual(
      expect.objectContaining({
        code: 'variable-from-cluster',
        file: 'cluster/sync.yaml',
        object: 'Kustomization/flux-system/apps',
        message: expect.stringMatching(/uses TAG, which Secret flux-system\/maybe/),
      }),
    );
  });
});

describe('a flux bootstrap repository', () => {
  const BOOTSTRAP = repoPath('packages/flux-adapter/src/__fixtures__/bootstrap');

  it('uses the written root Kustomization (not synthetic) and its GitRepository spec.ignore', async () => {
    const repo = await loadFluxRepository(BOOTSTRAP);
    expect(repo.clusters).toEqual(['clusters/prod']);
    expect(
      repo.workloads.map((workload) => [
        workload.id,
        workload.parent ?? null,
        workload.synthetic ?? false,
        workload.file,
      ]),
    ).toEqual([
      [
        'Kustomization/flux-system/apps',
        'Kustomization/flux-system/flux-system',
        false,
        'clusters/prod/apps.yaml',
      ],
      ['Kustomization/flux-system/flux-system', null, false, 'clusters/prod/flux-system/gotk-sync.yaml'],
    ]);
    expect(repo.images.map((image) => image.ref)).toEqual(['ghcr.io/acme/app:1.0.0']);
    expect(repo.diagnostics).toEqual([]);
  });
});
