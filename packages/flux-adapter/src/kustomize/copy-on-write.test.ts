import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTree } from '@sluice/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceTree } from '../source/source-tree.js';
import { Provenance } from './provenance.js';
import { builtinRenderer } from './renderer.js';
import type { KResource, YamlMap } from './resource.js';
import { openFolderTree } from '../__fixtures__/folder-tree.js';

// A base folder whose own kustomization labels every object and copies a ConfigMap value into
// the Deployment, a Deployment whose labels are a YAML alias shared with its selector, a Job
// whose template metadata is an alias of its metadata, and a folder without a kustomization file
// (nothing writes its objects).
const FILES = {
  'base/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - app.yaml
labels:
  - pairs:
      team: web
replacements:
  - source:
      kind: ConfigMap
      name: settings
      fieldPath: data.tag
    targets:
      - select:
          kind: Deployment
        fieldPaths:
          - metadata.annotations.tag
        options:
          create: true
`,
  'base/app.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  tag: "7"
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: &labels
    app: web
spec:
  selector:
    matchLabels: *labels
  template:
    metadata:
      labels: *labels
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:1.0.0
`,
  'aliased/job.yaml': `apiVersion: batch/v1
kind: Job
metadata: &meta
  name: once
spec:
  template:
    metadata: *meta
    spec:
      containers:
        - name: app
          image: ghcr.io/acme/once:1
`,
  'plain/pod.yaml': `apiVersion: v1
kind: Pod
metadata:
  name: lone
spec:
  containers:
    - name: app
      image: ghcr.io/acme/lone:1
`,
};

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sluice-copy-on-write-'));
  await writeTree(root, FILES);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function openTree(): Promise<SourceTree> {
  return openFolderTree(root);
}

function byKind(resources: readonly KResource[], kind: string): YamlMap {
  const found = resources.find((resource) => resource.object.kind === kind);
  if (!found) throw new Error(`no ${kind} in the build`);
  return found.object;
}

function containerOf(deployment: YamlMap): YamlMap {
  const template = (deployment.spec as YamlMap).template as YamlMap;
  return ((template.spec as YamlMap).containers as YamlMap[])[0] as YamlMap;
}

describe('copy-on-write kustomize builds', () => {
  it('builds one folder through two Kustomizations with different transformers, and never changes the parse cache', async () => {
    const tree = await openTree();
    const provenance = new Provenance();
    const renderer = builtinRenderer();
    const cached = (await tree.parse('base/app.yaml'))?.documents.map((document) => document.value);
    const before = structuredClone(cached);

    const first = await renderer.render({
      tree,
      path: 'base',
      provenance,
      overlay: {
        targetNamespace: 'team-a',
        images: [{ name: 'ghcr.io/acme/web', newTag: '2.0.0' }],
        patches: [
          {
            patch: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n',
          },
        ],
      },
    });
    const second = await renderer.render({
      tree,
      path: 'base',
      provenance,
      overlay: {
        targetNamespace: 'team-b',
        patches: [
          {
            target: { kind: 'Deployment' },
            patch:
              '- op: replace\n  path: /spec/template/spec/containers/0/image\n  value: ghcr.io/acme/web:9\n',
          },
        ],
      },
    });
    expect(first.diagnostics).toEqual([]);
    expect(second.diagnostics).toEqual([]);

    const firstDeployment = byKind(first.resources, 'Deployment');
    expect(firstDeployment.metadata).toEqual({
      name: 'web',
      namespace: 'team-a',
      labels: { app: 'web', team: 'web' },
      annotations: { tag: '7' },
    });
    expect(firstDeployment.spec).toMatchObject({ replicas: 3, selector: { matchLabels: { app: 'web' } } });
    expect(containerOf(firstDeployment).image).toBe('ghcr.io/acme/web:2.0.0');
    expect(byKind(first.resources, 'ConfigMap').metadata).toEqual({
      name: 'settings',
      namespace: 'team-a',
      labels: { team: 'web' },
    });

    const secondDeployment = byKind(second.resources, 'Deployment');
    expect(secondDeployment.metadata).toEqual({
      name: 'web',
      namespace: 'team-b',
      labels: { app: 'web', team: 'web' },
      annotations: { tag: '7' },
    });
    expect(secondDeployment.spec).not.toHaveProperty('replicas');
    expect(containerOf(secondDeployment).image).toBe('ghcr.io/acme/web:9');
    expect(byKind(second.resources, 'ConfigMap').metadata).toEqual({
      name: 'settings',
      namespace: 'team-b',
      labels: { team: 'web' },
    });

    // The cached parse is the file as written, and it is what a third build starts from.
    expect((await tree.parse('base/app.yaml'))?.documents.map((document) => document.value)).toEqual(before);
    const third = await renderer.render({ tree, path: 'base', provenance });
    expect(containerOf(byKind(third.resources, 'Deployment')).image).toBe('ghcr.io/acme/web:1.0.0');
    expect(byKind(third.resources, 'Deployment').metadata).toEqual({
      name: 'web',
      labels: { app: 'web', team: 'web' },
      annotations: { tag: '7' },
    });
    // Copies answer positions as the file does.
    expect(provenance.originOf(containerOf(byKind(third.resources, 'Deployment')), 'image')).toEqual({
      file: 'base/app.yaml',
      line: 23,
      column: 18,
      documentIndex: 1,
    });
  });

  it('hands out the cached objects themselves when nothing writes them', async () => {
    const tree = await openTree();
    const provenance = new Provenance();
    const cached = (await tree.parse('plain/pod.yaml'))?.documents[0]?.value;
    const result = await builtinRenderer().render({ tree, path: 'plain', provenance });
    expect(result.resources.map((resource) => resource.object)).toEqual([cached]);
    expect(result.resources[0]?.object).toBe(cached);
    const namespaced = await builtinRenderer().render({
      tree,
      path: 'plain',
      provenance,
      overlay: { targetNamespace: 'apps' },
    });
    const pod = namespaced.resources[0]?.object;
    expect(pod).not.toBe(cached);
    expect(pod?.metadata).toEqual({ name: 'lone', namespace: 'apps' });
    // Only what the namespace transformer wrote was copied: the spec is still the cached one.
    expect(pod?.spec).toBe((cached as YamlMap).spec);
    expect(cached).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'lone' },
      spec: { containers: [{ name: 'app', image: 'ghcr.io/acme/lone:1' }] },
    });
  });

  it('writes one path of a YAML alias without showing through the other, as kustomize expands aliases', async () => {
    const tree = await openTree();
    const cached = (await tree.parse('aliased/job.yaml'))?.documents[0]?.value as YamlMap;
    const result = await builtinRenderer().render({
      tree,
      path: 'aliased',
      provenance: new Provenance(),
      overlay: { targetNamespace: 'jobs' },
    });
    const job = result.resources[0]?.object as YamlMap;
    expect(job.metadata).toEqual({ name: 'once', namespace: 'jobs' });
    // The template's metadata is the file's (kubectl kustomize gives no namespace there).
    expect(((job.spec as YamlMap).template as YamlMap).metadata).toEqual({ name: 'once' });
    expect(cached.metadata).toEqual({ name: 'once' });
    expect(((cached.spec as YamlMap).template as YamlMap).metadata).toBe(cached.metadata);
  });
});
