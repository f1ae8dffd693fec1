import type { ImageOverride } from '../schemas/common.js';
import type { KustomizeOverlay } from './build.js';
import { writableMetadata, type CopyOnWrite } from './copy-on-write.js';
import { transformResourceImages, type ImageOverrideEntry } from './images-transformer.js';
import {
  applyLegacyJson6902,
  applyLegacyStrategicMerge,
  applyPatchEntry,
  type PatchContext,
} from './patches.js';
import { isAliasExpansionError, type Provenance } from './provenance.js';
import { applyReplacements } from './replacements.js';
import {
  CLUSTER_SCOPED_KINDS,
  groupVersionOf,
  isMap,
  kindOf,
  type KResource,
  type YamlMap,
} from './resource.js';

/**
 * Runs a kustomization's transformers in kustomize's order: legacy strategic-merge patches,
 * `patches`, namespace, name prefix and suffix, labels and annotations, legacy JSON 6902
 * patches, images, replacements.
 */
export async function applyTransformers(
  kustomization: YamlMap,
  resources: KResource[],
  context: PatchContext,
): Promise<void> {
  try {
    await transform(kustomization, resources, context);
  } catch (error) {
    if (!isAliasExpansionError(error)) throw error;
    // kustomize expands every alias of what it reads; these objects' cannot be: unknown.
    context.diagnostics.push({
      file: context.file,
      line: 1,
      severity: 'error',
      code: 'build-limit',
      message: `The transformers of ${context.file} stop: ${error.message}; what they deploy is unknown`,
    });
  }
}

async function transform(
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
  const copies = context.copies;
  if (typeof kustomization.namespace === 'string' && kustomization.namespace !== '') {
    const namespace = kustomization.namespace;
    for (const resource of resources) {
      const object = resource.object;
      // kustomize also renames Namespace objects to the kustomization's namespace.
      if (kindOf(object) === 'Namespace' && groupVersionOf(object).group === '') {
        if (!holds(object, 'name', namespace)) writableMetadata(resource, copies).name = namespace;
        continue;
      }
      if (CLUSTER_SCOPED_KINDS.has(kindOf(object))) continue;
      // Writing the value a field already holds changes nothing: the object stays shared.
      if (!holds(object, 'namespace', namespace)) writableMetadata(resource, copies).namespace = namespace;
    }
  }
  const prefix = typeof kustomization.namePrefix === 'string' ? kustomization.namePrefix : '';
  const suffix = typeof kustomization.nameSuffix === 'string' ? kustomization.nameSuffix : '';
  if (prefix !== '' || suffix !== '') {
    for (const resource of resources) {
      const kind = kindOf(resource.object);
      if (kind === 'Namespace' || kind === 'CustomResourceDefinition') continue;
      const metadata = writableMetadata(resource, copies);
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
  addMetadata(resources, 'labels', labels, copies);
  if (isMap(kustomization.commonAnnotations))
    addMetadata(resources, 'annotations', kustomization.commonAnnotations, copies);
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
    transformResourceImages(resources, entries, provenance, copies);
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

/** True when `metadata[key]` of the object is already `value` (so writing it changes nothing). */
function holds(object: YamlMap, key: 'name' | 'namespace', value: string): boolean {
  const metadata = object.metadata;
  return isMap(metadata) && Object.hasOwn(metadata, key) && metadata[key] === value;
}

function addMetadata(
  resources: readonly KResource[],
  field: 'labels' | 'annotations',
  values: Record<string, unknown>,
  copies: CopyOnWrite | undefined,
): void {
  if (Object.keys(values).length === 0) return;
  // Converted once: every object gets its own mapping built from the same strings.
  const converted = Object.fromEntries(Object.entries(values).map(([key, value]) => [key, String(value)]));
  for (const resource of resources) {
    const metadata = writableMetadata(resource, copies);
    const current = isMap(metadata[field]) ? (metadata[field] as YamlMap) : {};
    metadata[field] = { ...current, ...converted };
  }
}

/** Merges Flux spec fields into a kustomization the way kustomize-controller's generator does. */
export function mergeOverlay(
  kustomization: YamlMap,
  overlay: KustomizeOverlay,
  provenance: Provenance,
): void {
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
