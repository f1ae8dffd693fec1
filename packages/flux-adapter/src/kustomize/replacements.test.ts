// kustomize's replacement copies the source node into each target (api/filters/replacement), so a
// later transformer that writes the source, or another target, does not write the target. Each
// case states kustomize's answer; where kubectl is installed, `kubectl kustomize` confirms it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseYaml } from '@sluice/core';
import { writeTree } from '@sluice/test-utils';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Provenance } from './provenance.js';
import { builtinRenderer } from './renderer.js';
import type { YamlMap } from './resource.js';
import { openFolderTree } from '../__fixtures__/folder-tree.js';

const kubectl = await execa('kubectl', ['version', '--client'], { reject: false }).catch(() => undefined);
const hasKubectl = kubectl?.exitCode === 0;

const FILES = {
  'base/kustomization.yaml': 'resources: [app.yaml]\n',
  'base/app.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:1
---
apiVersion: v1
kind: Pod
metadata: {name: p1}
spec: {containers: [{name: c, image: ghcr.io/acme/p:1}]}
`,
  'mid/kustomization.yaml': `resources: [../base]
replacements:
  - source: {kind: Deployment, fieldPath: spec.template.spec.containers.0}
    targets:
      - select: {kind: Pod}
        fieldPaths: [spec.containers.0]
`,
  'top/kustomization.yaml': `resources: [../mid]
patches:
  - target: {kind: Deployment}
    patch: |
      - op: replace
        path: /spec/template/spec/containers/0/image
        value: ghcr.io/acme/web:2
`,
};

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sluice-replacements-'));
  await writeTree(root, FILES);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function render(path: string) {
  const tree = await openFolderTree(root);
  const provenance = new Provenance();
  return { provenance, result: await builtinRenderer().render({ tree, path, provenance }) };
}

function containerOf(objects: readonly YamlMap[], kind: string): YamlMap {
  const object = objects.find((candidate) => candidate.kind === kind) as YamlMap;
  const spec = kind === 'Pod' ? object.spec : ((object.spec as YamlMap).template as YamlMap).spec;
  return ((spec as YamlMap).containers as YamlMap[])[0] as YamlMap;
}

describe('replacements copy the value into each target, as in kustomize', () => {
  it('a patch of the source after the replacement leaves the target as replaced', async () => {
    const { result } = await render('top');
    expect(result.diagnostics).toEqual([]);
    const objects = result.resources.map((resource) => resource.object);
    expect(containerOf(objects, 'Deployment').image).toBe('ghcr.io/acme/web:2');
    expect(containerOf(objects, 'Pod').image).toBe('ghcr.io/acme/web:1');
    if (hasKubectl) {
      const built = await execa('kubectl', ['kustomize', join(root, 'top')]);
      const oracle = parseYaml(built.stdout, 'out.yaml').documents.map(
        (document) => document.value as YamlMap,
      );
      expect(containerOf(oracle, 'Deployment').image).toBe('ghcr.io/acme/web:2');
      expect(containerOf(oracle, 'Pod').image).toBe('ghcr.io/acme/web:1');
    }
  });

  it('the copy in the target answers positions as the source', async () => {
    const { result, provenance } = await render('top');
    const objects = result.resources.map((resource) => resource.object);
    expect(provenance.originOf(containerOf(objects, 'Pod'), 'image')).toEqual({
      file: 'base/app.yaml',
      line: 10,
      column: 18,
      documentIndex: 0,
    });
  });
});
