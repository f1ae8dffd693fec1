// Runs loading and extraction over the real Flux repositories copied under fixtures/corpora
// (see fixtures/corpora/SOURCES.md) and checks that every image written in their plain
// manifests is found at the exact line and column of its text.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoPath } from '@sluice/test-utils';
import { describe, expect, it } from 'vitest';
import { extractImages } from './extract-images.js';
import { loadManifests } from './load-manifests.js';
import type { ManifestDocument } from './manifest.js';
import { isPlainObject } from './manifest.js';
import { collectUniqueImages } from './unique-images.js';

const CORPORA = [
  'flux2-kustomize-helm-example',
  'flux2-kustomize-helm-example-pre-2.7',
  'flux2-multi-tenancy',
  'flux2-multi-tenancy-dev-team',
  'joryirving-home-ops',
];

// Kinds whose image strings are not deployed from the manifest itself: Helm values are read
// by the Flux adapter, Flux image automation names repositories to watch, and ConfigMap or
// Secret data is opaque text.
const NOT_PLAIN = new Set(['HelmRelease', 'ImageRepository', 'ImagePolicy', 'ConfigMap', 'Secret']);

/** Every `image` (and CloudNativePG `imageName`) string in a document, found by a plain walk. */
function imageStrings(document: ManifestDocument): { holder: object; key: string; value: string }[] {
  const found: { holder: object; key: string; value: string }[] = [];
  const visited = new Set<object>();
  const visit = (value: unknown): void => {
    if (typeof value !== 'object' || value === null || visited.has(value)) return;
    visited.add(value);
    if (Array.isArray(value)) {
      value.forEach(visit);
      return;
    }
    for (const [key, item] of Object.entries(value)) {
      if ((key === 'image' || key === 'imageName') && typeof item === 'string')
        found.push({ holder: value, key, value: item });
      else if (key === 'image' && isPlainObject(item) && typeof item.reference === 'string')
        found.push({ holder: item, key: 'reference', value: item.reference });
      else visit(item);
    }
  };
  visit(document.object);
  return found;
}

describe.each(CORPORA)('corpus %s', (corpus) => {
  const root = repoPath(`fixtures/corpora/${corpus}`);

  it('finds every image string of the plain manifests, pointing at its text', async () => {
    const loaded = await loadManifests(root);
    const { references, diagnostics } = extractImages(loaded.documents);
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    // Only notes that a custom resource kind has no known image field (one per kind).
    expect(diagnostics.filter((d) => d.code !== 'uncovered-custom-resource')).toEqual([]);
    const texts = new Map<string, string[]>();
    for (const file of loaded.files) texts.set(file, (await readFile(join(root, file), 'utf8')).split('\n'));

    const byPosition = new Map(
      references.map((reference) => [`${reference.file}:${reference.line}:${reference.column}`, reference]),
    );
    let expected = 0;
    for (const document of loaded.documents) {
      if (NOT_PLAIN.has(document.kind)) continue;
      for (const { holder, key, value } of imageStrings(document)) {
        const position = document.positions.positionOf(holder, key);
        expect(position, `${document.file}: ${value}`).toBeDefined();
        const reference = byPosition.get(`${document.file}:${position!.line}:${position!.column}`);
        expect(reference, `${document.file}:${position!.line}: ${value} not found`).toBeDefined();
        expect(reference!.raw).toBe(value);
        expected += 1;
      }
    }
    for (const reference of references) {
      const line = texts.get(reference.file)![reference.line - 1]!;
      expect(
        line.slice(reference.column - 1).startsWith(reference.raw),
        `${reference.file}:${reference.line}`,
      ).toBe(true);
      expect(reference.exact).toBe(true);
    }
    expect(references.length).toBeGreaterThanOrEqual(expected);
  });

  it('finds every `image:` line written in the plain manifests (line check)', async () => {
    const loaded = await loadManifests(root);
    const { references } = extractImages(loaded.documents);
    const found = new Set(
      references.map((reference) => `${reference.file}:${reference.line}:${reference.raw}`),
    );
    for (const file of loaded.files) {
      const lines = (await readFile(join(root, file), 'utf8')).split('\n');
      const documents = loaded.documents.filter((document) => document.file === file);
      for (const [index, line] of lines.entries()) {
        const match = /^\s*(?:-\s+)?(?:image|imageName):\s+["']?([a-z0-9][^\s"'#]*)/.exec(line);
        if (!match) continue;
        // The document the line belongs to: the last one starting at or before it.
        const owner = documents.filter((document) => document.line <= index + 1).at(-1);
        if (!owner || NOT_PLAIN.has(owner.kind)) continue;
        expect(found.has(`${file}:${index + 1}:${match[1]}`), `${file}:${index + 1}: ${match[1]}`).toBe(true);
      }
    }
  });

  it('gives the same unique images on every run', async () => {
    const first = collectUniqueImages(extractImages((await loadManifests(root)).documents).references);
    const second = collectUniqueImages(extractImages((await loadManifests(root)).documents).references);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
  });
});

describe('corpus joryirving-home-ops in numbers', () => {
  it('loads the whole repository and finds its plain-manifest images', async () => {
    const loaded = await loadManifests(repoPath('fixtures/corpora/joryirving-home-ops'));
    expect(loaded.stats.files).toBeGreaterThan(1000);
    expect(loaded.stats.skippedNonKubernetes).toBeGreaterThan(0);
    const images = collectUniqueImages(extractImages(loaded.documents).references);
    const refs = images.map((image) => image.ref);
    expect(refs).toContain('docker.io/library/alpine:3.24');
    expect(refs).toContain('ghcr.io/dragonflydb/dragonfly:v1.40.1');
    expect(refs).toContain('ghcr.io/renovatebot/renovate:44.39.2');
    expect(images.find((image) => image.ref === 'docker.io/library/alpine:3.24')!.locations).toEqual([
      {
        file: 'kubernetes/apps/main/network/cert-sync.yaml',
        line: 63,
        column: 22,
        raw: 'alpine:3.24',
        kind: 'CronJob',
        namespace: 'network',
        name: 'caddy-cert-sync',
        container: 'cert-sync',
        fieldPath: 'spec.jobTemplate.spec.template.spec.containers[0].image',
        documentIndex: 4,
      },
    ]);
  });
});
