import { repoPath } from '@sluice/test-utils';
import { describe, expect, it } from 'vitest';
import { loadFluxRepository } from '../load/load-flux-repository.js';
import { chartArguments, helmTemplateRenderer } from './helm-template-renderer.js';

const FAKE_HELM = repoPath('packages/flux-adapter/src/__fixtures__/fake-helm/helm');

describe('helmTemplateRenderer', () => {
  it('builds chart arguments for HelmRepository (https and oci) and OCIRepository charts', () => {
    const base = { id: 'HelmRelease/a/b', releaseName: 'b', namespace: 'a', values: {} };
    expect(
      chartArguments({
        ...base,
        chart: {
          name: 'podinfo',
          version: '6.x',
          sourceKind: 'HelmRepository',
          sourceId: 'x',
          url: 'https://charts.example.com',
        },
      }),
    ).toEqual({
      args: ['podinfo', '--repo', 'https://charts.example.com', '--version', '6.x'],
    });
    expect(
      chartArguments({
        ...base,
        chart: { name: 'podinfo', sourceKind: 'HelmRepository', sourceId: 'x', url: 'oci://ghcr.io/charts/' },
      }),
    ).toEqual({
      args: ['oci://ghcr.io/charts/podinfo'],
    });
    expect(
      chartArguments({
        ...base,
        chart: {
          version: '4.2.0',
          sourceKind: 'OCIRepository',
          sourceId: 'x',
          url: 'oci://ghcr.io/bjw-s-labs/helm/app-template',
        },
      }),
    ).toEqual({
      args: ['oci://ghcr.io/bjw-s-labs/helm/app-template', '--version', '4.2.0'],
    });
    expect(
      chartArguments({
        ...base,
        chart: { name: 'c', sourceKind: 'GitRepository', sourceId: 'GitRepository/a/b', url: 'https://git' },
      }),
    ).toEqual({
      error: 'charts from a GitRepository are not rendered',
    });
    expect(
      chartArguments({
        ...base,
        chart: { name: 'c', sourceKind: 'HelmRepository', sourceId: 'HelmRepository/a/b' },
      }),
    ).toMatchObject({
      error: expect.stringContaining('not written in the repository'),
    });
  });

  it('finds chart-default images through helm template (method helm-template)', async () => {
    const repo = await loadFluxRepository(repoPath('fixtures/corpora/flux2-kustomize-helm-example-pre-2.7'), {
      helmRenderer: helmTemplateRenderer({ helm: FAKE_HELM }),
      entries: ['clusters/production'],
    });
    const podinfo = repo.workloads.find((workload) => workload.id === 'HelmRelease/podinfo/podinfo');
    expect(podinfo?.method).toBe('helm-template');
    expect(podinfo?.images.map((image) => image.ref)).toEqual(['example.com/rendered/podinfo:__1.0.0']);
    expect(podinfo?.images[0]?.locations[0]).toMatchObject({
      kind: 'Deployment',
      name: 'podinfo',
      fluxObjects: ['HelmRelease/podinfo/podinfo'],
    });
  });

  it('reports a chart helm cannot render and keeps the values images', async () => {
    const renderer = helmTemplateRenderer({ helm: FAKE_HELM });
    const result = await renderer.render({
      id: 'HelmRelease/a/b',
      releaseName: 'b',
      namespace: 'a',
      values: {},
      chart: {
        name: 'broken',
        sourceKind: 'HelmRepository',
        sourceId: 'x',
        url: 'https://charts.example.com',
      },
    });
    expect(result).toEqual({ error: 'Error: chart "broken" not found' });
  });
});
