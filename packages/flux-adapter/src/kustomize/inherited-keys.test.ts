// Keys that name a member of Object.prototype (`__proto__`, `constructor`, `toString`) are plain
// keys in Go's maps, so kustomize patches, replaces and selects them like any other. A patch that
// reached `Object.prototype` through such a key would change every object of the process (a
// hostile repository could make every object look suspended); one that replaced a prototype
// would drop the key. Each case states kustomize's output; `kubectl kustomize` confirms it where
// it is installed.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import yaml from 'js-yaml';
import { writeTree } from '@sluice/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Provenance } from './provenance.js';
import { builtinRenderer } from './renderer.js';
import { openFolderTree } from '../__fixtures__/folder-tree.js';

const kubectl = await execa('kubectl', ['version', '--client'], { reject: false }).catch(() => undefined);
const hasKubectl = kubectl?.exitCode === 0;

const WEB = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  template:
    spec:
      containers:
        - name: web
          image: nginx:1.27
`;

const KUSTOMIZATION = `resources:
  - web.yaml
configMapGenerator:
  - name: settings
    literals:
      - __proto__=literal
      - constructor=ctor
patches:
  - patch: |
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
        __proto__:
          polluted: by-merge
  - patch: |
      - op: add
        path: /spec/template/__proto__
        value: {pollutedByJsonPatch: true}
    target: {kind: Deployment}
  - patch: |
      - op: add
        path: /metadata/labels/selected
        value: "yes"
    target: {labelSelector: constructor}
replacements:
  - source: {kind: Deployment, fieldPath: metadata.name}
    targets:
      - select: {kind: Deployment}
        fieldPaths: [spec.__proto__.pollutedByReplacement]
        options: {create: true}
`;

const POLLUTERS = ['polluted', 'pollutedByJsonPatch', 'pollutedByReplacement', 'selected'];

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sluice-inherited-keys-'));
  await writeTree(root, { 'web.yaml': WEB, 'kustomization.yaml': KUSTOMIZATION });
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function build() {
  const tree = await openFolderTree(root);
  return builtinRenderer().render({ tree, path: '', provenance: new Provenance() });
}

/** The built objects as plain data: own keys only, `__proto__` included. */
function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}

describe('keys named like Object.prototype members are plain keys, as in kustomize', () => {
  it('patches, replacements and generators write them as keys and never reach Object.prototype', async () => {
    const result = await build();
    for (const name of POLLUTERS) expect(Object.hasOwn(Object.prototype, name), name).toBe(false);
    const byKind = new Map(
      result.resources.map((resource) => [resource.object.kind, plain(resource.object)]),
    );
    const web = byKind.get('Deployment') as Record<string, Record<string, unknown>>;
    expect(Object.getPrototypeOf(web.metadata)).toBe(Object.prototype);
    expect(Object.hasOwn(web.metadata!, '__proto__')).toBe(true);
    expect(web.metadata!.__proto__).toEqual({ polluted: 'by-merge' });
    // No label `constructor`: the labelSelector patch selects nothing.
    expect(web.metadata!.labels).toEqual({ app: 'web' });
    expect(Object.hasOwn(web.spec!, '__proto__')).toBe(true);
    expect(web.spec!.__proto__).toEqual({ pollutedByReplacement: 'web' });
    const template = web.spec!.template as Record<string, unknown>;
    expect(template.__proto__).toEqual({ pollutedByJsonPatch: true });
    const settings = byKind.get('ConfigMap') as Record<string, Record<string, unknown>>;
    expect(Object.keys(settings.data!).sort()).toEqual(['__proto__', 'constructor']);
    expect(settings.data!.__proto__).toBe('literal');

    if (hasKubectl) {
      const oracle = await execa('kubectl', ['kustomize', root]);
      const expected = new Map(
        yaml.loadAll(oracle.stdout).map((object) => [(object as { kind: string }).kind, plain(object)]),
      );
      expect(web).toEqual(expected.get('Deployment'));
      const { metadata: _name, ...settingsBody } = settings;
      const { metadata: _hashed, ...expectedBody } = expected.get('ConfigMap') as Record<string, unknown>;
      expect(settingsBody).toEqual(expectedBody);
    }
  });
});

describe('a list under a key named like an Object.prototype member', () => {
  it('is replaced by a strategic merge patch, as every list without a merge key is', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'sluice-inherited-list-'));
    try {
      await writeTree(folder, {
        'web.yaml': `${WEB}  constructor:\n    - {name: a, value: "1"}\n`,
        'kustomization.yaml': [
          'resources: [web.yaml]',
          'patches:',
          '  - patch: |',
          '      apiVersion: apps/v1',
          '      kind: Deployment',
          '      metadata: {name: web}',
          '      spec:',
          '        constructor:',
          '          - {name: b, value: "2"}',
          '',
        ].join('\n'),
      });
      const tree = await openFolderTree(folder);
      const result = await builtinRenderer().render({ tree, path: '', provenance: new Provenance() });
      const web = plain(result.resources[0]?.object) as { spec: { constructor: unknown } };
      expect(web.spec.constructor).toEqual([{ name: 'b', value: '2' }]);
      if (hasKubectl) {
        const oracle = await execa('kubectl', ['kustomize', folder]);
        expect(web).toEqual(plain(yaml.load(oracle.stdout)));
      }
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
