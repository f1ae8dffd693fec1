// kustomize expands YAML aliases when it reads a resource (kyaml de-anchors), so a transformer that
// writes through one path of an alias never shows through another: a patch of `containers` leaves
// the `initContainers` it aliases as written. An alias bomb or an alias inside the value it names
// cannot be expanded (go-yaml refuses a cycle): the build is unknown. Each case states kustomize's
// answer; where kubectl is installed, `kubectl kustomize` confirms it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseYaml, type Diagnostic } from '@sluice/core';
import { writeTree } from '@sluice/test-utils';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceTree } from '../source/source-tree.js';
import { applyTransformers } from './apply-transformers.js';
import { Provenance } from './provenance.js';
import { builtinRenderer } from './renderer.js';
import type { KResource, YamlMap } from './resource.js';
import { openFolderTree } from '../__fixtures__/folder-tree.js';

const kubectl = await execa('kubectl', ['version', '--client'], { reject: false }).catch(() => undefined);
const hasKubectl = kubectl?.exitCode === 0;

const JOB = `apiVersion: batch/v1
kind: Job
metadata: &meta
  name: once
spec:
  template:
    metadata: *meta
    spec:
      initContainers: &c
        - name: app
          image: busybox:1
      containers: *c
`;
const PATCH_IMAGE = `- op: replace
  path: /spec/template/spec/containers/0/image
  value: busybox:2
`;
const bomb = (levels: number): string =>
  [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata: {name: bomb}',
    'l0: &l0 [{a: 1}, {a: 2}, {a: 3}, {a: 4}, {a: 5}, {a: 6}, {a: 7}, {a: 8}]',
    ...Array.from(
      { length: levels },
      (_, level) => `l${level + 1}: &l${level + 1} [${Array(8).fill(`*l${level}`).join(', ')}]`,
    ),
    '',
  ].join('\n');

const FILES = {
  'job/kustomization.yaml': `resources: [job.yaml]
namespace: jobs
patches:
- target: {kind: Job}
  patch: |
${PATCH_IMAGE.replace(/^/gm, '    ').trimEnd()}
`,
  'job/job.yaml': JOB,
  'bomb/kustomization.yaml': `resources: [bomb.yaml]
patches:
- target: {kind: ConfigMap}
  patch: '[{op: copy, from: /l7, path: /l8}]'
`,
  'bomb/bomb.yaml': bomb(7),
  'cycle/kustomization.yaml': `resources: [cycle.yaml]
patches:
- target: {kind: ConfigMap}
  patch: '[{op: copy, from: /loop, path: /copy}]'
`,
  'cycle/cycle.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cycle}\nloop: &loop {next: *loop}\n',
};

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sluice-aliases-'));
  await writeTree(root, FILES);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function openTree(): Promise<SourceTree> {
  return openFolderTree(root);
}

/** The objects `kubectl kustomize` builds from `folder`. */
async function oracle(folder: string): Promise<unknown[]> {
  const built = await execa('kubectl', ['kustomize', join(root, folder)]);
  return parseYaml(built.stdout, 'out.yaml').documents.map((document) => document.value);
}

describe('YAML aliases are expanded when a resource is read, as in kustomize', () => {
  it('a patch through one path of an alias leaves the other path as written', async () => {
    const result = await builtinRenderer().render({
      tree: await openTree(),
      path: 'job',
      provenance: new Provenance(),
    });
    expect(result.diagnostics).toEqual([]);
    const job = result.resources[0]?.object as YamlMap;
    const template = (job.spec as YamlMap).template as YamlMap;
    const pod = template.spec as { containers: YamlMap[]; initContainers: YamlMap[] };
    expect(pod.containers[0]?.image).toBe('busybox:2');
    expect(pod.initContainers[0]?.image).toBe('busybox:1');
    expect(job.metadata).toEqual({ name: 'once', namespace: 'jobs' });
    expect(template.metadata).toEqual({ name: 'once' });
    if (hasKubectl) expect(await oracle('job')).toEqual([job]);
  });

  it('an object the caller owns (a HelmRelease post-renderer) is patched in place without writing through an alias', async () => {
    const tree = await openTree();
    const provenance = new Provenance();
    const object = parseYaml(JOB, 'job.yaml').documents[0]?.value as YamlMap;
    const resources: KResource[] = [{ object, file: 'job.yaml', line: 1 }];
    await applyTransformers(
      {
        patches: [{ target: { kind: 'Job' }, patch: PATCH_IMAGE }],
        images: [{ name: 'busybox', newName: 'ghcr.io/acme/busybox' }],
      },
      resources,
      { tree, dir: '', file: 'release.yaml', provenance, diagnostics: [], consumed: new Set() },
    );
    expect(resources[0]?.object).toBe(object);
    const pod = ((object.spec as YamlMap).template as YamlMap).spec as Record<string, YamlMap[]>;
    expect(pod.containers?.[0]?.image).toBe('ghcr.io/acme/busybox:2');
    expect(pod.initContainers?.[0]?.image).toBe('ghcr.io/acme/busybox:1');
  });

  it('an alias bomb in an object the caller owns leaves its transformers unknown (build-limit), without throwing', async () => {
    const object = parseYaml(bomb(7), 'bomb.yaml').documents[0]?.value as YamlMap;
    const diagnostics: Diagnostic[] = [];
    await applyTransformers(
      { patches: [{ target: { kind: 'ConfigMap' }, patch: '[{op: copy, from: /l7, path: /l8}]' }] },
      [{ object, file: 'bomb.yaml', line: 1 }],
      {
        tree: await openTree(),
        dir: '',
        file: 'release.yaml',
        provenance: new Provenance(),
        diagnostics,
        consumed: new Set(),
      },
    );
    expect(diagnostics.map((diagnostic) => [diagnostic.file, diagnostic.code, diagnostic.severity])).toEqual([
      ['release.yaml', 'build-limit', 'error'],
    ]);
  });

  it('a copy made for a write answers positions as the aliased value it copies', async () => {
    const provenance = new Provenance();
    const result = await builtinRenderer().render({ tree: await openTree(), path: 'job', provenance });
    const pod = (((result.resources[0]?.object as YamlMap).spec as YamlMap).template as YamlMap)
      .spec as Record<string, YamlMap[]>;
    const init = pod.initContainers?.[0] as YamlMap;
    expect(provenance.originOf(init, 'image')).toEqual({
      file: 'job/job.yaml',
      line: 11,
      column: 18,
      documentIndex: 0,
    });
    expect(provenance.originOf(init, 'name')).toEqual({
      file: 'job/job.yaml',
      line: 10,
      column: 17,
      documentIndex: 0,
    });
    expect(provenance.originOf(pod.containers?.[0] as YamlMap, 'name')).toEqual(
      provenance.originOf(init, 'name'),
    );
  });

  it.each(['bomb', 'cycle'])(
    'an alias %s that a transformer copies makes the build unknown (build-limit)',
    async (path) => {
      const result = await builtinRenderer().render({
        tree: await openTree(),
        path,
        provenance: new Provenance(),
      });
      expect(
        result.diagnostics.map((diagnostic) => [diagnostic.file, diagnostic.code, diagnostic.severity]),
      ).toEqual([[`${path}/kustomization.yaml`, 'build-limit', 'error']]);
      expect(result.diagnostics[0]?.message).toContain('YAML aliases');
    },
  );
});
