// The walk and the reads of plain mode, apart from the parsing (js-yaml) and the schemas (zod)
// of load-manifests.ts: `@sluice/core/files` exports them, so that the bundled CLI can walk a
// folder (and report an empty one) without loading those.
import type { Diagnostic } from './diagnostic.js';
import { isSluiceError } from './errors.js';
import type { LoadManifestsOptions } from './load-manifests.js';
import type { ReadTextOptions, ReadTextResult } from './read-text-file.js';
import { DEFAULT_MAX_FILE_SIZE, readTextAtSync } from './read-text-file.js';
import { PATH_OUTSIDE_ROOT, resolveRoot } from './safe-path.js';
import { SourceIgnore } from './source-ignore.js';
import type { WalkedFile } from './walk-files.js';
import { walkYamlFiles } from './walk-files.js';

/** The YAML files below a root, as {@link walkManifestFiles} lists them. */
export interface ManifestFiles {
  /** Sorted by path, each once. */
  readonly files: readonly WalkedFile[];
  /** What the walk passed over (symlinks leaving the root, unreadable folders, missing paths). */
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * The first step of `loadManifests`: the YAML files below a root (or below each of
 * `options.paths`), sorted, each once. A caller that looks at the texts before parsing them
 * (the CLI tells a Flux repository from plain manifests that way) reads them with
 * {@link readManifestFile} and parses them with `parseManifestFiles`.
 *
 * @throws {SluiceError} `SLUICE_ROOT_NOT_FOUND` when the root folder does not exist; the
 * signal's reason when aborted.
 */
export async function walkManifestFiles(
  root: string,
  options: LoadManifestsOptions = {},
): Promise<ManifestFiles> {
  const realRoot = await resolveRoot(root);
  const rules = await SourceIgnore.forFolder(realRoot, options);
  const diagnostics: Diagnostic[] = [];
  const byPath = new Map<string, WalkedFile>();
  for (const under of options.paths ?? [undefined]) {
    try {
      const walked = await walkYamlFiles(realRoot, {
        ...(under === undefined ? {} : { under }),
        rules,
        ...(options.signal ? { signal: options.signal } : {}),
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
  return { files, diagnostics };
}

/** The text of one file of a walk, or why it was not read (see {@link readTextAtSync}). */
export function readManifestFile(file: WalkedFile, options: ReadTextOptions = {}): ReadTextResult {
  return readTextAtSync(file.realPath, file.path, options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE);
}
