import { compareStrings } from './diagnostic.js';
import type { ImageReference } from './extract-images.js';
import { toImageLocation } from './extract-images.js';
import type { ImageEntry, ImageLocation } from './report.js';

/**
 * Groups references by normalized image, each image once with all the places it is written.
 * Images are sorted by reference and locations by file, line, column, then the rest, so the
 * same references always give the same list; a location reported twice is kept once.
 *
 * @example
 * ```ts
 * collectUniqueImages(references);
 * // [{ ref: 'docker.io/library/nginx:1.21.0', locations: [{ file: 'apps/web.yaml', line: 12, column: 16, … }] }]
 * ```
 */
export function collectUniqueImages(references: readonly ImageReference[]): ImageEntry[] {
  const byRef = new Map<string, Map<string, ImageLocation>>();
  for (const reference of references) {
    let locations = byRef.get(reference.ref.normalized);
    if (!locations) byRef.set(reference.ref.normalized, (locations = new Map()));
    const location = toImageLocation(reference);
    const key = locationKey(location);
    if (!locations.has(key)) locations.set(key, location);
  }
  return [...byRef.entries()]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([ref, locations]) => ({ ref, locations: [...locations.values()].sort(compareLocations) }));
}

/** Orders locations by file, line, column, then object and field, for deterministic output. */
export function compareLocations(a: ImageLocation, b: ImageLocation): number {
  return (
    compareStrings(a.file, b.file) ||
    a.line - b.line ||
    a.column - b.column ||
    compareStrings(a.kind, b.kind) ||
    compareStrings(a.namespace ?? '', b.namespace ?? '') ||
    compareStrings(a.name, b.name) ||
    compareStrings(a.fieldPath ?? '', b.fieldPath ?? '') ||
    compareStrings(a.container ?? '', b.container ?? '')
  );
}

function locationKey(location: ImageLocation): string {
  return JSON.stringify([
    location.file,
    location.line,
    location.column,
    location.kind,
    location.namespace ?? '',
    location.name,
    location.fieldPath ?? '',
    location.container ?? '',
  ]);
}
