import { repoPath } from '@sluice/test-utils';
import { describe, expect, it } from 'vitest';
import { RepoFiles } from '../source/repo-files.js';
import { SourceTree } from '../source/source-tree.js';
import { generateResourceList } from './load-resources.js';
import { Provenance } from './provenance.js';
import { builtinRenderer } from './renderer.js';
import type { YamlMap } from './resource.js';
import { openFolderTree } from '../__fixtures__/folder-tree.js';

const FIXTURE = repoPath('packages/flux-adapter/src/__fixtures__/repo');

async function fixtureTree(): Promise<SourceTree> {
  return openFolderTree(FIXTURE);
}

describe('builtinRenderer', () => {
  it('generates ConfigMaps from files with odd names, as objects with their origin', async () => {
    const provenance = new Provenance();
    const result = await builtinRenderer().render({
      tree: await fixtureTree(),
      path: 'apps/base/web',
      provenance,
    });
    const configMap = result.resources.find((resource) => resource.object.kind === 'ConfigMap');
    expect(configMap?.object).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'web-settings' },
      data: { 'settings file.yml': 'not: a kubernetes object\n' },
    });
    expect(provenance.originOf(configMap?.object.data as YamlMap, 'settings file.yml')).toEqual({
      file: 'apps/base/web/settings file.yml',
      line: 1,
      column: 1,
    });
    expect(result.consumed).toEqual([
      'apps/base/web/deployment.yaml',
      'apps/base/web/kustomization.yaml',
      'apps/base/web/settings file.yml',
    ]);
    expect(result.diagnostics).toEqual([]);
  });

  it("lists Flux's generated kustomization: YAML files recursively, folders with a kustomization as units", async () => {
    expect(await generateResourceList(await fixtureTree(), 'infra/plain')).toEqual([
      'infra/plain/nested/cron.yml',
      'infra/plain/redis.yaml',
      'infra/plain/unit',
    ]);
  });

  it('reports a missing resource where it is listed, and keeps building', async () => {
    const files = await RepoFiles.open(repoPath('packages/flux-adapter/src/__fixtures__'));
    const tree = new SourceTree('test', files, { mounts: [{ at: '', from: '' }] });
    const result = await builtinRenderer().render({ tree, path: 'broken', provenance: new Provenance() });
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        code: 'resource-missing',
        file: 'broken/kustomization.yaml',
        line: 3,
        column: 5,
        message: 'Resource ./missing.yaml not found',
      }),
      expect.objectContaining({
        code: 'path-outside-root',
        file: 'broken/kustomization.yaml',
        line: 4,
        message: 'Resource ../../../../../etc is outside the source root',
      }),
    ]);
    expect(result.resources.map((resource) => resource.object.kind)).toEqual(['Pod']);
  });
});
