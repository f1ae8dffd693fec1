import { findEmbeddedImageFields, mapEmbeddedPosition, type Diagnostic } from '@sluice/core';
import type { Provenance, ValueOrigin } from '../kustomize/provenance.js';
import { isMap } from '../kustomize/resource.js';
import { describeValue } from './find-pod-images.js';
import type { ImageSet } from './image-set.js';
import { invalidImageDiagnostic } from './invalid-image.js';

/** An image written in YAML embedded in a string (a pod template in a ConfigMap key or a Helm value). */
export interface EmbeddedImage {
  /** The image text, or undefined when the field is not a non-empty string (see `description`). */
  readonly image: string | undefined;
  /** What the value is when it is not an image text: `a mapping (…)`, `an empty string`. */
  readonly description?: string;
  /** The string's path, `|`, and the field's path inside the embedded YAML (`data.job|spec.containers[0].image`). */
  readonly fieldPath: string;
  /** Where the image is written: inside a `|` block, its own line; else the string's position. */
  readonly origin: ValueOrigin | undefined;
  readonly containerName?: string;
}

// Strings inside values nest no deeper than this; the walk stops there (values are bounded YAML).
const MAX_DEPTH = 64;

/**
 * The images of YAML embedded in the strings of `value` (at any depth, each container once):
 * pod templates, workloads and container lists that core's {@link findEmbeddedImageFields}
 * recognises, each located through `provenance` at its line inside a literal block scalar (`|`),
 * or at the string itself. Strings that are not such YAML are skipped silently.
 */
export function findEmbeddedImages(
  value: unknown,
  basePath: string,
  provenance: Provenance,
): EmbeddedImage[] {
  const found: EmbeddedImage[] = [];
  const visited = new Set<object>();
  const stack: { node: object; path: string; depth: number }[] = [];
  if (typeof value === 'object' && value !== null) stack.push({ node: value, path: basePath, depth: 0 });
  while (stack.length > 0) {
    const { node, path, depth } = stack.pop()!;
    if (visited.has(node) || depth > MAX_DEPTH) continue;
    visited.add(node);
    const entries: [string | number, unknown][] = Array.isArray(node)
      ? node.map((item, index) => [index, item])
      : isMap(node)
        ? Object.entries(node)
        : [];
    // Reversed onto the stack so that strings are read in document order.
    for (const [key, child] of entries.reverse()) {
      // Numbers, booleans and nulls hold no image: their paths are never built.
      if (typeof child === 'string')
        found.push(...imagesOfString(node, key, child, childPathOf(path, key), provenance));
      else if (typeof child === 'object' && child !== null)
        stack.push({ node: child, path: childPathOf(path, key), depth: depth + 1 });
    }
  }
  return found;
}

function childPathOf(path: string, key: string | number): string {
  return typeof key === 'number' ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;
}

function imagesOfString(
  holder: object,
  key: string | number,
  text: string,
  path: string,
  provenance: Provenance,
): EmbeddedImage[] {
  const fields = findEmbeddedImageFields(text);
  if (fields.length === 0) return [];
  const origin = provenance.originOf(holder, key);
  const style = provenance.scalarStyleOf(holder, key);
  return fields.map(({ field, position }) => {
    const where = origin ? { ...origin, ...mapEmbeddedPosition(origin, position, style) } : undefined;
    const value = field.value ?? (field.holder as Record<string | number, unknown>)[field.key];
    const readable = field.problem === undefined && typeof value === 'string' && value !== '';
    return {
      image: readable ? value : undefined,
      ...(readable ? {} : { description: field.problem ?? describeValue(value) }),
      fieldPath: `${path}|${field.fieldPath}`,
      // The raw text is the image itself: the string's own text is the whole embedded YAML.
      origin: where && readable ? { ...where, raw: value } : where,
      ...(field.container === undefined ? {} : { containerName: field.container }),
    };
  });
}

/** The object an embedded string belongs to, as reported with its images. */
export interface EmbeddingObject {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  /** Where the object is written: used when the string's own position is unknown. */
  readonly fallback: { readonly file: string; readonly line: number };
}

/**
 * Adds embedded images to `images` as deployed by `fluxObject`, marked `embedded`; an image
 * field that is not a valid reference (a Go template `{{ … }}` Sluice never evaluates, a
 * mapping, `${VAR}` nothing defines) gets the same diagnostic as any image field.
 */
export function addEmbeddedImages(
  images: ImageSet,
  found: readonly EmbeddedImage[],
  object: EmbeddingObject,
  fluxObject: string,
  diagnostics: Diagnostic[],
): void {
  for (const item of found) {
    if (item.image === undefined) {
      diagnostics.push(
        invalidImageDiagnostic(
          { description: item.description ?? 'empty', fieldPath: item.fieldPath, ...containerOf(item) },
          item.origin,
          object.fallback,
          object,
          fluxObject,
        ),
      );
      continue;
    }
    const diagnostic = images.add(
      {
        image: item.image,
        origin: item.origin,
        fallback: object.fallback,
        kind: object.kind,
        ...(object.namespace ? { namespace: object.namespace } : {}),
        name: object.name,
        ...(item.containerName ? { container: item.containerName } : {}),
        fieldPath: item.fieldPath,
        embedded: true,
      },
      fluxObject,
    );
    if (diagnostic) diagnostics.push(diagnostic);
  }
}

function containerOf(item: EmbeddedImage): { containerName?: string } {
  return item.containerName === undefined ? {} : { containerName: item.containerName };
}
