// A repository with two clusters: one graph per cluster, ids unique per repository, and the
// `cluster` option keeping one cluster's objects, images and diagnostics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSluiceError } from '@sluice/core';
import { deployment, fluxKustomization, tempFluxRepo } from '../__fixtures__/temp-repo.js';
import { buildDependencyGraph } from '../graph/build-dependency-graph.js';
import { loadFluxRepository } from './load-flux-repository.js';

let repo: { root: string; cleanup: () => Promise<void> };

beforeAll(async () => {
  const sync = (cluster: string): string =>
    [
      fluxKustomization('flux-system', `./clusters/${cluster}`),
      fluxKustomization('infra', './infra'),
      `${fluxKustomization('apps', `./apps/${cluster}`)}  dependsOn:\n    - name: infra\n`,
    ].join('---\n');
  repo = await tempFluxRepo({
    'clusters/dev/sync.yaml': sync('dev'),
    'clusters/prod/sync.yaml': sync('prod'),
    'infra/app.yaml': deployment('ghcr.io/sluice-test/infra:1.0.0', 'infra'),
    'apps/dev/app.yaml': deployment('ghcr.io/sluice-test/web:2.0.0-rc1', 'web'),
    'apps/prod/app.yaml': deployment('ghcr.io/sluice-test/web:1.9.0', 'web'),
    'apps/prod/broken.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x\n',
  });
});
afterAll(() => repo.cleanup());

describe('a repository with two clusters', () => {
  it('loads each object once per cluster, ids carrying the cluster', async () => {
    const loaded = await loadFluxRepository(repo.root);
    expect(loaded.clusters).toEqual(['clusters/dev', 'clusters/prod']);
    expect(loaded.workloads.map((workload) => [workload.id, workload.name, workload.parent ?? null])).toEqual(
      [
        [
          'clusters/dev:Kustomization/flux-system/apps',
          'apps',
          'clusters/dev:Kustomization/flux-system/flux-system',
        ],
        ['clusters/dev:Kustomization/flux-system/flux-system', 'flux-system', null],
        [
          'clusters/dev:Kustomization/flux-system/infra',
          'infra',
          'clusters/dev:Kustomization/flux-system/flux-system',
        ],
        [
          'clusters/prod:Kustomization/flux-system/apps',
          'apps',
          'clusters/prod:Kustomization/flux-system/flux-system',
        ],
        ['clusters/prod:Kustomization/flux-system/flux-system', 'flux-system', null],
        [
          'clusters/prod:Kustomization/flux-system/infra',
          'infra',
          'clusters/prod:Kustomization/flux-system/flux-system',
        ],
      ],
    );
    // The shared infra image is deployed by both clusters' infra Kustomizations.
    const infra = loaded.images.find((image) => image.ref === 'ghcr.io/sluice-test/infra:1.0.0');
    expect(infra?.locations.map((location) => location.fluxObjects)).toEqual([
      ['clusters/dev:Kustomization/flux-system/infra', 'clusters/prod:Kustomization/flux-system/infra'],
    ]);
    const graph = buildDependencyGraph(loaded.workloads);
    expect(
      graph.nodes.find((node) => node.id === 'clusters/prod:Kustomization/flux-system/apps')?.dependsOn,
    ).toEqual(['clusters/prod:Kustomization/flux-system/infra']);
  });

  it('keeps one cluster with the cluster option: its objects, images and diagnostics, same ids', async () => {
    const dev = await loadFluxRepository(repo.root, { cluster: './clusters/dev/' });
    expect(dev.clusters).toEqual(['clusters/dev']);
    expect(dev.workloads.every((workload) => workload.cluster === 'clusters/dev')).toBe(true);
    expect(dev.workloads).toHaveLength(3);
    expect(dev.images.map((image) => image.ref)).toEqual([
      'ghcr.io/sluice-test/infra:1.0.0',
      'ghcr.io/sluice-test/web:2.0.0-rc1',
    ]);
    expect(dev.images[0]?.locations[0]?.fluxObjects).toEqual([
      'clusters/dev:Kustomization/flux-system/infra',
    ]);
    // The syntax error is in a folder only production builds: reported for production only.
    const prod = await loadFluxRepository(repo.root, { cluster: 'clusters/prod' });
    expect(prod.diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.object])).toContainEqual([
      'yaml-syntax',
      'clusters/prod:Kustomization/flux-system/apps',
    ]);
    expect(dev.diagnostics.filter((diagnostic) => diagnostic.code === 'yaml-syntax')).toEqual([]);
  });

  it('refuses a cluster that is not an entry folder, naming the clusters', async () => {
    const error = await loadFluxRepository(repo.root, { cluster: 'clusters/staging' }).catch(
      (caught: unknown) => caught,
    );
    expect(isSluiceError(error, 'SLUICE_CLUSTER_NOT_FOUND')).toBe(true);
    expect((error as Error).message).toBe(
      'clusters/staging is not a cluster of the repository; its clusters (entry folders) are clusters/dev, clusters/prod',
    );
  });

  it('keeps plain ids in a repository with one cluster', async () => {
    const dev = await loadFluxRepository(repo.root, { entries: ['clusters/dev'] });
    // clusters/prod is no entry now: its objects are listed as not deployed, without a cluster.
    expect(dev.workloads.map((workload) => [workload.id, workload.cluster ?? null])).toEqual([
      ['Kustomization/flux-system/apps', null],
      ['Kustomization/flux-system/apps', 'clusters/dev'],
      ['Kustomization/flux-system/flux-system', null],
      ['Kustomization/flux-system/flux-system', 'clusters/dev'],
      ['Kustomization/flux-system/infra', null],
      ['Kustomization/flux-system/infra', 'clusters/dev'],
    ]);
  });
});
