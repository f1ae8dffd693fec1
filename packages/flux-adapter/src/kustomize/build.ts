import type { Diagnostic } from '@sluice/core';
import type { ImageOverride } from '../schemas/common.js';
import type { SourceTree } from '../source/source-tree.js';
import { joinRelative } from '../source/repo-files.js';
import { runGenerators } from './generators.js';
import { transformImages, type ImageOverrideEntry } from './images-transformer.js';
import { findKustomizationFile, generateResourceList, loadResourceFile } from './load-resources.js';
import {
  applyLegacyJson6902,
  applyLegacyStrategicMerge,
  applyPatchEntry,
  type PatchContext,
} from './patches.js';
import type { Provenance } from './provenance.js';
import { applyReplacements } from './replacements.js';
import {
  CLUSTER_SCOPED_KINDS,
  groupVersionOf,
  isMap,
  kindOf,
  metadataOf,
  type KResource,
  type YamlMap,
} from './resource.js';

/**
 * The fields of a Flux Kustomization spec merged into the kustomization before the build, as
 * kustomize-controller does. Arrays are the (provenance-tracked) arrays of the Flux object.
 */
export interface KustomizeOverlay {
  readonly images?: readonly unknown[];
  readonly patches?: readonly unknown[];
  readonly patchesStrategicMerge?: readonly unknown[];
  readonly patchesJson6902?: readonly unknown[];
  readonly components?: readonly unknown[];
  readonly targetNamespace?: string;
  readonly namePrefix?: string;
  readonly nameSuffix?: string;
  /** `ignoreMissingComponents`. @default false */
  readonly ignoreMissingComponents?: boolean;
}

/** Shared state of one build. */
export interface BuildContext {
  readonly tree: SourceTree;
  readonly provenance: Provenance;
  readonly diagnostics: Diagnostic[];
  /** Repository files the build read (resources, patches, generator inputs, kustomization files). */
  readonly consumed: Set<string>;
  /** Folders that need `helm` (their `helmCharts`), reported once each. */
  readonly needsHelm: Set<string>;
  readonly signal?: AbortSignal;
}

const UNSUPPORTED_FIELDS = ['transformers', 'generators', 'vars', 'replicas'] as const;

/**
 * Builds a folder the way `kustomize build` does (with Flux's generated kustomization when the
 * folder has no kustomization file, and the Flux overlay merged in), returning the objects with
 * their provenance. Problems (missing files, failing patches, remote bases, Helm charts) become
 * diagnostics; the build goes on with what it can read.
 */
export async function buildKustomizeFolder(
  dir: string,
  context: BuildContext,
  overlay?: KustomizeOverlay,
  stack: readonly string[] = [],
): Promise<KResource[]> {
  context.signal?.throwIfAborted();
  const kustomizationPath = await findKustomizationFile(context.tree, dir);
  let kustomization: YamlMap;
  let file: string;
  if (kustomizationPath) {
    file = context.tree.toRepoPath(kustomizationPath) ?? kustomizationPath;
    context.consumed.add(file);
    const parsed = await context.tree.parse(kustomizationPath);
    const document = parsed?.documents[0];
    if (parsed) context.diagnostics.push(...parsed.diagnostics);
    if (!document || !isMap(document.value)) {
      context.diagnostics.push({
        file,
        line: 1,
        severity: 'error',
        code: 'invalid-kustomization',
        message: `${file} is not a kustomization mapping`,
      });
      return [];
    }
    context.provenance.register(document.value, { file, positions: document.positions, documentIndex: 0 });
    kustomization = context.provenance.clone(document.value);
  } else {
    file = context.tree.toRepoPath(dir) ?? dir;
    if (stack.length > 0) {
      context.diagnostics.push({
        file: stack[stack.length - 1] ?? file,
        line: 1,
        severity: 'error',
        code: 'kustomization-missing',
        message: `Folder ${file} is used as a resource but has no kustomization file`,
      });
      return [];
    }
    const resources = await generateResourceList(context.tree, dir);
    kustomization = { resources: resources.map((path) => relativeTo(dir, path)) };
  }
  if (overlay) mergeOverlay(kustomization, overlay, context.provenance);
  return buildKustomization(kustomization, dir, file, context, [...stack, file], []);
}

