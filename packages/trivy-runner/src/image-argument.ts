import { SluiceError } from '@sluice/core';

/** Error code of an image reference that cannot be passed to Trivy safely. */
export const INVALID_IMAGE_REFERENCE = 'SLUICE_INVALID_IMAGE_REFERENCE';

// Letters, digits and the separators of the distribution reference grammar
// (`[host[:port]/]path[:tag][@algo:hex]`). Anything else (spaces, quotes, control characters)
// has no place in an image name.
const REFERENCE_CHARACTERS = /^[A-Za-z0-9][A-Za-z0-9._\-/:@]*$/;

/**
 * Checks that an image reference can be handed to Trivy as an argument and never be read as a
 * flag: non-empty, at most 4096 characters, no leading `-`, no whitespace or control
 * characters, only the characters of the reference grammar. The runner also passes it after
 * `--`, which ends flag parsing in Trivy's CLI (cobra/pflag).
 *
 * @throws SluiceError with code `SLUICE_INVALID_IMAGE_REFERENCE`.
 */
export function validateImageArgument(ref: string): string {
  const reason =
    ref.length === 0
      ? 'it is empty'
      : ref.length > 4096
        ? 'it is longer than 4096 characters'
        : ref.startsWith('-')
          ? 'it starts with "-" and could be read as a flag'
          : /[\s\p{Cc}]/u.test(ref)
            ? 'it contains whitespace or control characters'
            : !REFERENCE_CHARACTERS.test(ref)
              ? 'it contains characters that no image reference has'
              : undefined;
  if (reason)
    throw new SluiceError(
      INVALID_IMAGE_REFERENCE,
      `Invalid image reference ${JSON.stringify(ref)}: ${reason}.`,
    );
  return ref;
}

/** The parts of an image reference the runner needs for deduplication and matching. */
export interface ImageName {
  /** `docker.io/library/alpine:3.9`, `ghcr.io/org/app@sha256:…`: Docker's canonical form. */
  readonly normalized: string;
  /** Registry host and path without tag or digest: `docker.io/library/alpine`. */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

/**
 * Normalizes an image reference the way Docker does (`alpine` → `docker.io/library/alpine:latest`,
 * `index.docker.io` → `docker.io`, lower-case registry host). A small local version, enough to
 * deduplicate and match reports; it does not validate the full grammar.
 */
export function normalizeImageName(ref: string): ImageName {
  const at = ref.indexOf('@');
  const digest = at === -1 ? undefined : ref.slice(at + 1);
  const name = at === -1 ? ref : ref.slice(0, at);
  const slash = name.indexOf('/');
  const first = slash === -1 ? '' : name.slice(0, slash);
  const hasHost = first.includes('.') || first.includes(':') || first === 'localhost';
  let host = hasHost ? first.toLowerCase() : 'docker.io';
  if (host === 'index.docker.io' || host === 'registry-1.docker.io') host = 'docker.io';
  let path = hasHost ? name.slice(slash + 1) : name;
  const colon = path.lastIndexOf(':');
  let tag = colon > path.lastIndexOf('/') ? path.slice(colon + 1) : undefined;
  if (tag !== undefined) path = path.slice(0, colon);
  if (host === 'docker.io' && !path.includes('/')) path = `library/${path}`;
  if (tag === undefined && digest === undefined) tag = 'latest';
  const repository = `${host}/${path}`;
  const normalized = `${repository}${tag !== undefined ? `:${tag}` : ''}${digest !== undefined ? `@${digest}` : ''}`;
  return {
    normalized,
    repository,
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}
