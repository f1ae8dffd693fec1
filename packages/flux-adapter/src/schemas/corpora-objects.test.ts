// Every Flux object written in the corpora reads with its schema, or fails with a precise reason.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseYaml } from '@sluice/core';
import { repoPath } from '@sluice/test-utils';
import { describe, expect, it } from 'vitest';
import { yamlFiles } from '../__fixtures__/yaml-files.js';
import { readFluxObject } from './flux-object.js';

const CORPORA = repoPath('fixtures/corpora');

async function readCorpus(corpus: string): Promise<{ counts: Record<string, number>; invalid: string[] }> {
  const root = join(CORPORA, corpus);
  const counts: Record<string, number> = {};
  const invalid: string[] = [];
  for (const file of await yamlFiles(root)) {
    for (const document of parseYaml(await readFile(join(root, file), 'utf8'), file).documents) {
      const result = readFluxObject(document.value);
      if (result.status === 'flux') counts[result.object.kind] = (counts[result.object.kind] ?? 0) + 1;
      if (result.status === 'invalid')
        invalid.push(`${file}:${document.line} ${result.kind} ${result.name}: ${result.reason}`);
    }
  }
  return { counts, invalid };
}

// A patch document is a partial object: the API server would refuse it for its missing fields.
const PARTIAL_HELM_RELEASE =
  'HelmRelease podinfo: spec.chart.spec.chart: is required; spec.chart.spec.sourceRef: is required; spec.interval: is required: the API server refuses it';

describe('Flux objects of the corpora', () => {
  it('joryirving-home-ops: every object reads', async () => {
    const { counts, invalid } = await readCorpus('joryirving-home-ops');
    expect(invalid).toEqual([]);
    expect(counts).toEqual({ Kustomization: 253, HelmRelease: 161, OCIRepository: 162, GitRepository: 1 });
  });

  it.each([
    [
      'flux2-kustomize-helm-example',
      { ArtifactGenerator: 2, Kustomization: 6, HelmRelease: 3, HelmRepository: 1, OCIRepository: 2 },
    ],
    ['flux2-kustomize-helm-example-pre-2.7', { Kustomization: 6, HelmRelease: 3, HelmRepository: 3 }],
  ] as const)(
    '%s: objects read; only the partial HelmRelease patch documents are reported',
    async (corpus, expected) => {
      const { counts, invalid } = await readCorpus(corpus);
      expect(counts).toEqual(expected);
      expect(invalid).toEqual([
        `apps/production/podinfo-values.yaml:1 ${PARTIAL_HELM_RELEASE}`,
        `apps/staging/podinfo-values.yaml:1 ${PARTIAL_HELM_RELEASE}`,
      ]);
    },
  );

  it('flux2-multi-tenancy: only the partial tenant patch documents are reported', async () => {
    const { counts, invalid } = await readCorpus('flux2-multi-tenancy');
    expect(counts).toEqual({ Kustomization: 8, GitRepository: 1, OCIRepository: 1 });
    expect(invalid).toEqual([
      'tenants/production/dev-team-patch.yaml:1 Kustomization dev-team: spec.interval: is required; spec.prune: is required; spec.sourceRef: is required: the API server refuses it',
      'tenants/staging/dev-team-patch.yaml:1 Kustomization dev-team: spec.interval: is required; spec.prune: is required; spec.sourceRef: is required: the API server refuses it',
    ]);
  });

  it('flux2-multi-tenancy-dev-team: legacy v2beta1 HelmReleases read', async () => {
    const { counts, invalid } = await readCorpus('flux2-multi-tenancy-dev-team');
    expect(counts).toEqual({ HelmRelease: 1, HelmRepository: 1 });
    expect(invalid).toEqual([
      `production/podinfo-values.yaml:1 ${PARTIAL_HELM_RELEASE}`,
      `staging/podinfo-values.yaml:1 ${PARTIAL_HELM_RELEASE}`,
    ]);
  });

  it('reports an unsupported API version and a missing name', () => {
    expect(
      readFluxObject({
        apiVersion: 'kustomize.toolkit.fluxcd.io/v9',
        kind: 'Kustomization',
        metadata: { name: 'a' },
      }),
    ).toEqual({
      status: 'invalid',
      kind: 'Kustomization',
      name: 'a',
      reason: 'unsupported API version kustomize.toolkit.fluxcd.io/v9 for Kustomization',
    });
    expect(
      readFluxObject({
        apiVersion: 'helm.toolkit.fluxcd.io/v2',
        kind: 'HelmRelease',
        metadata: {},
        spec: {},
      }),
    ).toMatchObject({
      status: 'invalid',
      reason: 'metadata.name is missing',
    });
    expect(readFluxObject({ apiVersion: 'apps/v1', kind: 'Deployment' })).toEqual({ status: 'other' });
  });
});
