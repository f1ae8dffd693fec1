import type { Provenance, ValueOrigin } from '../kustomize/provenance.js';
import { isMap, type YamlMap } from '../kustomize/resource.js';

/** An image found in Helm values. */
export interface ValuesImage {
  /** The image reference assembled from the values (`registry/repository:tag@digest`). */
  readonly image: string;
  /** Dotted path of the image value, such as `spec.values.controllers.app.containers.app.image`. */
  readonly fieldPath: string;
  /** Where the image text is written (the tag's line when only the tag came from elsewhere). */
  readonly origin: ValueOrigin | undefined;
  /** The container name for the app-template layout (`containers.<name>.image`). */
  readonly containerName?: string;
  /**
   * Only the repository is written (`image: {repository: …}`): the chart decides the tag (often
   * its appVersion), so `image` holds no tag and is not a reference to scan.
   */
  readonly chartDecidesTag?: boolean;
}

const IMAGE_KEY = /image$/i;

/**
 * Finds images in Helm values by the conventions charts follow (as Renovate's helm-values
 * manager does): a key ending in `image` whose value is a reference string; a mapping under any
 * key with `repository` and `tag` (or `version`, or `digest`), plus an optional `registry`
 * (podinfo's `redis: {repository, tag}`); and, under a key ending in `image`, a mapping with
 * only `repository`, whose tag the chart decides (`chartDecidesTag`). This covers the common
 * `image: {repository, tag}` layout and the app-template chart's
 * `controllers.<c>.containers.<n>.image`.
 */
export function findValuesImages(values: unknown, basePath: string, provenance: Provenance): ValuesImage[] {
  const found: ValuesImage[] = [];
  // A node shared through YAML aliases is visited once: an alias bomb stays linear.
  const visited = new Set<object>();
  const visit = (
    node: unknown,
    path: string,
    parentKey: string | undefined,
    grandKey: string | undefined,
  ): void => {
    if (typeof node !== 'object' || node === null || visited.has(node)) return;
    visited.add(node);
    if (Array.isArray(node)) {
      node.forEach((item, index) => visit(item, `${path}[${index}]`, parentKey, grandKey));
      return;
    }
    if (!isMap(node)) return;
    // Keys, not entries: no pair per key, and a key's path is built only when it is used.
    for (const key of Object.keys(node)) {
      const value = node[key];
      const imageKey = IMAGE_KEY.test(key);
      if (imageKey || (isMap(value) && hasVersion(value))) {
        const containerName =
          grandKey === 'containers' || grandKey === 'initContainers' ? parentKey : undefined;
        const image = readImage(node, key, value, provenance, imageKey);
        if (image) {
          found.push({ ...image, fieldPath: `${path}.${key}`, ...(containerName ? { containerName } : {}) });
          continue;
        }
      }
      if (typeof value === 'object' && value !== null) visit(value, `${path}.${key}`, key, parentKey);
    }
  };
  visit(values, basePath, undefined, undefined);
  return found;
}

/** A `repository` with a `tag`, `version` or `digest` beside it. */
function hasVersion(value: YamlMap): boolean {
  const written = (field: unknown): boolean =>
    (typeof field === 'string' && field.trim() !== '') || typeof field === 'number';
  return (
    typeof value.repository === 'string' &&
    (written(value.tag) || written(value.version) || written(value.digest))
  );
}

function readImage(
  parent: YamlMap,
  key: string,
  value: unknown,
  provenance: Provenance,
  imageKey: boolean,
): { image: string; origin: ValueOrigin | undefined; chartDecidesTag?: true } | undefined {
  if (typeof value === 'string') {
    if (!imageKey) return undefined;
    if (!looksLikeImage(value)) return undefined;
    return { image: value.trim(), origin: provenance.originOf(parent, key) };
  }
  if (!isMap(value) || typeof value.repository !== 'string' || value.repository.trim() === '')
    return undefined;
  const text = (field: unknown): string =>
    typeof field === 'string' || typeof field === 'number' ? String(field).trim() : '';
  const registry = text(value.registry);
  const repository = value.repository.trim();
  const tag = text(value.tag) || text(value.version);
  const digest = text(value.digest);
  let image = registry && !repository.startsWith(`${registry}/`) ? `${registry}/${repository}` : repository;
  if (tag) image += tag.startsWith('@') ? tag : `:${tag}`;
  if (digest && !image.includes('@')) image += `@${digest}`;
  if (!looksLikeImage(image)) return undefined;
  const repositoryOrigin = provenance.originOf(value, 'repository');
  // No tag and no digest: helm would use the chart's own tag (often its appVersion), never `latest`.
  if (!tag && !digest && !/[:@]/.test(repository.split('/').at(-1) ?? '')) {
    return {
      image,
      origin: repositoryOrigin ? { ...repositoryOrigin, raw: repositoryOrigin.raw ?? repository } : undefined,
      chartDecidesTag: true,
    };
  }
  const tagKey = text(value.tag) ? 'tag' : text(value.version) ? 'version' : undefined;
  const tagOrigin = tagKey ? provenance.originOf(value, tagKey) : undefined;
  // When only the tag was written elsewhere (a variable, a patch), that is where the image changes.
  if (tagOrigin && repositoryOrigin && tagOrigin.file !== repositoryOrigin.file) {
    return { image, origin: { ...tagOrigin, raw: tagOrigin.raw ?? tag } };
  }
  return {
    image,
    origin: repositoryOrigin ? { ...repositoryOrigin, raw: repositoryOrigin.raw ?? repository } : undefined,
  };
}

function looksLikeImage(text: string): boolean {
  const trimmed = text.trim();
  return (
    trimmed !== '' && !/\s/.test(trimmed) && /^[A-Za-z0-9$]/.test(trimmed) && !trimmed.startsWith('http')
  );
}
