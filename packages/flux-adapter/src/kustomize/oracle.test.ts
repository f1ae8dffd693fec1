// Oracle: for every folder of the corpora that real kustomize (`kubectl kustomize`) builds, the
// built-in renderer must yield the same objects (kind/namespace/name) and the same image fields
// (PodSpec images and HelmRelease values images), and emitGoYaml must write each object as
// kustomize's Resource.AsYAML does (the text Flux substitutes).
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { repoPath } from '@sluice/test-utils';
import { describe, expect, it } from 'vitest';
import { parseYaml } from '@sluice/core';
import { emitGoYaml } from '../substitute/go-yaml-emit.js';
import { compareFolderImages } from './compare-folder-images.js';
import { KUSTOMIZATION_FILE_NAMES } from './load-resources.js';

const CORPORA = repoPath('fixtures/corpora');
const kubectl = await execa('kubectl', ['version', '--client'], { reject: false }).catch(() => undefined);
const skipReason =
  kubectl?.exitCode === 0 ? undefined : 'kubectl is not installed: the oracle needs `kubectl kustomize`';

async function kustomizationFolders(root: string, dir = ''): Promise<string[]> {
  const entries = await readdir(join(root, dir), { withFileTypes: true });
  const folders = entries.some((entry) => entry.isFile() && KUSTOMIZATION_FILE_NAMES.includes(entry.name))
    ? [dir]
    : [];
  for (const entry of entries) {
    if (entry.isDirectory() && entry.name !== '.git') {
      folders.push(...(await kustomizationFolders(root, dir === '' ? entry.name : `${dir}/${entry.name}`)));
    }
  }
  return folders;
}

const corpora = (await readdir(CORPORA, { withFileTypes: true }))
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

describe.skipIf(skipReason !== undefined)(
  `oracle: built-in renderer vs kubectl kustomize${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    it.each(corpora)(
      '%s: same objects and images in every folder kubectl builds',
      async (corpus) => {
        const root = join(CORPORA, corpus);
        const folders = await kustomizationFolders(root);
        // The same kubectl output is the oracle of the YAML text Flux's substitution runs on
        // (Resource.AsYAML): every document, parsed and written again, must be byte-identical.
        const textMismatches: string[] = [];
        let documents = 0;
        const result = await compareFolderImages(root, folders, 4, (folder, output) => {
          for (const document of output.split(/^---\n/m)) {
            if (document.trim() === '') continue;
            documents += 1;
            const value = parseYaml(document, folder).documents[0]?.value;
            if (emitGoYaml(value).text !== document)
              textMismatches.push(`${folder}: ${document.slice(0, 80)}`);
          }
        });
        expect(result.mismatches).toEqual([]);
        expect(textMismatches).toEqual([]);
        expect(documents).toBeGreaterThan(0);
        expect(result.compared).toBeGreaterThan(0);
        // The only folders kubectl cannot build are the 4 whose scripts were left out of the copy.
        if (corpus === 'joryirving-home-ops') {
          expect(result.failed).toBe(4);
          expect(result.withImages).toBeGreaterThan(100);
        }
      },
      180_000,
    );
  },
);
