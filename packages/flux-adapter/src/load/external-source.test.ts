// A source served by a second checkout beside the repository (a tenant's repository): the
// person running Sluice maps it with an absolute path, and it is read as one system with the
// repository, from that checkout only.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoPath, writeTree } from '@sluice/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { deployment, fluxKustomization } from '../__fixtures__/temp-repo.js';
import type { FluxWorkload } from '../model.js';
import { loadFluxRepository } from './load-flux-repository.js';

const FLEET = repoPath('fixtures/corpora/flux2-multi-tenancy');
const TENANT = repoPath('fixtures/corpora/flux2-multi-tenancy-dev-team');
const DEV_TEAM = 'GitRepository/apps/dev-team';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

function summary(workloads: readonly FluxWorkload[]): unknown[] {
  return workloads.map((workload) => [
    workload.id,
    workload.method,
    workload.source,
    workload.path,
    workload.file,
    workload.parent,
    workload.chart,
  ]);
}

describe('a source mapped to a checkout outside the repository', () => {
  it('reads the multi-tenancy pair as one system: the tenant objects appear with their own source and files', async () => {
    const repo = await loadFluxRepository(FLEET, { sources: { [DEV_TEAM]: TENANT } });
    const tenant = repo.workloads.filter((workload) => workload.namespace === 'apps');
    expect(summary(tenant)).toEqual([
      [
        'clusters/production:HelmRelease/apps/podinfo',
        'unresolved',
        'HelmRepository/apps/podinfo',
        undefined,
        '../flux2-multi-tenancy-dev-team/base/podinfo-release.yaml',
        'clusters/production:Kustomization/apps/dev-team',
        // The production overlay of the tenant's repository sets the chart version.
        'podinfo@>=1.0.0',
      ],
      [
        'clusters/production:Kustomization/apps/dev-team',
        'rendered',
        DEV_TEAM,
        'production',
        'tenants/base/dev-team/sync.yaml',
        'clusters/production:Kustomization/flux-system/tenants',
        undefined,
      ],
      [
        'clusters/staging:HelmRelease/apps/podinfo',
        'unresolved',
        'HelmRepository/apps/podinfo',
        undefined,
        '../flux2-multi-tenancy-dev-team/base/podinfo-release.yaml',
        'clusters/staging:Kustomization/apps/dev-team',
        'podinfo@>=1.0.0-alpha',
      ],
      [
        'clusters/staging:Kustomization/apps/dev-team',
        'rendered',
        DEV_TEAM,
        'staging',
        'tenants/base/dev-team/sync.yaml',
        'clusters/staging:Kustomization/flux-system/tenants',
        undefined,
      ],
    ]);
    // Without the chart the release's images are unknown, and say so: never an empty pass.
    expect(tenant[0]?.unresolvedReason).toContain('need the chart rendered');
  });

  it('without the mapping, the tenant Kustomization says which mapping is missing', async () => {
    const repo = await loadFluxRepository(FLEET);
    const devTeam = repo.workloads.find(
      (workload) => workload.id === 'clusters/staging:Kustomization/apps/dev-team',
    );
    expect(devTeam?.method).toBe('unresolved');
    expect(devTeam?.unresolvedReason).toContain(`source ${DEV_TEAM} is not mapped`);
    expect(repo.workloads.some((workload) => workload.kind === 'HelmRelease')).toBe(false);
  });

  it('an absolute path inside the repository is the same mapping as its relative folder', async () => {
    const root = repoPath('fixtures/corpora');
    const relative = await loadFluxRepository(root, {
      entries: ['flux2-multi-tenancy/clusters/staging'],
      rootSource: 'GitRepository/flux-system/flux-system',
      sources: { [DEV_TEAM]: 'flux2-multi-tenancy-dev-team' },
    });
    const absolute = await loadFluxRepository(root, {
      entries: ['flux2-multi-tenancy/clusters/staging'],
      sources: { [DEV_TEAM]: TENANT },
    });
    expect(absolute).toEqual(relative);
    expect(relative.workloads.find((workload) => workload.id === 'HelmRelease/apps/podinfo')?.file).toBe(
      'flux2-multi-tenancy-dev-team/base/podinfo-release.yaml',
    );
  });

  it('never reads outside the checkout: links are dropped, paths that climb out refused', async () => {
    const top = await mkdtemp(join(tmpdir(), 'sluice-external-'));
    cleanups.push(() => rm(top, { recursive: true, force: true }));
    const tenantSource = [
      'apiVersion: source.toolkit.fluxcd.io/v1',
      'kind: GitRepository',
      'metadata: {name: tenant, namespace: flux-system}',
      'spec: {interval: 1m, url: "https://example.com/tenant", ref: {branch: main}}',
      '',
    ].join('\n');
    const tenantSync = (name: string, path: string): string =>
      fluxKustomization(name, path).replace('name: flux-system\n', 'name: tenant\n');
    await writeTree(top, {
      'fleet/clusters/dev/sync.yaml': [
        fluxKustomization('flux-system', './clusters/dev'),
        tenantSource,
        tenantSync('tenant-apps', './apps'),
        tenantSync('tenant-escape', '../outside'),
      ].join('---\n'),
      'tenant/apps/kustomization.yaml': 'resources: [app.yaml, linked.yaml, ../../outside]\n',
      'tenant/apps/app.yaml': deployment('ghcr.io/tenant/app:1.0.0', 'app'),
      'tenant/apps/linked.yaml': { symlink: '../../outside/secret.yaml' },
      'outside/secret.yaml': deployment('ghcr.io/outside/secret:6.6.6', 'secret'),
      'outside/kustomization.yaml': 'resources: [secret.yaml]\n',
    });
    const repo = await loadFluxRepository(join(top, 'fleet'), {
      sources: { 'GitRepository/flux-system/tenant': join(top, 'tenant') },
    });
    expect(repo.images.map((image) => image.ref)).toEqual(['ghcr.io/tenant/app:1.0.0']);
    const apps = repo.workloads.find((workload) => workload.id === 'Kustomization/flux-system/tenant-apps');
    expect(apps?.images[0]?.locations[0]).toMatchObject({ file: '../tenant/apps/app.yaml', line: 15 });
    const codes = repo.diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.file]);
    expect(codes).toContainEqual(['symlink-dropped', '../tenant/apps/linked.yaml']);
    expect(codes).toContainEqual(['path-outside-root', '../tenant/apps/kustomization.yaml']);
    const escape = repo.workloads.find(
      (workload) => workload.id === 'Kustomization/flux-system/tenant-escape',
    );
    expect(escape?.unresolvedReason).toBe('spec.path ../outside leaves the source root');
  });

  it('refuses a mapping to a folder that does not exist, naming the source', async () => {
    await expect(
      loadFluxRepository(FLEET, { sources: { [DEV_TEAM]: join(TENANT, 'missing') } }),
    ).rejects.toMatchObject({
      code: 'SLUICE_INVALID_SOURCE_MAPPING',
      message: expect.stringContaining(`Source ${DEV_TEAM} is mapped to`),
    });
  });
});
