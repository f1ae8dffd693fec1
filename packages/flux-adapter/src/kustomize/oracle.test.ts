// Oracle: for every folder of the corpora that real kustomize (`kubectl kustomize`) builds, the
// built-in renderer must yield exactly the same image fields.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { parseYaml } from '@sluice/core';
import { repoPath } from '@sluice/test-utils';
import { describe, expect, it } from 'vitest';
import { findValuesImages } from '../helm/values-images.js';
import { findPodImages } from '../images/find-pod-images.js';
import { RepoFiles } from '../source/repo-files.js';
import { SourceTree } from '../source/source-tree.js';
import { builtinRenderer } from './renderer.js';
import { Provenance } from './provenance.js';
import { KUSTOMIZATION_FILE_NAMES } from './load-resources.js';
import { isMap } from './resource.js';

const CORPORA = repoPath('fixtures/corpora');
const kubectl = await execa('kubectl', ['version', '--client'], { reject: false }).catch(() => undefined);
const skipReason =
  kubectl?.exitCode === 0 ? undefined : 'kubectl is not installed: the oracle needs `kubectl kustomize`';

async function kustomizationFolders(root: string, dir = ''): Promise<string[]> {
  const entries = await readdir(join(root, dir), { withFileTypes: true });
  const folders: string[] = entries.some(
    (entry) => entry.isFile() && KUSTOMIZATION_FILE_NAMES.includes(entry.name),
  )
    ? [dir]
    : [];
  for (const entry of entries) {
    if (entry.isDirectory() && !entry.name.startsWith('.git'))
      folders.push(...(await kustomizationFolders(root, dir === '' ? entry.name : `${dir}/${entry.name}`)));
  }
  return folders;
}

async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  run: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await run(items[index] as T);
      }
    }),
  );
  return results;
}

const corpora = (await readdir(CORPORA, { withFileTypes: true }))
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

describe.skipIf(skipReason !== undefined)(
  `oracle: built-in renderer vs kubectl kustomize${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    it.each(corpora)(
      '%s: identical images in every folder kubectl builds',
      async (corpus) => {
        const root = join(CORPORA, corpus);
        const files = await RepoFiles.open(root);
        // kubectl reads the folder as it is: no source ignore rules.
        const tree = new SourceTree(`oracle/${corpus}`, files, {
          mounts: [{ at: '', from: '' }],
          specIgnore: '',
        });
        const folders = await kustomizationFolders(root);
        const outcomes = await mapLimit(folders, 4, async (folder) => {
          const result = await execa(
            'kubectl',
            ['kustomize', '--load-restrictor', 'LoadRestrictionsNone', join(root, folder)],
            { reject: false },
          );
          if (result.exitCode !== 0) return { folder, built: false, expected: [], actual: [] };
          const objects = parseYaml(result.stdout, folder)
            .documents.map((document) => document.value)
            .filter(isMap);
          const rendered = await builtinRenderer().render({
            tree,
            path: folder,
            provenance: new Provenance(),
          });
          // Images with their objects (kind/namespace/name: checks the namespace and name
          // transformers too), except generated ConfigMaps and Secrets, whose hash suffix differs.
          const describe = (object: Record<string, unknown>): string[] => {
            const metadata = isMap(object.metadata) ? object.metadata : {};
            const id = `${String(object.kind)}/${String(metadata.namespace ?? '')}/${String(metadata.name ?? '')}`;
            if (object.kind === 'ConfigMap' || object.kind === 'Secret') return [];
            const spec = isMap(object.spec) ? object.spec : {};
            const values =
              object.kind === 'HelmRelease'
                ? findValuesImages(spec.values, 'spec.values', new Provenance())
                : [];
            return [
              id,
              ...findPodImages(object).map((field) => `${id} ${field.fieldPath} ${field.image}`),
              ...values.map((value) => `${id} ${value.fieldPath} ${value.image}`),
            ];
          };
          const expected = objects.flatMap(describe);
          const actual = rendered.resources.flatMap((resource) => describe(resource.object));
          return { folder, built: true, expected: expected.sort(), actual: actual.sort() };
        });
        const built = outcomes.filter((outcome) => outcome.built);
        const mismatches = built.filter(
          (outcome) => JSON.stringify(outcome.expected) !== JSON.stringify(outcome.actual),
        );
        expect(
          mismatches.map(({ folder, expected, actual }) => ({
            folder,
            missing: expected.filter((image) => !actual.includes(image)),
            extra: actual.filter((image) => !expected.includes(image)),
          })),
        ).toEqual([]);
        expect(built.length).toBeGreaterThan(0);
        // The large corpus keeps images in manifests (the small ones only in HelmRelease values).
        if (corpus === 'joryirving-home-ops') {
          expect(
            built.filter((outcome) => outcome.expected.some((item) => item.includes(' '))).length,
          ).toBeGreaterThan(100);
        }
      },
      120_000,
    );
  },
);
