import { SluiceError, tryParseImageReference } from '@sluice/core';

/** Error code of an image reference that cannot be passed to Trivy safely (core's code). */
export const INVALID_IMAGE_REFERENCE = 'SLUICE_INVALID_IMAGE_REFERENCE';

/**
 * Checks that an image reference can be handed to Trivy as an argument and never be read as a
 * flag: it must parse as a reference (core's `tryParseImageReference`: the distribution grammar,
 * no whitespace or control characters, no unresolved `${VAR}`), must not start with `-`, and
 * must be at most 4096 characters. The runner also passes it after `--`, which ends flag
 * parsing in Trivy's CLI (cobra/pflag).
 *
 * @throws SluiceError with code `SLUICE_INVALID_IMAGE_REFERENCE`.
 */
export function validateImageArgument(ref: string): string {
  if (ref.startsWith('-')) {
    throw new SluiceError(
      INVALID_IMAGE_REFERENCE,
      `Invalid image reference ${JSON.stringify(ref)}: it starts with "-" and could be read as a flag.`,
    );
  }
  if (ref.length > 4096) {
    throw new SluiceError(
      INVALID_IMAGE_REFERENCE,
      `Invalid image reference: it is longer than 4096 characters.`,
    );
  }
  const parsed = tryParseImageReference(ref);
  if (!parsed.ok)
    throw new SluiceError(
      INVALID_IMAGE_REFERENCE,
      `Invalid image reference ${JSON.stringify(ref)}: ${parsed.message}.`,
    );
  return ref;
}

/** The parts of an image reference the runner needs for deduplication and matching. */
export interface ImageName {
  /** Docker's canonical form: `docker.io/library/alpine:3.9`, `ghcr.io/org/app:1.0@sha256:…`. */
  readonly normalized: string;
  /** Registry host and path without tag or digest: `docker.io/library/alpine`. */
  readonly repository: string;
  /** Registry host (with its port): `docker.io`, `ghcr.io`, `127.0.0.1:5000`. */
  readonly registry: string;
  readonly tag?: string;
  readonly digest?: string;
}

/**
 * Normalizes an image reference with core's parser (`alpine` → `docker.io/library/alpine:latest`);
 * undefined when the text is not a reference.
 */
export function normalizeImageName(ref: string): ImageName | undefined {
  const parsed = tryParseImageReference(ref);
  if (!parsed.ok) return undefined;
  const { normalized, name, registry, tag, digest } = parsed.ref;
  return {
    normalized,
    repository: name,
    registry,
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}
