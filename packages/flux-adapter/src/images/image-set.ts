import {
  compareStrings,
  isSopsEncrypted,
  type Diagnostic,
  type ImageEntry,
  type ImageLocation,
} from '@sluice/core';
import type { ValueOrigin } from '../kustomize/provenance.js';
import { normalizeImage } from './normalize.js';

/** One image found in a rendered object or in HelmRelease values. */
export interface ImageFinding {
  /** The final image text. */
  readonly image: string;
  /** Where the image text is written, when known. */
  readonly origin: ValueOrigin | undefined;
  /** Where the object is written: used when the value's own position is unknown. */
  readonly fallback: { readonly file: string; readonly line: number };
  /** The object holding the image (`Deployment`, `HelmRelease`, …). */
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly container?: string;
  readonly fieldPath?: string;
  /** For a Helm chart's default image: the chart, its version and the template holding the image. */
  readonly chart?: { readonly name: string; readonly version: string; readonly template: string };
  /** The image is written in YAML embedded in a string (see `ImageLocation.embedded`). */
  readonly embedded?: boolean;
}

/**
 * Collects image findings into unique images (by normalized reference) with their locations;
 * a location written once but deployed by several Flux objects lists them all.
 */
export class ImageSet {
  readonly #locations = new Map<string, { ref: string; location: ImageLocation; fluxObjects: Set<string> }>();

  /**
   * Adds a finding deployed by `fluxObject` (`kind/namespace/name`). Returns a diagnostic when
   * the text is not a valid reference (an unresolved variable names the variables).
   */
  add(finding: ImageFinding, fluxObject: string): Diagnostic | undefined {
    const normalized = normalizeImage(finding.image);
    const file = finding.origin?.file ?? finding.fallback.file;
    const line = finding.origin?.line ?? finding.fallback.line;
    if ('error' in normalized && isSopsEncrypted(finding.image)) {
      return {
        file,
        line,
        ...(finding.origin ? { column: finding.origin.column } : {}),
        severity: 'error',
        code: 'encrypted-image',
        message: `Image of ${finding.kind}/${finding.name} is SOPS-encrypted (ENC[…]) in ${fluxObject}: only the cluster can decrypt it, so what it deploys is unknown`,
        object: fluxObject,
      };
    }
    if ('error' in normalized) {
      const variables = [...finding.image.matchAll(/\$\{([_a-zA-Z][_a-zA-Z0-9]*)/g)].map((match) => match[1]);
      return {
        file,
        line,
        ...(finding.origin ? { column: finding.origin.column } : {}),
        severity: 'error',
        code: variables.length > 0 ? 'unresolved-variable' : 'invalid-image-reference',
        message:
          variables.length > 0
            ? `Image ${finding.image} of ${finding.kind}/${finding.name} uses undefined variable${variables.length > 1 ? 's' : ''} ${variables.join(', ')} in ${fluxObject}`
            : `Image ${finding.image} of ${finding.kind}/${finding.name} is not a valid reference: ${normalized.error}`,
        object: fluxObject,
      };
    }
    const location: ImageLocation = {
      file,
      line,
      column: finding.origin?.column ?? 1,
      raw: finding.origin?.raw ?? finding.image,
      kind: finding.kind,
      ...(finding.namespace ? { namespace: finding.namespace } : {}),
      name: finding.name,
      ...(finding.container ? { container: finding.container } : {}),
      ...(finding.fieldPath ? { fieldPath: finding.fieldPath } : {}),
      ...(finding.origin?.documentIndex === undefined ? {} : { documentIndex: finding.origin.documentIndex }),
      // Before `fluxObjects`, added last, as in the schema: a file read back is byte-identical.
      ...(finding.embedded ? { embedded: true as const } : {}),
      ...(finding.chart ? { chart: { ...finding.chart } } : {}),
    };
    const key = [
      normalized.ref,
      file,
      line,
      location.column,
      finding.kind,
      finding.namespace ?? '',
      finding.name,
      finding.container ?? '',
      finding.fieldPath ?? '',
      finding.chart ? `${finding.chart.name}@${finding.chart.version}/${finding.chart.template}` : '',
    ].join('\0');
    let entry = this.#locations.get(key);
    if (!entry) {
      entry = { ref: normalized.ref, location, fluxObjects: new Set() };
      this.#locations.set(key, entry);
    }
    entry.fluxObjects.add(fluxObject);
    return undefined;
  }

  /** Adds every location of another set. */
  merge(other: ImageSet): void {
    for (const [key, value] of other.#locations) {
      const entry = this.#locations.get(key);
      if (entry) for (const object of value.fluxObjects) entry.fluxObjects.add(object);
      else this.#locations.set(key, { ...value, fluxObjects: new Set(value.fluxObjects) });
    }
  }

  /** The number of unique images. */
  get size(): number {
    return new Set([...this.#locations.values()].map((entry) => entry.ref)).size;
  }

  /** The unique images, sorted by reference, each with sorted locations. */
  entries(): ImageEntry[] {
    const byRef = new Map<string, ImageLocation[]>();
    for (const entry of this.#locations.values()) {
      const locations = byRef.get(entry.ref) ?? [];
      locations.push({ ...entry.location, fluxObjects: [...entry.fluxObjects].sort(compareStrings) });
      byRef.set(entry.ref, locations);
    }
    return [...byRef.entries()]
      .sort(([a], [b]) => compareStrings(a, b))
      .map(([ref, locations]) => ({ ref, locations: locations.sort(compareLocations) }));
  }
}

function compareLocations(a: ImageLocation, b: ImageLocation): number {
  return (
    compareStrings(a.file, b.file) ||
    a.line - b.line ||
    a.column - b.column ||
    compareStrings(a.kind, b.kind) ||
    compareStrings(a.name, b.name) ||
    compareStrings(a.fieldPath ?? '', b.fieldPath ?? '')
  );
}