async function buildKustomization(
  kustomization: YamlMap,
  dir: string,
  file: string,
  context: BuildContext,
  stack: readonly string[],
  inherited: KResource[],
): Promise<KResource[]> {
  const resources: KResource[] = [...inherited];
  const report = (
    code: string,
    message: string,
    container?: object,
    key?: string | number,
    severity: Diagnostic['severity'] = 'error',
  ): void => {
    const origin = container && key !== undefined ? context.provenance.originOf(container, key) : undefined;
    context.diagnostics.push({
      file: origin?.file ?? file,
      line: origin?.line ?? 1,
      ...(origin ? { column: origin.column } : {}),
      severity,
      code,
      message,
    });
  };
  for (const field of ['resources', 'bases'] as const) {
    const list = kustomization[field];
    if (!Array.isArray(list)) continue;
    for (const [index, entry] of list.entries()) {
      if (typeof entry !== 'string') continue;
      if (
        /^[a-z][a-z0-9+.-]*:\/\//i.test(entry) ||
        entry.startsWith('git@') ||
        /^github\.com\//.test(entry)
      ) {
        report(
          'remote-resource',
          `Remote resource ${entry} is not fetched (offline build)`,
          list,
          index,
          'warning',
        );
        continue;
      }
      const path = joinRelative(dir, entry);
      if (path === undefined) {
        report('path-outside-root', `Resource ${entry} is outside the source root`, list, index);
        continue;
      }
      const type = await context.tree.typeOf(path);
      if (type === 'file') {
        resources.push(
          ...(await loadResourceFile(context.tree, path, context.provenance, context.diagnostics)),
        );
        context.consumed.add(context.tree.toRepoPath(path) ?? path);
      } else if (type === 'dir') {
        const repoDir = context.tree.toRepoPath(path) ?? path;
        if (stack.includes(repoDir)) {
          report('kustomization-cycle', `Resource ${entry} includes itself`, list, index);
          continue;
        }
        resources.push(...(await buildKustomizeFolder(path, context, undefined, stack)));
      } else {
        report('resource-missing', `Resource ${entry} not found`, list, index);
      }
    }
  }
  const components = kustomization.components;
  let accumulated = resources;
  if (Array.isArray(components)) {
    for (const [index, entry] of components.entries()) {
      if (typeof entry !== 'string') continue;
      const path = joinRelative(dir, entry);
      const componentFile = path === undefined ? undefined : await findKustomizationFile(context.tree, path);
      if (path === undefined || !componentFile) {
        report('component-missing', `Component ${entry} not found`, components, index);
        continue;
      }
      const repoFile = context.tree.toRepoPath(componentFile) ?? componentFile;
      context.consumed.add(repoFile);
      const parsed = await context.tree.parse(componentFile);
      const document = parsed?.documents[0];
      if (!document || !isMap(document.value)) continue;
      context.provenance.register(document.value, {
        file: repoFile,
        positions: document.positions,
        documentIndex: 0,
      });
      accumulated = await buildKustomization(
        context.provenance.clone(document.value),
        path,
        repoFile,
        context,
        [...stack, repoFile],
        accumulated,
      );
    }
  }
  const generatorContext = {
    tree: context.tree,
    dir,
    file,
    provenance: context.provenance,
    diagnostics: context.diagnostics,
    consumed: context.consumed,
  };
  await runGenerators(kustomization, accumulated, generatorContext);
  if (Array.isArray(kustomization.helmCharts) || Array.isArray(kustomization.helmChartInflationGenerator)) {
    if (!context.needsHelm.has(file)) {
      context.needsHelm.add(file);
      report(
        'helm-chart-not-rendered',
        `${file} inflates Helm charts (helmCharts): their images need helm and are not listed`,
        kustomization,
        'helmCharts',
        'warning',
      );
    }
  }
  for (const field of UNSUPPORTED_FIELDS) {
    if (kustomization[field] !== undefined) {
      report(
        'kustomize-field-unsupported',
        `kustomize field ${field} is not applied by the built-in renderer`,
        kustomization,
        field,
        'warning',
      );
    }
  }
  await applyTransformers(kustomization, accumulated, { ...generatorContext } satisfies PatchContext);
  return accumulated;
}

