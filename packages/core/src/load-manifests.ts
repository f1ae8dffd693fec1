import type { Diagnostic } from './diagnostic.js';
import { compareDiagnostics } from './diagnostic.js';
import { isSluiceError } from './errors.js';
import type { ManifestDocument, ParsedManifests } from './manifest.js';
import { addStats, emptyStats, parseManifests } from './manifest.js';
import type { ReadTextOptions } from './read-text-file.js';
import { DEFAULT_MAX_FILE_SIZE, readTextAt } from './read-text-file.js';
import { PATH_OUTSIDE_ROOT, resolveRoot } from './safe-path.js';
import type { SourceIgnoreOptions } from './source-ignore.js';
import { SourceIgnore } from './source-ignore.js';
import type { WalkedFile } from './walk-files.js';
import { walkYamlFiles } from './walk-files.js';

/** Options of {@link loadManifests}; every field is optional. */
export interface LoadManifestsOptions extends SourceIgnoreOptions, ReadTextOptions {
  /** Folders or files below the root (relative to it) to load instead of the whole root. Default: the root. */
  readonly paths?: readonly string[];
  /** Files read at the same time. Default: `16`. */
  readonly concurrency?: number;
  /** Stops loading: the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** The Kubernetes objects below a root, with the files they came from. */
export interface LoadedManifests extends ParsedManifests {
  /** Every YAML file considered, relative to the root, sorted. */
  readonly files: string[];
}

const DEFAULT_CONCURRENCY = 16;

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
  const realRoot = await resolveRoot(root);
  const rules = await SourceIgnore.forFolder(realRoot, options);
  const diagnostics: Diagnostic[] = [];
  const byPath = new Map<string, WalkedFile>();
  for (const under of options.paths ?? [undefined]) {
    try {
      const walked = await walkYamlFiles(realRoot, {
        ...(under === undefined ? {} : { under }),
        rules,
        ...signalOf(options),
      });
      for (const file of walked.files) byPath.set(file.path, file);
      for (const diagnostic of walked.diagnostics) diagnostics.push(diagnostic);
    } catch (error) {
      if (!isSluiceError(error) || under === undefined) throw error;
      const code = error.code === PATH_OUTSIDE_ROOT ? 'path-outside-root' : 'path-not-found';
      diagnostics.push({ file: under, severity: 'error', code, message: error.message });
    }
  }
  const files = [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const results = await mapLimited(
    files,
    options.concurrency ?? DEFAULT_CONCURRENCY,
    options.signal,
    (file) => loadFile(file, options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE),
  );
  const documents: ManifestDocument[] = [];
  const stats = emptyStats();
  for (const result of results) {
    // Appended one by one: spreading a file's documents into push() passes each as an
    // argument and overflows the call stack for a file of ~100,000 documents.
    for (const document of result.documents) documents.push(document);
    for (const diagnostic of result.diagnostics) diagnostics.push(diagnostic);
    addStats(stats, result.stats);
  }
  diagnostics.sort(compareDiagnostics);
  return { documents, diagnostics, stats, files: files.map((file) => file.path) };
}

async function loadFile(file: WalkedFile, maxFileSize: number): Promise<ParsedManifests> {
  const read = await readTextAt(file.realPath, file.path, maxFileSize);
  if (!read.ok) {
    const stats = emptyStats();
    stats.skippedFiles = 1;
    return { documents: [], diagnostics: [read.diagnostic], stats };
  }
  return parseManifests(read.text, file.path);
}

/** Maps items with at most `limit` calls in flight; results keep the input order. */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  signal: AbortSignal | undefined,
  run: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      signal?.throwIfAborted();
      const index = next;
      next += 1;
      results[index] = await run(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

function signalOf(options: LoadManifestsOptions): { signal?: AbortSignal } {
  return options.signal ? { signal: options.signal } : {};
}
