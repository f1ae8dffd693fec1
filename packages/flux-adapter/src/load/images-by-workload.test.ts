import { repoPath } from '@sluice/test-utils';
import { describe, expect, it } from 'vitest';
import { groupImagesByWorkload, hasFluxWorkloads } from './images-by-workload.js';
import { loadFluxRepository } from './load-flux-repository.js';

const FIXTURE = repoPath('packages/flux-adapter/src/__fixtures__/repo');

describe('groupImagesByWorkload', () => {
  it('groups images per Kustomization and HelmRelease, unresolved ones with their reason', async () => {
    const report = groupImagesByWorkload(await loadFluxRepository(FIXTURE));
    expect(report.summary).toEqual({ workloads: 5, unresolved: 1, images: 9 });
    expect(
      report.workloads.map((workload) => [workload.id, workload.images.map((image) => image.ref)]),
    ).toEqual([
      [
        'HelmRelease/web/api',
        [
          'docker.io/library/postgres:16',
          'ghcr.io/acme/api:4.2.0@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
        ],
      ],
      [
        'Kustomization/flux-system/apps',
        [
          'docker.io/envoyproxy/envoy:v1.30.0',
          'docker.io/library/alpine:3.20',
          'docker.io/library/busybox:1.36',
          'ghcr.io/acme/web:2.0.0',
          'ghcr.io/acme/worker:3.1.4',
        ],
      ],
      ['Kustomization/flux-system/flux-system', []],
      [
        'Kustomization/flux-system/infra',
        [
          'docker.io/library/busybox:1.36',
          'docker.io/library/redis:7.2',
          'quay.io/prometheus/blackbox-exporter:v0.25.0',
        ],
      ],
      ['Kustomization/flux-system/remote', []],
    ]);
    expect(report.workloads.find((workload) => workload.name === 'remote')).toMatchObject({
      method: 'unresolved',
      unresolvedReason: expect.stringContaining('not mapped'),
    });
    // A location deployed by two Kustomizations names both.
    const busybox = report.images.find((image) => image.ref === 'docker.io/library/busybox:1.36');
    expect(busybox?.locations.map((location) => location.fluxObjects)).toEqual([
      ['Kustomization/flux-system/apps'],
      ['Kustomization/flux-system/infra'],
    ]);
  });
});

describe('hasFluxWorkloads', () => {
  it('tells a Flux repository from plain manifests', async () => {
    expect(await hasFluxWorkloads(FIXTURE)).toBe(true);
    expect(await hasFluxWorkloads(repoPath('packages/flux-adapter/src/__fixtures__/repo/infra'))).toBe(false);
  });
});