async function applyTransformers(
  kustomization: YamlMap,
  resources: KResource[],
  context: PatchContext,
): Promise<void> {
  const { provenance } = context;
  const legacySmp = kustomization.patchesStrategicMerge;
  if (Array.isArray(legacySmp)) {
    for (const [index, entry] of legacySmp.entries())
      await applyLegacyStrategicMerge(entry, legacySmp, index, resources, context);
  }
  const patches = kustomization.patches;
  if (Array.isArray(patches)) {
    for (const [index, entry] of patches.entries())
      await applyPatchEntry(entry, patches, index, resources, context);
  }
  const objects = resources.map((resource) => resource.object);
  if (typeof kustomization.namespace === 'string' && kustomization.namespace !== '') {
    for (const object of objects) {
      // kustomize also renames Namespace objects to the kustomization's namespace.
      if (kindOf(object) === 'Namespace' && groupVersionOf(object).group === '') {
        metadataOf(object).name = kustomization.namespace;
        continue;
      }
      if (CLUSTER_SCOPED_KINDS.has(kindOf(object))) continue;
      metadataOf(object).namespace = kustomization.namespace;
    }
  }
  const prefix = typeof kustomization.namePrefix === 'string' ? kustomization.namePrefix : '';
  const suffix = typeof kustomization.nameSuffix === 'string' ? kustomization.nameSuffix : '';
  if (prefix !== '' || suffix !== '') {
    for (const object of objects) {
      const kind = kindOf(object);
      if (kind === 'Namespace' || kind === 'CustomResourceDefinition') continue;
      const metadata = metadataOf(object);
      if (typeof metadata.name === 'string') metadata.name = `${prefix}${metadata.name}${suffix}`;
    }
  }
  const labels: Record<string, unknown> = isMap(kustomization.commonLabels)
    ? { ...kustomization.commonLabels }
    : {};
  if (Array.isArray(kustomization.labels)) {
    for (const entry of kustomization.labels)
      if (isMap(entry) && isMap(entry.pairs)) Object.assign(labels, entry.pairs);
  }
  addMetadata(objects, 'labels', labels);
  if (isMap(kustomization.commonAnnotations))
    addMetadata(objects, 'annotations', kustomization.commonAnnotations);
  const legacyJson = kustomization.patchesJson6902;
  if (Array.isArray(legacyJson)) {
    for (const [index, entry] of legacyJson.entries())
      await applyLegacyJson6902(entry, legacyJson, index, resources, context);
  }
  const images = kustomization.images;
  if (Array.isArray(images)) {
    const entries: ImageOverrideEntry[] = images
      .filter((entry): entry is YamlMap => isMap(entry) && typeof entry.name === 'string')
      .map((entry) => ({ override: toOverride(entry), container: entry }));
    transformImages(objects, entries, provenance);
  }
  if (Array.isArray(kustomization.replacements))
    await applyReplacements(kustomization.replacements, resources, context);
}

function toOverride(entry: YamlMap): ImageOverride {
  const text = (value: unknown): string | undefined =>
    value === undefined || value === null ? undefined : String(value);
  const override: { name: string; newName?: string; newTag?: string; digest?: string } = {
    name: String(entry.name),
  };
  const newName = text(entry.newName);
  const newTag = text(entry.newTag);
  const digest = text(entry.digest);
  if (newName !== undefined) override.newName = newName;
  if (newTag !== undefined) override.newTag = newTag;
  if (digest !== undefined) override.digest = digest;
  return override;
}

function addMetadata(
  objects: readonly YamlMap[],
  field: 'labels' | 'annotations',
  values: Record<string, unknown>,
): void {
  if (Object.keys(values).length === 0) return;
  for (const object of objects) {
    const metadata = metadataOf(object);
    const current = isMap(metadata[field]) ? (metadata[field] as YamlMap) : {};
    metadata[field] = {
      ...current,
      ...Object.fromEntries(Object.entries(values).map(([key, value]) => [key, String(value)])),
    };
  }
}

/** Merges Flux spec fields into a kustomization the way kustomize-controller's generator does. */
function mergeOverlay(kustomization: YamlMap, overlay: KustomizeOverlay, provenance: Provenance): void {
  if (overlay.targetNamespace) kustomization.namespace = overlay.targetNamespace;
  if (overlay.namePrefix) kustomization.namePrefix = overlay.namePrefix;
  if (overlay.nameSuffix) kustomization.nameSuffix = overlay.nameSuffix;
  const append = (field: string, values: readonly unknown[] | undefined): void => {
    if (!values || values.length === 0) return;
    const current = Array.isArray(kustomization[field]) ? (kustomization[field] as unknown[]) : [];
    const merged = [...current];
    for (const [index, value] of values.entries()) {
      merged.push(value);
      provenance.copyOrigin(values, index, merged, merged.length - 1);
    }
    for (const [index] of current.entries()) provenance.copyOrigin(current, index, merged, index);
    kustomization[field] = merged;
  };
  append('patches', overlay.patches);
  append('patchesStrategicMerge', overlay.patchesStrategicMerge);
  append('patchesJson6902', overlay.patchesJson6902);
  append('components', overlay.components);
  if (overlay.images && overlay.images.length > 0) {
    const current = Array.isArray(kustomization.images) ? [...(kustomization.images as unknown[])] : [];
    for (const image of overlay.images) {
      if (!isMap(image) || typeof image.name !== 'string') continue;
      const existing = current.find((entry) => isMap(entry) && entry.name === image.name);
      if (!isMap(existing)) {
        current.push(image);
        continue;
      }
      for (const key of ['newName', 'newTag', 'digest'] as const) {
        if (image[key] === undefined || image[key] === '') continue;
        existing[key] = image[key];
        provenance.copyOrigin(image, key, existing, key);
      }
    }
    kustomization.images = current;
  }
}

function relativeTo(dir: string, path: string): string {
  return dir === '' ? `./${path}` : `./${path.slice(dir.length + 1)}`;
}
