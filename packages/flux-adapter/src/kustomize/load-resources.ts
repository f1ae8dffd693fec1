import type { Diagnostic } from '@sluice/core';
import type { SourceTree } from '../source/source-tree.js';
import type { Provenance } from './provenance.js';
import { isMap, type KResource } from './resource.js';

/** The names kustomize recognizes as a kustomization file, in its order of preference. */
export const KUSTOMIZATION_FILE_NAMES: readonly string[] = [
  'kustomization.yaml',
  'kustomization.yml',
  'Kustomization',
];

/** The artifact path of the kustomization file in a folder, if it has one. */
export async function findKustomizationFile(tree: SourceTree, dir: string): Promise<string | undefined> {
  for (const name of KUSTOMIZATION_FILE_NAMES) {
    const path = dir === '' ? name : `${dir}/${name}`;
    if ((await tree.typeOf(path)) === 'file') return path;
  }
  return undefined;
}

/**
 * Reads the Kubernetes objects of one manifest file as build resources: every document must be
 * a mapping with `apiVersion` and `kind` (a `List` contributes its items); others are reported.
 * Objects are the cached parse itself, shared by every build: a transformer copies one before
 * it writes it (see `CopyOnWrite`).
 */
export async function loadResourceFile(
  tree: SourceTree,
  path: string,
  provenance: Provenance,
  diagnostics: Diagnostic[],
): Promise<KResource[]> {
  const parsed = await tree.parse(path);
  const file = tree.toRepoPath(path) ?? path;
  if (!parsed) return [];
  diagnostics.push(...parsed.diagnostics);
  const resources: KResource[] = [];
  for (const document of parsed.documents) {
    const value = document.value;
    if (value === null || value === undefined) continue;
    if (!isMap(value) || typeof value.kind !== 'string' || typeof value.apiVersion !== 'string') {
      diagnostics.push({
        file,
        line: document.line,
        severity: 'error',
        code: 'not-a-kubernetes-object',
        message: `Document ${document.index} of ${file} has no apiVersion and kind: kustomize cannot decode it as Kubernetes YAML`,
      });
      continue;
    }
    provenance.register(value, { file, positions: document.positions, documentIndex: document.index });
    if (value.kind === 'List') {
      if (Array.isArray(value.items)) {
        for (const item of value.items) {
          if (isMap(item))
            resources.push({
              object: item,
              file,
              line: document.line,
              documentIndex: document.index,
            });
        }
        continue;
      }
    }
    resources.push({
      object: value,
      file,
      line: document.line,
      documentIndex: document.index,
    });
  }
  return resources;
}

/**
 * The resources of Flux's generated kustomization for a folder without a kustomization file:
 * every `.yaml`/`.yml` file below it, recursively, except that a sub-folder with its own
 * kustomization file is one resource and is not descended into.
 */
export async function generateResourceList(tree: SourceTree, dir: string): Promise<string[]> {
  const resources: string[] = [];
  const walk = async (folder: string): Promise<void> => {
    for (const entry of await tree.list(folder)) {
      const path = folder === '' ? entry.name : `${folder}/${entry.name}`;
      if (entry.type === 'dir') {
        if (await findKustomizationFile(tree, path)) resources.push(path);
        else await walk(path);
      } else if (entry.name.endsWith('.yaml') || entry.name.endsWith('.yml')) {
        resources.push(path);
      }
    }
  };
  await walk(dir);
  return resources;
}
