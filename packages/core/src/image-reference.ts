import { SluiceError } from './errors.js';
import { REFERENCE_GRAMMAR, REPOSITORY_NAME_MAX_LENGTH } from './reference-grammar.js';

/** The registry Docker assumes when a reference names none. */
export const DEFAULT_REGISTRY = 'docker.io';
/** The tag Docker assumes when a reference has neither tag nor digest. */
export const DEFAULT_TAG = 'latest';

const LEGACY_DEFAULT_REGISTRY = 'index.docker.io';
const OFFICIAL_REPOSITORY_PREFIX = 'library/';
// Far beyond any real reference; keeps the regular expressions away from pathological input.
const MAX_REFERENCE_LENGTH = 4096;
const DIGEST_HEX_LENGTHS: ReadonlyMap<string, number> = new Map([
  ['sha256', 64],
  ['sha384', 96],
  ['sha512', 128],
]);

/**
 * Why an image reference was rejected. The first group mirrors the errors of the distribution
 * reference grammar; the last three are checks Sluice adds before the grammar.
 */
export type ImageReferenceErrorReason =
  | 'name-empty'
  | 'invalid-format'
  | 'name-contains-uppercase'
  | 'name-too-long'
  | 'digest-invalid-format'
  | 'digest-invalid-length'
  | 'digest-unsupported'
  | 'identifier-not-allowed'
  | 'unresolved-variable'
  | 'invalid-characters';

/** A reference split by the grammar alone, before Docker's normalization. */
export interface ParsedReference {
  /** The name exactly as written: `[domain/]path`. */
  readonly name: string;
  /** The domain as written, or `''` when the name has none. */
  readonly domain: string;
  /** The remote name (repository path) as written. */
  readonly path: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** A normalized image reference, as Docker and Kubernetes resolve it. */
export interface ImageRef {
  /** Registry host (with port): `docker.io` when the reference names none. */
  readonly registry: string;
  /** Repository path: `library/nginx` for a one-component Docker Hub name. */
  readonly repository: string;
  /** The tag: as written, or `latest` when there is neither tag nor digest. */
  readonly tag?: string;
  /** True when {@link ImageRef.tag} is the implied `latest`. */
  readonly tagImplied: boolean;
  /** The digest (`sha256:…`), when written. */
  readonly digest?: string;
  /** `registry/repository`. */
  readonly name: string;
  /** The full normalized reference: `docker.io/library/nginx:1.21.0`, `ghcr.io/x/y:1.0@sha256:…`. */
  readonly normalized: string;
  /** The short name people write: `nginx`, `bitnami/redis`, `ghcr.io/x/y`. */
  readonly familiarName: string;
  /** The short form with the written tag and digest: `nginx:1.21.0`. */
  readonly familiar: string;
}

/** The outcome of {@link tryParseImageReference}: an image, or why the text is not one. */
export type ImageReferenceResult =
  | { readonly ok: true; readonly ref: ImageRef }
  | { readonly ok: false; readonly reason: ImageReferenceErrorReason; readonly message: string };

/** Thrown by {@link parseImageReference} and {@link parseReference}; code `SLUICE_INVALID_IMAGE_REFERENCE`. */
export class ImageReferenceError extends SluiceError {
  /** Why the reference was rejected. */
  readonly reason: ImageReferenceErrorReason;

