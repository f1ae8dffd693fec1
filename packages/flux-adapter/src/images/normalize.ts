import { tryParseImageReference } from '@sluice/core';

/** A normalized image reference, or why the text is not one. */
export type NormalizedImage = { readonly ref: string } | { readonly error: string };

/**
 * Normalizes an image reference with core's distribution-grammar parser, so Flux mode and plain
 * manifest mode name images identically: `nginx` → `docker.io/library/nginx:latest`. Returns
 * the parser's reason for anything that is not a valid reference (such as `${VAR}`).
 */
export function normalizeImage(text: string): NormalizedImage {
  const result = tryParseImageReference(text.trim());
  return result.ok ? { ref: result.ref.normalized } : { error: result.message };
}
