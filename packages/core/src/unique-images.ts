import { compareStrings } from './compare-strings.js';
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
  const byRef = new Map<string, ImageLocation[]>();
  for (const reference of references) {
    const locations = byRef.get(reference.ref.normalized);
    if (locations) locations.push(toImageLocation(reference));
    else byRef.set(reference.ref.normalized, [toImageLocation(reference)]);
  }
  // Sorted by key alone, without destructuring each pair: the comparison runs ~n log n times.
  return [...byRef.keys()]
    .sort(compareStrings)
    .map((ref) => ({ ref, locations: sortUniqueLocations(byRef.get(ref)!) }));
}

/**
 * Sorts locations and keeps the first of each place: {@link compareLocations} compares every
 * field that makes a place (file, line, column, object, field, container), and the sort is
 * stable, so equal places end up side by side in the order they were found.
 */
function sortUniqueLocations(locations: ImageLocation[]): ImageLocation[] {
  locations.sort(compareLocations);
  let kept = 0;
  for (const location of locations) {
    if (kept === 0 || compareLocations(locations[kept - 1]!, location) !== 0) {
      locations[kept] = location;
      kept += 1;
    }
  }
  locations.length = kept;
  return locations;
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
