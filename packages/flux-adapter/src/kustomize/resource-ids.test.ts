// kustomize refuses a resource whose id is already in the build ("may not add resource with an
// already registered id", resWrangler.Append), so Flux applies nothing of that revision. Each case
// states kustomize's answer; where kubectl is installed, `kubectl kustomize` confirms it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { TreeEntry } from '@sluice/test-utils';
import { deployment, writeTree } from '@sluice/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Provenance } from './provenance.js';
import { builtinRenderer } from './renderer.js';
import { openFolderTree } from '../__fixtures__/folder-tree.js';

const kubectl = await execa('kubectl', ['version', '--client'], { reject: false }).catch(() => undefined);
const hasKubectl = kubectl?.exitCode === 0;

const inNamespace = (namespace: string, image: string): string =>
  deployment(image, 'web').replace('  namespace: default\n', namespace ? `  namespace: ${namespace}\n` : '');
const kustomization = (...lines: string[]): string => `${lines.join('\n')}\n`;
const clusterRole = (namespace: string): string =>
  `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: reader, namespace: ${namespace}}\n`;

interface IdCase {
  readonly name: string;
  readonly tree: Record<string, TreeEntry>;
  /** kustomize's `ResId.String()` of the refused object, or undefined when kustomize builds it. */
  readonly refused?: string;
  /** Where Sluice reports it: the entry that brought the second object in. */
  readonly at?: string;
}

const CASES: IdCase[] = [
  {
    name: "'' and default are one namespace",
    tree: {
      'a.yaml': inNamespace('', 'img:1'),
      'b.yaml': inNamespace('default', 'img:2'),
      'kustomization.yaml': kustomization('resources:', '- a.yaml', '- b.yaml'),
    },
    refused: 'Deployment.v1.apps/web.default',
    at: 'kustomization.yaml:3:3',
  },
  {
    name: 'one name in two namespaces is two objects',
    tree: {
      'a.yaml': inNamespace('team-a', 'img:1'),
      'b.yaml': inNamespace('team-b', 'img:2'),
      'kustomization.yaml': kustomization('resources:', '- a.yaml', '- b.yaml'),
    },
  },
  {
    name: 'a cluster-scoped kind has no namespace to tell two apart',
    tree: {
      'roles.yaml': `${clusterRole('team-a')}---\n${clusterRole('team-b')}`,
      'kustomization.yaml': kustomization('resources:', '- roles.yaml'),
    },
    refused: 'ClusterRole.v1.rbac.authorization.k8s.io/reader.team-b',
    at: 'kustomization.yaml:2:3',
  },
  {
    name: 'two bases holding the same object',
    tree: {
      'one/app.yaml': inNamespace('', 'img:1'),
      'one/kustomization.yaml': kustomization('resources: [app.yaml]'),
      'two/app.yaml': inNamespace('', 'img:2'),
      'two/kustomization.yaml': kustomization('resources: [app.yaml]'),
      'kustomization.yaml': kustomization('resources:', '- one', '- two'),
    },
    refused: 'Deployment.v1.apps/web.[noNs]',
    at: 'kustomization.yaml:3:3',
  },
  {
    name: "a base's namePrefix makes its object another id",
    tree: {
      'one/app.yaml': inNamespace('', 'img:1'),
      'one/kustomization.yaml': kustomization('namePrefix: blue-', 'resources: [app.yaml]'),
      'two/app.yaml': inNamespace('', 'img:2'),
      'two/kustomization.yaml': kustomization('resources: [app.yaml]'),
      'kustomization.yaml': kustomization('resources:', '- one', '- two'),
    },
  },
  {
    name: 'a component adding an object the build has',
    tree: {
      'app.yaml': inNamespace('', 'img:1'),
      'extra/app.yaml': inNamespace('', 'img:2'),
      'extra/kustomization.yaml': kustomization(
        'apiVersion: kustomize.config.k8s.io/v1alpha1',
        'kind: Component',
        'resources: [app.yaml]',
      ),
      'kustomization.yaml': kustomization('resources: [app.yaml]', 'components: [extra]'),
    },
    refused: 'Deployment.v1.apps/web.[noNs]',
    at: 'extra/kustomization.yaml:3:13',
  },
];

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'sluice-resource-ids-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

async function build(root: string) {
  const tree = await openFolderTree(root);
  return builtinRenderer().render({ tree, path: '', provenance: new Provenance() });
}

describe('a resource id registered twice fails the build, as in kustomize', () => {
  it.each(CASES)('$name', async ({ name, tree, refused, at }) => {
    const root = join(work, name.replace(/\W+/g, '-'));
    await writeTree(root, tree);
    const result = await build(root);
    const duplicates = result.diagnostics.filter(
      (diagnostic) => diagnostic.code === 'kustomize-duplicate-id',
    );
    if (refused === undefined) {
      expect(duplicates).toEqual([]);
      expect(result.resources.map((resource) => resource.object.kind)).toHaveLength(2);
    } else {
      expect(duplicates).toHaveLength(1);
      const [duplicate] = duplicates;
      expect(`${duplicate?.file}:${duplicate?.line}:${duplicate?.column}`).toBe(at);
      expect(duplicate?.severity).toBe('error');
      expect(duplicate?.message).toContain(
        `may not add resource with an already registered id: ${refused} (`,
      );
    }
    if (hasKubectl) {
      const oracle = await execa('kubectl', ['kustomize', root], { reject: false });
      if (refused === undefined) expect(oracle.exitCode).toBe(0);
      else expect(oracle.stderr).toContain(`may not add resource with an already registered id: ${refused}`);
    }
  });
});
