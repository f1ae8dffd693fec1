import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseYaml } from '@sluice/core';
import { findValuesImages } from '../helm/values-images.js';
import { findPodImages } from '../images/find-pod-images.js';
import { RepoFiles } from '../source/repo-files.js';
import { SourceTree } from '../source/source-tree.js';
import { Provenance } from './provenance.js';
import { builtinRenderer } from './renderer.js';
import { isMap, type YamlMap } from './resource.js';

const runFile = promisify(execFile);

/** The result of {@link compareFolderImages}. */
export interface FolderComparison {
  /** Folders kubectl built (and so were compared). */
  readonly compared: number;
  /** Folders kubectl could not build (skipped). */
  readonly failed: number;
  /** Folders whose objects or image fields differ, with what kubectl had that the built-in renderer lacks and the reverse. */
  readonly mismatches: readonly {
    readonly folder: string;
    readonly missing: readonly string[];
    readonly extra: readonly string[];
  }[];
  /** Folders compared whose objects hold at least one image. */
  readonly withImages: number;
}

/**
 * Describes the objects of a build as comparable lines: each object's `kind/namespace/name`
 * and each image field (PodSpec images and HelmRelease values images) with its path. Generated
 * ConfigMaps and Secrets are left out (their hash suffixes differ by design).
 */
export function describeObjects(objects: readonly YamlMap[]): string[] {
  const lines: string[] = [];
  for (const object of objects) {
    if (object.kind === 'ConfigMap' || object.kind === 'Secret') continue;
    const metadata = isMap(object.metadata) ? object.metadata : {};
    const id = `${String(object.kind)}/${String(metadata.namespace ?? '')}/${String(metadata.name ?? '')}`;
    lines.push(id);
    for (const field of findPodImages(object)) lines.push(`${id} ${field.fieldPath} ${field.image}`);
    if (object.kind === 'HelmRelease' && isMap(object.spec)) {
      for (const value of findValuesImages(object.spec.values, 'spec.values', new Provenance())) {
        lines.push(`${id} ${value.fieldPath} ${value.image}`);
      }
    }
  }
  return lines.sort();
}

/**
 * Builds each folder with `kubectl kustomize` and with the built-in renderer and compares the
 * described objects (test and benchmark helper; needs kubectl). `onBuilt` receives each
 * kubectl output (other oracles read it too).
 */
export async function compareFolderImages(
  root: string,
  folders: readonly string[],
  concurrency = 4,
  onBuilt?: (folder: string, output: string) => void,
): Promise<FolderComparison> {
  const files = await RepoFiles.open(root);
  const tree = new SourceTree('compare', files, { mounts: [{ at: '', from: '' }], specIgnore: '' });
  let compared = 0;
  let failed = 0;
  let withImages = 0;
  const mismatches: { folder: string; missing: string[]; extra: string[] }[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < folders.length) {
        const folder = folders[next++] ?? '';
        let stdout: string;
        try {
          ({ stdout } = await runFile(
            'kubectl',
            ['kustomize', '--load-restrictor', 'LoadRestrictionsNone', join(root, folder)],
            { maxBuffer: 64 * 2 ** 20 },
          ));
        } catch {
          failed += 1;
          continue;
        }
        compared += 1;
        onBuilt?.(folder, stdout);
        const expected = describeObjects(
          parseYaml(stdout, folder)
            .documents.map((document) => document.value)
            .filter(isMap),
        );
        const rendered = await builtinRenderer().render({ tree, path: folder, provenance: new Provenance() });
        const actual = describeObjects(rendered.resources.map((resource) => resource.object));
        if (expected.some((line) => line.includes(' '))) withImages += 1;
        if (JSON.stringify(expected) !== JSON.stringify(actual)) {
          mismatches.push({
            folder,
            missing: expected.filter((line) => !actual.includes(line)),
            extra: actual.filter((line) => !expected.includes(line)),
          });
        }
      }
    }),
  );
  return {
    compared,
    failed,
    withImages,
    mismatches: mismatches.sort((a, b) => (a.folder < b.folder ? -1 : a.folder > b.folder ? 1 : 0)),
  };
}