  constructor(reason: ImageReferenceErrorReason, message: string) {
    super('SLUICE_INVALID_IMAGE_REFERENCE', message);
    this.name = 'ImageReferenceError';
    this.reason = reason;
  }
}

type Split =
  { ok: true; value: ParsedReference } | { ok: false; reason: ImageReferenceErrorReason; message: string };

/**
 * Splits a reference by the distribution grammar without any normalization (the grammar's own
 * `Parse`): `nginx` stays `nginx`, with no domain and no tag.
 *
 * @throws {ImageReferenceError} when the text is not a reference.
 */
export function parseReference(text: string): ParsedReference {
  const split = splitReference(text);
  if (!split.ok) throw new ImageReferenceError(split.reason, split.message);
  return split.value;
}

/**
 * Parses and normalizes an image reference the way Docker and Kubernetes do: default registry
 * `docker.io` (`index.docker.io` is folded into it), `library/` for one-component Docker Hub
 * names, `latest` when there is neither tag nor digest; a tag and a digest are both kept.
 *
 * @example
 * ```ts
 * parseImageReference('nginx:1.21.0').normalized; // 'docker.io/library/nginx:1.21.0'
 * parseImageReference('localhost:5000/app').normalized; // 'localhost:5000/app:latest'
 * ```
 * @throws {ImageReferenceError} when the text is not a valid reference (see {@link tryParseImageReference}).
 */
export function parseImageReference(text: string): ImageRef {
  const result = tryParseImageReference(text);
  if (!result.ok) throw new ImageReferenceError(result.reason, result.message);
  return result.ref;
}

/**
 * Like {@link parseImageReference}, but returns why the text was rejected instead of throwing:
 * unresolved variables (`${TAG}`), whitespace or control characters, upper-case repositories,
 * malformed digests, leading separators and everything else the grammar refuses.
 */
export function tryParseImageReference(text: string): ImageReferenceResult {
  // Repositories repeat the same references many times; results are immutable, so share them.
  let result = CACHE.get(text);
  if (result === undefined) {
    result = Object.freeze(parseUncached(text));
    // A full cache keeps what it has: clearing it would make a large repository thrash.
    if (CACHE.size < CACHE_LIMIT) CACHE.set(text, result);
  }
  return result;
}

const CACHE = new Map<string, ImageReferenceResult>();
const CACHE_LIMIT = 20_000;

function parseUncached(text: string): ImageReferenceResult {
  if (text === '') return fail('name-empty', 'repository name must have at least one component');
  // The grammar admits no whitespace, control character or `$`, so the character checks only
  // run to explain a rejection, and they explain it first.
  if (text.length > MAX_REFERENCE_LENGTH) {
    return (
      checkCharacters(text) ??
      fail('name-too-long', `the reference is longer than ${MAX_REFERENCE_LENGTH} characters`)
    );
  }
  if (text.length === 64 && REFERENCE_GRAMMAR.anchoredIdentifier.test(text)) {
    return fail(
      'identifier-not-allowed',
      'a 64-character hexadecimal string is an image ID, not a repository name',
    );
  }
  const { domain, remainder } = splitDockerDomain(text);
  const remote = remainder.slice(0, endOfRemote(remainder));
  if (remote.toLowerCase() !== remote) {
    return (
      checkCharacters(text) ??
      fail('name-contains-uppercase', `repository name must be lowercase (${remote})`)
    );
  }
  const split = splitReference(`${domain}/${remainder}`);
  if (!split.ok) return checkCharacters(text) ?? split;
  // The first component was taken for a registry (it has a `.` or `:`), but the grammar only
  // parsed the text as a path (`my_registry.com/app`: `_` is not allowed in a host). Docker
  // refuses such a name; accepting it would give an empty registry and a normalized form that
  // starts with `/` and does not parse again.
  if (split.value.domain !== domain)
    return checkCharacters(text) ?? fail('invalid-format', 'invalid reference format');
  const { domain: registry, path: repository, tag, digest } = split.value;
  const name = `${registry}/${repository}`;
  const effectiveTag = tag ?? (digest === undefined ? DEFAULT_TAG : undefined);
  const familiarName = familiarizeName(registry, repository);
  // Built by assignment rather than spreading conditional objects: every distinct reference
  // makes one, and the spreads allocated two throw-away objects each. Same keys, same order.
  // Filled in field order below; every required field is set before the cast.
  const ref: { -readonly [K in keyof ImageRef]?: ImageRef[K] } = { registry, repository };
  if (effectiveTag !== undefined) ref.tag = effectiveTag;
  ref.tagImplied = tag === undefined && effectiveTag !== undefined;
  if (digest !== undefined) ref.digest = digest;
  ref.name = name;
  ref.normalized = join(name, effectiveTag, digest);
  ref.familiarName = familiarName;
  ref.familiar = join(familiarName, tag, digest);
  return { ok: true, ref: Object.freeze(ref as ImageRef) };
}

/** Where the repository part of `name[:tag][@digest]` ends. */
function endOfRemote(remainder: string): number {
  for (let index = 0; index < remainder.length; index += 1) {
    const code = remainder.charCodeAt(index);
    if (code === 58 /* : */ || code === 64 /* @ */) return index;
  }
  return remainder.length;
}

/** True when the text names a variable that nobody substituted, such as `${TAG}`, `$TAG` or `$(TAG)`. */
export function hasUnresolvedVariable(text: string): boolean {
  return /\$\{|\$\([A-Za-z_]|\$[A-Za-z_]/.test(text);
}

function checkCharacters(text: string): ImageReferenceResult | undefined {
  if (hasUnresolvedVariable(text)) {
    return fail('unresolved-variable', 'the reference contains a variable that was not substituted');
  }
  if (text.length > MAX_REFERENCE_LENGTH) {
    return fail('name-too-long', `the reference is longer than ${MAX_REFERENCE_LENGTH} characters`);
  }
  // eslint-disable-next-line no-control-regex
  const bad = /[\s\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\ufeff]/.exec(text);
  if (bad) {
    const code = bad[0].codePointAt(0) ?? 0;
    const what = /\s/.test(bad[0]) ? 'whitespace' : 'a control character';
    return fail(
      'invalid-characters',
      `the reference contains ${what} (U+${code.toString(16).toUpperCase().padStart(4, '0')}) at offset ${bad.index}`,
    );
  }
  return undefined;
}

function splitReference(text: string): Split {
  if (text === '') return fail('name-empty', 'repository name must have at least one component');
  if (text.length > MAX_REFERENCE_LENGTH) return fail('name-too-long', 'the reference is too long');
  // One pass of the grammar with the name already split into domain and remote name.
  const match = REFERENCE_GRAMMAR.referenceParts.exec(text);
  if (!match) {
    if (REFERENCE_GRAMMAR.reference.test(text.toLowerCase())) {
      return fail('name-contains-uppercase', 'repository name must be lowercase');
    }
    return fail('invalid-format', 'invalid reference format');
  }
  const domain = match[1] ?? '';
  const path = match[2] ?? '';
  const tag = match[3];
  const digest = match[4];
  const name = domain === '' ? path : `${domain}/${path}`;
  if (path.length > REPOSITORY_NAME_MAX_LENGTH) {
    return fail(
      'name-too-long',
      `repository name must not be more than ${REPOSITORY_NAME_MAX_LENGTH} characters`,
    );
  }
  if (digest !== undefined) {
    const problem = checkDigest(digest);
    if (problem) return problem;
  }
  // By assignment, as in parseUncached: no throw-away objects for the absent fields.
  const value: { -readonly [K in keyof ParsedReference]: ParsedReference[K] } = { name, domain, path };
  if (tag !== undefined) value.tag = tag;
  if (digest !== undefined) value.digest = digest;
  return { ok: true, value };
}

/** Checks the algorithm and the length and alphabet of its hex part, as OCI digests require. */
function checkDigest(digest: string): (Split & { ok: false }) | undefined {
  const colon = digest.indexOf(':');
  if (colon <= 0 || colon === digest.length - 1)
    return fail('digest-invalid-format', 'invalid checksum digest format');
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  const length = DIGEST_HEX_LENGTHS.get(algorithm);
  if (length === undefined) return fail('digest-unsupported', `unsupported digest algorithm (${algorithm})`);
  if (hex.length !== length) return fail('digest-invalid-length', 'invalid checksum digest length');
  if (!/^[a-f0-9]+$/.test(hex)) return fail('digest-invalid-format', 'invalid checksum digest format');
  return undefined;
}

/**
 * Docker's rule for the first path component: it is a registry when it contains `.` or `:`,
 * is `localhost`, or has an upper-case letter (repositories never do); otherwise the name is
 * on Docker Hub.
 */
function splitDockerDomain(text: string): { domain: string; remainder: string } {
  const slash = text.indexOf('/');
  const first = slash === -1 ? '' : text.slice(0, slash);
  const isDomain =
    slash !== -1 && (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first);
  let domain = isDomain ? first : DEFAULT_REGISTRY;
  let remainder = isDomain ? text.slice(slash + 1) : text;
  if (domain === LEGACY_DEFAULT_REGISTRY) domain = DEFAULT_REGISTRY;
  if (domain === DEFAULT_REGISTRY && !remainder.includes('/'))
    remainder = OFFICIAL_REPOSITORY_PREFIX + remainder;
  return { domain, remainder };
}

function familiarizeName(registry: string, repository: string): string {
  if (registry !== DEFAULT_REGISTRY) return `${registry}/${repository}`;
  if (repository.startsWith(OFFICIAL_REPOSITORY_PREFIX)) {
    const short = repository.slice(OFFICIAL_REPOSITORY_PREFIX.length);
    if (!short.includes('/')) return short;
  }
  return repository;
}

function join(name: string, tag: string | undefined, digest: string | undefined): string {
  return `${name}${tag === undefined ? '' : `:${tag}`}${digest === undefined ? '' : `@${digest}`}`;
}

function fail(
  reason: ImageReferenceErrorReason,
  message: string,
): { ok: false; reason: ImageReferenceErrorReason; message: string } {
  return { ok: false, reason, message };
}
