import { makesUnknown } from '@sluice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { tempFluxRepo } from '../__fixtures__/temp-repo.js';
import { loadFluxRepository } from '../load/load-flux-repository.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('generator files given as URLs', () => {
  it('are remote (kustomize downloads them): the Kustomization is unknown, never "file missing"', async () => {
    const { root, cleanup } = await tempFluxRepo({
      'apps/kustomization.yaml': [
        'resources:',
        '  - good.yaml',
        'configMapGenerator:',
        '  - name: settings',
        '    files:',
        '      - https://example.com/settings.conf',
        '      - local=HTTP://example.com/other.conf',
        '    envs:',
        '      - https://example.com/app.env',
        '  - name: plain',
        '    literals: [a=b]',
        '',
      ].join('\n'),
    });
    cleanups.push(cleanup);
    const repo = await loadFluxRepository(root);
    const remote = repo.diagnostics.filter((diagnostic) => diagnostic.code === 'remote-resource');
    expect(remote.map((diagnostic) => [diagnostic.file, diagnostic.object, diagnostic.message])).toEqual([
      [
        'apps/kustomization.yaml',
        'Kustomization/flux-system/apps',
        expect.stringContaining('Generator file HTTP://example.com/other.conf is a URL'),
      ],
      [
        'apps/kustomization.yaml',
        'Kustomization/flux-system/apps',
        expect.stringContaining('Generator file https://example.com/app.env is a URL'),
      ],
      [
        'apps/kustomization.yaml',
        'Kustomization/flux-system/apps',
        expect.stringContaining('Generator file https://example.com/settings.conf is a URL'),
      ],
    ]);
    expect(remote.every(makesUnknown)).toBe(true);
    expect(repo.diagnostics.map((diagnostic) => diagnostic.code)).not.toContain('generator-file-missing');
    // The rest of the build goes on: its images are still found.
    const apps = repo.workloads.find((workload) => workload.id === 'Kustomization/flux-system/apps');
    expect(apps?.images.map((image) => image.ref)).toEqual(['ghcr.io/sluice-test/good:1.0.0']);
  });

  it('a file whose name only looks like a host stays a local file (kustomize loads only http(s) remotely)', async () => {
    const { root, cleanup } = await tempFluxRepo({
      'apps/kustomization.yaml': [
        'resources: [good.yaml]',
        'configMapGenerator:',
        '  - name: settings',
        '    files: [github.com/settings.conf]',
        '',
      ].join('\n'),
    });
    cleanups.push(cleanup);
    const repo = await loadFluxRepository(root);
    expect(repo.diagnostics.map((diagnostic) => diagnostic.code)).toContain('generator-file-missing');
    expect(repo.diagnostics.map((diagnostic) => diagnostic.code)).not.toContain('remote-resource');
  });
});
