import type { Diagnostic } from './diagnostic.js';
import { compareDiagnostics } from './compare-diagnostics.js';
import type { ManifestDocument, ManifestStats, ParsedManifests } from './manifest.js';
import { addStats, emptyStats, parseManifests } from './manifest.js';
import type { ReadTextOptions, ReadTextResult } from './read-text-file.js';
import type { SourceIgnoreOptions } from './source-ignore.js';
import type { WalkedFile } from './walk-files.js';
import type { ManifestFiles } from './walk-manifest-files.js';
import { readManifestFile, walkManifestFiles } from './walk-manifest-files.js';

/** Options of {@link loadManifests}; every field is optional. */
export interface LoadManifestsOptions extends SourceIgnoreOptions, ReadTextOptions {
  /** Folders or files below the root (relative to it) to load instead of the whole root. Default: the root. */
  readonly paths?: readonly string[];
  /**
   * @deprecated Ignored: files are read one after another, synchronously. A repository's files
   * are small, and a thread-pool round trip per open, stat, read and close cost more than the
   * reads themselves (and left the process idle while parsing waited for them).
   */
  readonly concurrency?: number;
  /** Stops loading: the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** The Kubernetes objects below a root, with the files they came from. */
export interface LoadedManifests extends ParsedManifests {
  /** Every YAML file considered, relative to the root, sorted. */
  readonly files: string[];
}

/**
 * Loads every Kubernetes object written in the `.yaml`/`.yml` files below a folder, the way
 * Flux sees the folder ({@link walkYamlFiles}: `.sourceignore`, explicit ignore patterns,
 * symlinks only inside the root), with the position of every value. Nothing in the input
 * makes it throw: unreadable, oversized, binary and non-UTF-8 files, syntax errors and
 * templates become diagnostics and every other file is still loaded. Output is sorted by file
 * and document, so the same folder always gives the same result.
 *
 * @example
 * ```ts
 * const { documents, diagnostics, stats } = await loadManifests('./repo', { ignore: ['*.sops.yaml'] });
 * const { references } = extractImages(documents);
 * ```
 * @throws {SluiceError} `SLUICE_ROOT_NOT_FOUND` when the root folder does not exist; the
 * signal's reason when aborted.
 */
export async function loadManifests(
  root: string,
  options: LoadManifestsOptions = {},
): Promise<LoadedManifests> {
  const walked = await walkManifestFiles(root, options);
  const reads = walked.files.map((file) => {
    options.signal?.throwIfAborted();
    return readManifestFile(file, options);
  });
  return parseManifestFiles(walked, reads, options.signal ? { signal: options.signal } : {});
}

/**
 * The last step of {@link loadManifests}: parses the texts of a walk's files (`reads[i]` is
 * `walked.files[i]`'s), in order, and gathers their objects, diagnostics (sorted) and counts.
 */
export function parseManifestFiles(
  walked: ManifestFiles,
  reads: readonly ReadTextResult[],
  options: ParseManifestFilesOptions = {},
): LoadedManifests {
  const stream = streamManifestFiles(walked, reads, options);
  const documents: ManifestDocument[] = [];
  for (const document of stream.documents) documents.push(document);
  return { documents, diagnostics: stream.diagnostics, stats: stream.stats, files: stream.files };
}

/** Options of {@link parseManifestFiles} and {@link streamManifestFiles}. */
export interface ParseManifestFilesOptions {
  /** Stops parsing between files: the call (or the iteration) throws the signal's reason. */
  readonly signal?: AbortSignal;
}

/** The objects of a walk's files, parsed one file at a time as they are iterated. */
export interface ManifestStream {
  /** Every YAML file considered, relative to the root, sorted. */
  readonly files: string[];
  /** The objects, file by file: iterable once. */
  readonly documents: Iterable<ManifestDocument>;
  /** Complete (and sorted) once `documents` has been iterated to its end. */
  readonly diagnostics: Diagnostic[];
  /** Complete once `documents` has been iterated to its end. */
  readonly stats: ManifestStats;
}

/**
 * {@link parseManifestFiles} for a caller that only passes over the objects (the CLI extracts
 * their images): a file is parsed when the iteration reaches it, so that only the objects the
 * caller keeps outlive it. Holding every object of a large repository at once made the garbage
 * collector copy them from generation to generation for nothing.
 */
export function streamManifestFiles(
  walked: ManifestFiles,
  reads: readonly ReadTextResult[],
  options: ParseManifestFilesOptions = {},
): ManifestStream {
  const diagnostics: Diagnostic[] = [...walked.diagnostics];
  const stats = emptyStats();
  function* documents(): Generator<ManifestDocument> {
    for (const [index, file] of walked.files.entries()) {
      // Between files: a stopped run ends within one file's parse.
      options.signal?.throwIfAborted();
      const result = parsedFile(file, reads[index]);
      for (const diagnostic of result.diagnostics) diagnostics.push(diagnostic);
      addStats(stats, result.stats);
      yield* result.documents;
    }
    diagnostics.sort(compareDiagnostics);
  }
  return { files: walked.files.map((file) => file.path), documents: documents(), diagnostics, stats };
}

function parsedFile(file: WalkedFile, read: ReadTextResult | undefined): ParsedManifests {
  if (read === undefined) throw new RangeError(`parseManifestFiles: no text for ${file.path}`);
  if (!read.ok) {
    const stats = emptyStats();
    stats.skippedFiles = 1;
    return { documents: [], diagnostics: [read.diagnostic], stats };
  }
  return parseManifests(read.text, file.path);
}
