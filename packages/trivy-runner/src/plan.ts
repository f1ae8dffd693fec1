import { compareStrings } from '@sluice/core';
import type { ScanError } from '@sluice/core';
import { normalizeImageName, validateImageArgument } from './image-argument.js';
import type { ImageName } from './image-argument.js';

/** An image to scan: a reference, optionally with the digest it is known to resolve to. */
export type ImageInput = string | { readonly ref: string; readonly digest?: string };

/** One unique image (normalized reference) as the caller named it. */
export interface PlannedImage {
  /** The reference as the caller gave it (its first spelling). */
  readonly ref: string;
  readonly name: ImageName;
  /** The digest, from the reference itself or from the caller. */
  readonly digest?: string;
}

/** Images that one Trivy run answers: the same normalized reference, or the same known digest. */
export interface ScanGroup {
  /** The reference handed to Trivy: a digest-pinned one when the group has one. */
  readonly target: PlannedImage;
  readonly images: readonly PlannedImage[];
  readonly digest?: string;
}

/** The deduplicated work of a batch, and the references that were rejected. */
export interface ScanPlan {
  readonly groups: readonly ScanGroup[];
  readonly invalid: readonly { readonly ref: string; readonly error: ScanError }[];
}

/**
 * Deduplicates a batch: one entry per normalized reference (`alpine` and
 * `docker.io/library/alpine:latest` are one image), then one scan per known digest (a tag and a
 * digest-pinned reference of the same image share a scan). Invalid references are set aside
 * with an `invalid-reference` error. Groups are sorted by target reference.
 */
export function planScans(inputs: readonly ImageInput[]): ScanPlan {
  const byName = new Map<string, PlannedImage>();
  const invalid = new Map<string, ScanError>();
  for (const input of inputs) {
    const ref = typeof input === 'string' ? input : input.ref;
    try {
      validateImageArgument(ref);
    } catch (error) {
      invalid.set(ref, { code: 'invalid-reference', message: (error as Error).message });
      continue;
    }
    const name = normalizeImageName(ref) as ImageName;
    const digest = (typeof input === 'string' ? undefined : input.digest) ?? name.digest;
    const known = byName.get(name.normalized);
    if (!known) byName.set(name.normalized, { ref, name, ...(digest ? { digest } : {}) });
    else if (!known.digest && digest) byName.set(name.normalized, { ...known, digest });
  }
  const groups = new Map<string, PlannedImage[]>();
  for (const image of byName.values()) {
    const key = image.digest ? `digest:${image.digest}` : `name:${image.name.normalized}`;
    groups.set(key, [...(groups.get(key) ?? []), image]);
  }
  const planned: ScanGroup[] = [...groups.values()].map((images) => {
    const sorted = [...images].sort((a, b) => compareStrings(a.ref, b.ref));
    const target = sorted.find((image) => image.name.digest !== undefined) ?? (sorted[0] as PlannedImage);
    const digest = target.digest;
    return { target, images: sorted, ...(digest ? { digest } : {}) };
  });
  planned.sort((a, b) => compareStrings(a.target.ref, b.target.ref));
  return {
    groups: planned,
    invalid: [...invalid]
      .map(([ref, error]) => ({ ref, error }))
      .sort((a, b) => compareStrings(a.ref, b.ref)),
  };
}
