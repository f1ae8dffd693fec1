import type { ImageOverride } from '../schemas/common.js';
import type { Provenance, ValueOrigin } from './provenance.js';
import { expandAliases, type CopyOnWrite } from './copy-on-write.js';
import { isMap, kindOf, type KResource, type YamlMap } from './resource.js';

/** An `images:` entry with the container it was read from (for positions). */
export interface ImageOverrideEntry {
  readonly override: ImageOverride;
  /** The mapping the entry was read from: its `newTag`/`digest`/`newName` positions are reported. */
  readonly container: object;
}

/**
 * Splits an image reference the way kustomize does: name, tag and digest (`host:port/a/b:tag@d`).
 */
export function splitImage(image: string): { name: string; tag: string; digest: string } {
  let rest = image;
  let digest = '';
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.indexOf('/');
  const colon = rest.lastIndexOf(':');
  let tag = '';
  if (colon !== -1 && colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { name: rest, tag, digest };
}

const matcherCache = new Map<string, RegExp | undefined>();

/** kustomize's match: the entry's `name` (a regular expression) followed by an optional tag and digest. */
export function imageMatches(image: string, name: string): boolean {
  let pattern = matcherCache.get(name);
  if (!matcherCache.has(name)) {
    try {
      pattern = new RegExp(`^${name}(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?$`);
    } catch {
      pattern = undefined;
    }
    matcherCache.set(name, pattern);
  }
  return pattern ? pattern.test(image) : false;
}

/** The image an `images:` entry turns `image` into. */
export function applyImageOverride(image: string, override: ImageOverride): string {
  let { name, tag, digest } = splitImage(image);
  if (override.newName) name = override.newName;
  const newTag = override.newTag === undefined ? '' : String(override.newTag);
  if (newTag !== '' && override.digest) {
    tag = newTag;
    digest = override.digest;
  } else if (newTag !== '') {
    tag = newTag;
    digest = '';
  } else if (override.digest) {
    tag = '';
    digest = override.digest;
  }
  return `${name}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
}

/**
 * kustomize's images transformer: every `image` field of an item of a `containers` or
 * `initContainers` list, at any depth of any object except CustomResourceDefinitions, is
 * rewritten by the first matching entry. The new value's origin is the entry's `newTag` (or
 * `digest`, or `newName`) line.
 */
export function transformImages(
  objects: readonly YamlMap[],
  entries: readonly ImageOverrideEntry[],
  provenance: Provenance,
): void {
  if (entries.length === 0) return;
  // A node shared through YAML aliases is visited (and rewritten) once.
  const visited = new Set<object>();
  const visit = (node: unknown): void => {
    if (typeof node !== 'object' || node === null || visited.has(node)) return;
    visited.add(node);
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (!isMap(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if ((key === 'containers' || key === 'initContainers') && Array.isArray(value)) {
        for (const container of value) if (isMap(container)) rewrite(container, entries, provenance);
      }
      visit(value);
    }
  };
  for (const object of objects) {
    if (kindOf(object) === 'CustomResourceDefinition') continue;
    visit(object);
  }
}

/**
 * {@link transformImages} over a build's resources: an object is copied (by `copies`) only when
 * an entry changes one of its images, and left shared otherwise.
 */
export function transformResourceImages(
  resources: readonly KResource[],
  entries: readonly ImageOverrideEntry[],
  provenance: Provenance,
  copies: CopyOnWrite | undefined,
): void {
  if (entries.length === 0) return;
  if (!copies) {
    // Objects the caller owns are rewritten in place: an image a YAML alias shares with a path
    // that is not an image field must stay as written there, as in kustomize.
    const objects = resources.map((resource) => resource.object);
    for (const object of objects) if (changesImages(object, entries)) expandAliases(object, provenance);
    transformImages(objects, entries, provenance);
    return;
  }
  // An object this build owns whole shares nothing with another (its YAML aliases were expanded
  // when it was copied); any other object is copied only when an image of it changes.
  for (const resource of resources) {
    const object = resource.object;
    if (kindOf(object) === 'CustomResourceDefinition') continue;
    if (copies.owns(object)) transformImages([object], entries, provenance);
    else if (changesImages(object, entries)) transformImages([copies.object(resource)], entries, provenance);
  }
}

/** Whether an entry would change an image of `object` (read only; the walk of {@link transformImages}). */
function changesImages(object: YamlMap, entries: readonly ImageOverrideEntry[]): boolean {
  const visited = new Set<object>();
  const stack: unknown[] = [object];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null || visited.has(node)) continue;
    visited.add(node);
    if (Array.isArray(node)) {
      for (const item of node) stack.push(item);
      continue;
    }
    const record = node as YamlMap;
    for (const key of Object.keys(record)) {
      const value = record[key];
      if ((key === 'containers' || key === 'initContainers') && Array.isArray(value)) {
        for (const container of value)
          if (isMap(container) && rewrittenImage(container, entries)) return true;
      }
      stack.push(value);
    }
  }
  return false;
}

/** The image the first matching entry turns `container.image` into, when it differs. */
function rewrittenImage(container: YamlMap, entries: readonly ImageOverrideEntry[]): string | undefined {
  const image = container.image;
  if (typeof image !== 'string') return undefined;
  for (const entry of entries) {
    if (!imageMatches(image, entry.override.name)) continue;
    const next = applyImageOverride(image, entry.override);
    return next === image ? undefined : next;
  }
  return undefined;
}

function rewrite(container: YamlMap, entries: readonly ImageOverrideEntry[], provenance: Provenance): void {
  const image = container.image;
  if (typeof image !== 'string') return;
  for (const entry of entries) {
    if (!imageMatches(image, entry.override.name)) continue;
    const next = applyImageOverride(image, entry.override);
    if (next !== image) {
      container.image = next;
      provenance.setOverride(container, 'image', overrideOrigin(entry, provenance));
    }
    return;
  }
}

function overrideOrigin(entry: ImageOverrideEntry, provenance: Provenance): ValueOrigin | undefined {
  for (const key of ['newTag', 'digest', 'newName'] as const) {
    const value = entry.override[key];
    if (value === undefined || value === '') continue;
    const origin = provenance.originOf(entry.container, key);
    if (origin) return { ...origin, raw: String(value) };
  }
  return provenance.originOf(entry.container, 'name');
}
