// Every Flux Kustomization and HelmRelease of every corpus is listed, with its images or the
// precise reason why they are unknown; nothing written in the repository is silently dropped.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseYaml } from '@sluice/core';
import { repoPath } from '@sluice/test-utils';
import { describe, expect, it } from 'vitest';
import { readFluxObject } from '../schemas/flux-object.js';
import { loadFluxRepository } from './load-flux-repository.js';

const CORPORA = repoPath('fixtures/corpora');

async function writtenWorkloads(root: string, dir = ''): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(join(root, dir), { withFileTypes: true })) {
    const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) found.push(...(await writtenWorkloads(root, path)));
    else if (/\.ya?ml$/.test(entry.name)) {
      for (const document of parseYaml(await readFile(join(root, path), 'utf8'), path).documents) {
        const result = readFluxObject(document.value);
        if (
          result.status === 'flux' &&
          (result.object.kind === 'Kustomization' || result.object.kind === 'HelmRelease')
        ) {
          found.push(`${result.object.kind}/${result.object.name}`);
        }
      }
    }
  }
  return found;
}

const EXPECTED = {
  // Values only (no chart rendered): podinfo's `redis: {repository, tag}` is found (as Renovate's
  // helm-values manager finds it); its chart-default images need the chart (helm-corpora.test.ts).
  'flux2-kustomize-helm-example': {
    clusters: 2,
    Kustomization: 8,
    HelmRelease: 6,
    rendered: 8,
    values: 2,
    unresolved: 4,
    images: 1,
  },
  'flux2-kustomize-helm-example-pre-2.7': {
    clusters: 2,
    Kustomization: 8,
    HelmRelease: 6,
    rendered: 8,
    values: 2,
    unresolved: 4,
    images: 1,
  },
  'flux2-multi-tenancy': {
    clusters: 2,
    Kustomization: 12,
    HelmRelease: 0,
    rendered: 8,
    values: 0,
    unresolved: 4,
    images: 0,
  },
  'flux2-multi-tenancy-dev-team': {
    clusters: 2,
    Kustomization: 2,
    HelmRelease: 2,
    rendered: 2,
    values: 0,
    unresolved: 2,
    images: 0,
  },
  'joryirving-home-ops': {
    clusters: 3,
    Kustomization: 256,
    HelmRelease: 212,
    rendered: 252,
    // A value that sets only `image.repository` leaves the tag to the chart: unknown, never `:latest`
    // (dragonfly-operator, coredns ×3, rook-ceph).
    values: 107,
    unresolved: 109,
    images: 131,
  },
} as const;

describe('every workload of every corpus', () => {
  it.each(Object.entries(EXPECTED))('%s', async (corpus, expected) => {
    const root = join(CORPORA, corpus);
    const repo = await loadFluxRepository(root);
    const count = (predicate: (workload: (typeof repo.workloads)[number]) => boolean): number =>
      repo.workloads.filter(predicate).length;
    expect({
      clusters: repo.clusters?.length,
      Kustomization: count((workload) => workload.kind === 'Kustomization'),
      HelmRelease: count((workload) => workload.kind === 'HelmRelease'),
      rendered: count((workload) => workload.method === 'rendered'),
      values: count((workload) => workload.method === 'values'),
      unresolved: count((workload) => workload.method === 'unresolved'),
      images: repo.images.length,
    }).toEqual(expected);
    // No silent drops: every object written in the repository is listed.
    const listed = repo.workloads.map((workload) => `${workload.kind}/${workload.name}`);
    // A name holding a variable (`runner-${CLUSTER}`) is listed with the variable substituted.
    const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const isListed = (id: string): boolean => {
      const pattern = new RegExp(
        `^${id
          .split(/\$\{[^}]*\}/)
          .map(escape)
          .join('.+')}$`,
      );
      return listed.some((candidate) => pattern.test(candidate));
    };
    expect((await writtenWorkloads(root)).filter((id) => !isListed(id))).toEqual([]);
    // Every unresolved workload says why; every image location is tied to a Flux object.
    expect(
      repo.workloads.filter((workload) => workload.method === 'unresolved' && !workload.unresolvedReason),
    ).toEqual([]);
    for (const image of repo.images)
      for (const location of image.locations) expect(location.fluxObjects?.length).toBeGreaterThan(0);
    // Every diagnostic has a file and line.
    expect(repo.diagnostics.filter((diagnostic) => !diagnostic.file || !diagnostic.line)).toEqual([]);
  });

  it('flux2-kustomize-helm-example: ExternalArtifacts assembled by the ArtifactGenerator', async () => {
    const repo = await loadFluxRepository(join(CORPORA, 'flux2-kustomize-helm-example'));
    const production = repo.workloads.filter((workload) => workload.cluster === 'clusters/production');
    expect(production.find((workload) => workload.name === 'apps')).toMatchObject({
      source: 'ExternalArtifact/flux-system/apps',
      path: 'production',
      method: 'rendered',
    });
    // apps/production patches the base HelmRelease (reached through the artifact's base/ copy).
    expect(
      production.find((workload) => workload.id === 'clusters/production:HelmRelease/podinfo/podinfo'),
    ).toMatchObject({
      parent: 'clusters/production:Kustomization/flux-system/apps',
      chart: 'podinfo@>=1.0.0',
      file: 'apps/base/podinfo/release.yaml',
    });
    expect(production.find((workload) => workload.name === 'infra-configs')).toMatchObject({
      source: 'ExternalArtifact/flux-system/infrastructure',
      path: 'configs',
    });
  });

  it('joryirving-home-ops: children inherit the parent patches and substitutions', async () => {
    const repo = await loadFluxRepository(join(CORPORA, 'joryirving-home-ops'));
    const radarr = repo.workloads.filter(
      (workload) => workload.name === 'radarr' && workload.kind === 'Kustomization',
    );
    expect(
      radarr.map((workload) => [workload.id, workload.cluster, workload.parent, workload.method]),
    ).toEqual([
      [
        'kubernetes/clusters/main:Kustomization/downloads/radarr',
        'kubernetes/clusters/main',
        'kubernetes/clusters/main:Kustomization/flux-system/cluster-apps',
        'rendered',
      ],
    ]);
    const image = repo.images.find((entry) =>
      entry.ref.startsWith('ghcr.io/joryirving/radarr:6.4.1.10545@sha256:'),
    );
    expect(image?.locations).toMatchObject([
      {
        file: 'kubernetes/apps/base/downloads/radarr/helmrelease.yaml',
        line: 28,
        column: 27,
        raw: 'ghcr.io/joryirving/radarr',
        kind: 'HelmRelease',
        namespace: 'downloads',
        container: 'app',
        fluxObjects: ['kubernetes/clusters/main:HelmRelease/downloads/radarr'],
      },
    ]);
    // The runner scale set is named after the cluster through the parent's `CLUSTER` variable.
    expect(
      repo.workloads
        .filter((workload) => workload.name.startsWith('home-ops-runner-'))
        .map((workload) => workload.name),
    ).toEqual(expect.arrayContaining(['home-ops-runner-main']));
  });
});
