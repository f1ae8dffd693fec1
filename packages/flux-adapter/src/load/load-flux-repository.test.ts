import { repoPath } from '@sluice/test-utils';
import { describe, expect, it } from 'vitest';
import type { ImageLocation } from '@sluice/core';
import { loadFluxRepository } from './load-flux-repository.js';
import type { FluxLoadEvent } from './context.js';

const FIXTURE = repoPath('packages/flux-adapter/src/__fixtures__/repo');

function locationOf(repo: Awaited<ReturnType<typeof loadFluxRepository>>, ref: string): ImageLocation[] {
  return repo.images.find((image) => image.ref === ref)?.locations ?? [];
}

describe('loadFluxRepository', () => {
  it('lists every Kustomization and HelmRelease with parent, dependsOn, suspend and method', async () => {
    const repo = await loadFluxRepository(FIXTURE);
    expect(repo.clusters).toEqual(['clusters/dev']);
    expect(repo.workloads.map((workload) => [workload.id, workload.method, workload.parent ?? null])).toEqual(
      [
        ['HelmRelease/web/api', 'values', 'Kustomization/flux-system/apps'],
        ['Kustomization/flux-system/apps', 'rendered', 'Kustomization/flux-system/flux-system'],
        ['Kustomization/flux-system/flux-system', 'rendered', null],
        ['Kustomization/flux-system/infra', 'rendered', 'Kustomization/flux-system/flux-system'],
        ['Kustomization/flux-system/remote', 'unresolved', 'Kustomization/flux-system/flux-system'],
      ],
    );
    const apps = repo.workloads.find((workload) => workload.id === 'Kustomization/flux-system/apps');
    expect(apps?.dependsOn).toEqual([{ name: 'infra', file: 'clusters/dev/apps.yaml', line: 8 }]);
    expect(apps).toMatchObject({
      file: 'clusters/dev/apps.yaml',
      line: 1,
      path: 'apps/dev',
      source: 'GitRepository/flux-system/flux-system',
    });
    expect(repo.workloads.find((workload) => workload.name === 'infra')?.suspended).toBe(true);
    expect(repo.workloads.find((workload) => workload.name === 'flux-system')?.synthetic).toBe(true);
  });

  it('never guesses an unmapped source, and uses an explicit mapping', async () => {
    const unmapped = await loadFluxRepository(FIXTURE);
    const remote = unmapped.workloads.find((workload) => workload.name === 'remote');
    expect(remote?.unresolvedReason).toContain('OCIRepository/flux-system/remote-manifests is not mapped');
    const mapped = await loadFluxRepository(FIXTURE, {
      sources: { 'OCIRepository/flux-system/remote-manifests': 'infra' },
    });
    const resolved = mapped.workloads.find((workload) => workload.name === 'remote');
    expect(resolved?.unresolvedReason).toBe(
      'kustomization path not found: ./deploy does not exist in source OCIRepository/flux-system/remote-manifests',
    );
  });

  it('points each image at the text that produced it', async () => {
    const repo = await loadFluxRepository(FIXTURE);
    // The Flux Kustomization's images entry overrides the kustomization.yaml entry field-wise.
    expect(locationOf(repo, 'ghcr.io/acme/web:2.0.0')).toMatchObject([
      {
        file: 'clusters/dev/apps.yaml',
        line: 17,
        column: 15,
        raw: '2.0.0',
        kind: 'Deployment',
        namespace: 'web',
        name: 'web',
        container: 'web',
        fluxObjects: ['Kustomization/flux-system/apps'],
      },
    ]);
    // A substituted variable points at its definition (inline substitute, then a ConfigMap).
    expect(locationOf(repo, 'ghcr.io/acme/worker:3.1.4')).toMatchObject([
      { file: 'clusters/dev/apps.yaml', line: 20, column: 20, raw: '3.1.4' },
    ]);
    expect(locationOf(repo, 'docker.io/envoyproxy/envoy:v1.30.0')).toMatchObject([
      { file: 'clusters/dev/vars.yaml', line: 7, column: 16 },
    ]);
    // A container added by an inline strategic-merge patch points into the patch text.
    expect(locationOf(repo, 'docker.io/library/busybox:1.36')).toMatchObject([
      { file: 'apps/dev/kustomization.yaml', line: 27, column: 24, container: 'debug' },
      {
        file: 'infra/plain/nested/cron.yml',
        line: 13,
        column: 22,
        kind: 'CronJob',
        fluxObjects: ['Kustomization/flux-system/infra'],
      },
    ]);
    // A JSON 6902 patch of a component.
    expect(locationOf(repo, 'docker.io/library/alpine:3.20')).toMatchObject([
      { file: 'components/sidecar/kustomization.yaml', line: 11, column: 20, container: 'init' },
    ]);
    // HelmRelease values: app-template layout and a plain string.
    expect(
      locationOf(
        repo,
        'ghcr.io/acme/api:4.2.0@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
      ),
    ).toMatchObject([
      {
        file: 'apps/dev/release.yaml',
        line: 16,
        column: 27,
        raw: 'ghcr.io/acme/api',
        kind: 'HelmRelease',
        container: 'app',
        fieldPath: 'spec.values.controllers.api.containers.app.image',
        fluxObjects: ['HelmRelease/web/api'],
      },
    ]);
    expect(locationOf(repo, 'docker.io/library/postgres:16')).toMatchObject([
      { file: 'apps/dev/release.yaml', line: 19, column: 14 },
    ]);
    // A quoted value: the column is after the quote.
    expect(locationOf(repo, 'docker.io/library/redis:7.2')).toMatchObject([
      { file: 'infra/plain/redis.yaml', line: 11, column: 19 },
    ]);
  });

  it('generates a kustomization by Flux rules: recursive YAML, units, ignore files', async () => {
    const repo = await loadFluxRepository(FIXTURE);
    const infra = repo.workloads.find((workload) => workload.name === 'infra');
    expect(infra?.images.map((image) => image.ref)).toEqual([
      'docker.io/library/busybox:1.36',
      'docker.io/library/redis:7.2',
      'quay.io/prometheus/blackbox-exporter:v0.25.0',
    ]);
    const refs = repo.images.map((image) => image.ref);
    expect(refs).not.toContain('docker.io/library/never:1');
    expect(refs).not.toContain('docker.io/library/ignored:1');
  });

  it('reports an escaped variable left in an image, naming the Kustomization', async () => {
    const repo = await loadFluxRepository(FIXTURE);
    expect(repo.diagnostics).toEqual([
      expect.objectContaining({
        file: 'apps/base/web/deployment.yaml',
        line: 16,
        code: 'unresolved-variable',
        object: 'Kustomization/flux-system/apps',
        message: expect.stringContaining('NOT_A_VAR'),
      }),
    ]);
  });

  it('is deterministic and reports progress events', async () => {
    const events: FluxLoadEvent[] = [];
    const first = await loadFluxRepository(FIXTURE, { onEvent: (event) => events.push(event) });
    const second = await loadFluxRepository(FIXTURE);
    expect(JSON.stringify(first)).toBe(JSON.stringify(second));
    expect(
      events
        .filter((event) => event.type === 'rendered')
        .map((event) => (event.type === 'rendered' ? event.id : '')),
    ).toEqual(['Kustomization/flux-system/apps', 'Kustomization/flux-system/infra']);
    expect(events).toContainEqual({ type: 'entry', path: 'clusters/dev' });
  });

  it('honours an abort signal', async () => {
    await expect(loadFluxRepository(FIXTURE, { signal: AbortSignal.abort() })).rejects.toThrow();
  });

  it('throws a SluiceError for a missing root', async () => {
    await expect(loadFluxRepository(repoPath('does-not-exist'))).rejects.toMatchObject({
      code: 'SLUICE_ROOT_NOT_FOUND',
    });
  });
});
