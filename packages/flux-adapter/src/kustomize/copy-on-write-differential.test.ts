// Copy-on-write builds share the parse cache between the builds of a run. kustomize builds each
// Flux Kustomization on its own, so every build of a shared run must equal the same build made
// alone (fresh tree and provenance), in both orders and again afterwards.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTree } from '@sluice/test-utils';
import { expect, it } from 'vitest';
import type { SourceTree } from '../source/source-tree.js';
import { Provenance } from './provenance.js';
import { builtinRenderer } from './renderer.js';
import type { KustomizeOverlay } from './build.js';
import { openFolderTree } from '../__fixtures__/folder-tree.js';

const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  template:
    metadata:
      labels: {app: web}
    spec:
      initContainers:
        - name: init
          image: busybox:1
      containers:
        - name: web
          image: ghcr.io/acme/web:1
          args: [a, b]
          env:
            - {name: A, value: "1"}
        - name: side
          image: ghcr.io/acme/side:1
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {tag: "7", nested: "x"}
---
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Pod
    metadata: {name: p1}
    spec: {containers: [{name: c, image: ghcr.io/acme/p:1}]}
  - apiVersion: v1
    kind: Pod
    metadata: {name: p2}
    spec: {containers: [{name: c, image: ghcr.io/acme/p:1}]}
`;
const FILES: Record<string, string> = {
  'base/kustomization.yaml': 'resources: [app.yaml]\n',
  'base/app.yaml': DEPLOY,
  'mid/kustomization.yaml': `resources: [../base]
namePrefix: mid-
replacements:
  - source: {kind: Deployment, fieldPath: spec.template.spec.containers.0.env}
    targets:
      - select: {kind: Pod}
        fieldPaths: [spec.containers.0.env]
        options: {create: true}
  - source: {kind: ConfigMap, fieldPath: data.tag}
    targets:
      - select: {kind: Deployment}
        fieldPaths:
          - spec.template.spec.containers.[name=side].image
        options: {delimiter: ':', index: 1}
patches:
  - target: {kind: Deployment}
    patch: |
      - op: move
        from: /spec/template/spec/containers/1
        path: /spec/template/spec/containers/0
      - op: add
        path: /spec/template/spec/containers/1/args/-
        value: c
configMapGenerator:
  - name: settings
    behavior: merge
    literals: [tag=8]
`,
  'diamond/kustomization.yaml': 'resources: [../a, ../b]\n',
  'a/kustomization.yaml': `resources: [../base]
namePrefix: a-
patches:
  - patch: |
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        template:
          spec:
            containers:
              - name: web
                image: ghcr.io/acme/web:A
              - $patch: delete
                name: side
`,
  'b/kustomization.yaml': `resources: [../base]
namePrefix: b-
images:
  - {name: ghcr.io/acme/web, newTag: B}
patches:
  - target: {kind: Pod, name: p1}
    patch: |
      - op: replace
        path: /spec/containers/0/image
        value: ghcr.io/acme/p:B
  - target: {kind: ConfigMap}
    patch: |
      - op: remove
        path: /data/nested
`,
  'comp/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
patches:
  - target: {kind: Deployment}
    patch: |
      - op: copy
        from: /spec/template/spec/containers/0
        path: /spec/template/spec/initContainers/-
`,
};
const OVERLAYS: [string, KustomizeOverlay][] = [
  ['base', {}],
  ['base', { targetNamespace: 'x', images: [{ name: 'busybox', newTag: '9' }] }],
  [
    'base',
    {
      patches: [
        {
          target: { kind: 'Deployment' },
          patch: '- op: remove\n  path: /spec/template/spec/containers/0/args/0\n',
        },
      ],
    },
  ],
  ['base', { components: ['../comp'], namePrefix: 'c-' }],
  ['mid', {}],
  [
    'mid',
    {
      targetNamespace: 'y',
      patches: [
        {
          patch:
            'apiVersion: v1\nkind: Pod\nmetadata: {name: mid-p2}\nspec:\n  containers:\n    - name: c\n      image: ghcr.io/acme/p:Z\n',
        },
      ],
    },
  ],
  ['diamond', {}],
  ['diamond', { images: [{ name: 'ghcr.io/acme/side', newTag: 'S' }] }],
  ['b', {}],
  ['a', {}],
];

async function tree(root: string): Promise<SourceTree> {
  return openFolderTree(root);
}

it('each build in a shared run equals the same build alone', async () => {
  const root = await mkdtemp(join(tmpdir(), 'sluice-copy-on-write-differential-'));
  await writeTree(root, FILES);
  try {
    for (const order of [OVERLAYS, [...OVERLAYS].reverse()]) {
      const shared = await tree(root);
      const provenance = new Provenance();
      const renderer = builtinRenderer();
      const outputs: string[] = [];
      for (const [path, overlay] of order) {
        const result = await renderer.render({ tree: shared, path, provenance, overlay });
        outputs.push(JSON.stringify({ r: result.resources.map((r) => r.object), d: result.diagnostics }));
      }
      for (const [index, [path, overlay]] of order.entries()) {
        const alone = await builtinRenderer().render({
          tree: await tree(root),
          path,
          provenance: new Provenance(),
          overlay,
        });
        expect(outputs[index], `${path} ${JSON.stringify(overlay)}`).toBe(
          JSON.stringify({ r: alone.resources.map((r) => r.object), d: alone.diagnostics }),
        );
      }
      // and again after everything
      for (const [index, [path, overlay]] of order.entries()) {
        const again = await renderer.render({ tree: shared, path, provenance, overlay });
        expect(
          JSON.stringify({ r: again.resources.map((r) => r.object), d: again.diagnostics }),
          `again ${path}`,
        ).toBe(outputs[index]);
      }
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
