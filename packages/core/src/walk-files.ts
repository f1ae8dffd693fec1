import type { Dirent, Stats } from 'node:fs';
import { readdirSync, statSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { Diagnostic } from './diagnostic.js';
import { compareStrings } from './compare-strings.js';
import { isInside, resolveInsideRoot, resolveRoot, toPosixPath } from './safe-path.js';
import type { SourceIgnoreOptions } from './source-ignore.js';
import { SourceIgnore } from './source-ignore.js';

/** The file extensions Flux and kustomize read as manifests. */
export const YAML_EXTENSIONS: readonly string[] = ['.yaml', '.yml'];

/** Options of {@link walkYamlFiles}; every field is optional. */
export interface WalkOptions extends SourceIgnoreOptions {
  /** A folder or file below the root (relative to it) to walk instead of the whole root. Default: the root. */
  readonly under?: string;
  /** File name endings to list. Default: {@link YAML_EXTENSIONS}. */
  readonly extensions?: readonly string[];
  /** Ignore rules to reuse (their own options win over `ignore`, `sourceIgnoreFiles`, `defaultExcludes`). */
  readonly rules?: SourceIgnore;
  /** Stops the walk: the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** One file found by {@link walkYamlFiles}. */
export interface WalkedFile {
  /** Relative to the root, forward slashes, as reached (through symlinks inside the root). */
  readonly path: string;
  /** The real absolute path, inside the root. */
  readonly realPath: string;
  /** Size in bytes when listed. */
  readonly size: number;
}

/** The files of a walk, sorted by path, and what was passed over. */
export interface WalkResult {
  readonly files: WalkedFile[];
  readonly diagnostics: Diagnostic[];
}

/**
 * Lists the YAML files below a root (or below `options.under`), sorted by path, the way Flux
 * sees a source: `.sourceignore` files and explicit patterns apply, symlinks are followed only
 * while they stay inside the root, and every real folder is entered once, so symlink loops end.
 * A symlink that leaves the root or points nowhere becomes a diagnostic.
 *
 * @example
 * ```ts
 * const { files } = await walkYamlFiles('/repo', { under: 'apps/base' });
 * files.map((file) => file.path); // ['apps/base/kustomization.yaml', 'apps/base/web.yaml']
 * ```
 * @throws {SluiceError} `SLUICE_ROOT_NOT_FOUND`, or for `under`: `SLUICE_PATH_OUTSIDE_ROOT`, `SLUICE_PATH_NOT_FOUND`.
 */
export async function walkYamlFiles(root: string, options: WalkOptions = {}): Promise<WalkResult> {
  const realRoot = await resolveRoot(root);
  const rules = options.rules ?? (await SourceIgnore.forFolder(realRoot, options));
  const extensions = options.extensions ?? YAML_EXTENSIONS;
  const files: WalkedFile[] = [];
  const diagnostics: Diagnostic[] = [];
  const start = options.under === undefined ? realRoot : await resolveInsideRoot(realRoot, options.under);
  const startPath = options.under === undefined ? '' : normalizeRelative(options.under);
  const startStats = await stat(start);
  if (startStats.isFile()) {
    if (!rules.ignores(startPath, false))
      files.push({ path: startPath, realPath: start, size: startStats.size });
    return { files, diagnostics };
  }
  if (startPath !== '' && rules.prunes(startPath)) {
    diagnostics.push({
      file: startPath,
      severity: 'info',
      code: 'path-ignored',
      message: `${startPath} is excluded by the ignore rules`,
    });
    return { files, diagnostics };
  }
  // A symlink to the start folder or to any folder above it is a loop.
  const visited = new Set<string>([start]);
  for (let folder = start; folder !== realRoot && isInside(realRoot, folder); folder = dirname(folder))
    visited.add(dirname(folder));
  const stack: { path: string; realPath: string }[] = [{ path: startPath, realPath: start }];
  while (stack.length > 0) {
    options.signal?.throwIfAborted();
    const directory = stack.pop()!;
    let entries: Dirent[];
    try {
      // Synchronous, as the stats below: the walk is one small call per folder and per file,
      // and a thread-pool round trip for each cost more than the call.
      entries = readdirSync(directory.realPath, { withFileTypes: true });
    } catch (error) {
      diagnostics.push(unreadable(directory.path, error));
      continue;
    }
    entries.sort((a, b) => compareStrings(a.name, b.name));
    const subdirectories: { path: string; realPath: string }[] = [];
    // The folder's real path is absolute and normalised, an entry's name one element: what
    // join() would give, without normalising every path again.
    const prefix = directory.realPath.endsWith(sep) ? directory.realPath : directory.realPath + sep;
    for (const entry of entries) {
      const path = directory.path === '' ? entry.name : `${directory.path}/${entry.name}`;
      const looksLikeYaml = extensions.some((extension) => entry.name.endsWith(extension));
      let realPath = prefix + entry.name;
      let isDirectory = entry.isDirectory();
      let isFile = entry.isFile();
      let size: number | undefined;
      if (entry.isSymbolicLink() || (!isDirectory && !isFile)) {
        const target = await followLink(realRoot, realPath);
        if (target.kind === 'outside') {
          diagnostics.push({
            file: path,
            severity: 'warning',
            code: 'symlink-outside-root',
            message: `${path} is a symlink that leads outside the root; not followed`,
          });
          continue;
        }
        if (target.kind === 'broken') {
          if (looksLikeYaml)
            diagnostics.push({
              file: path,
              severity: 'warning',
              code: 'broken-symlink',
              message: `${path} is a symlink to nothing`,
            });
          continue;
        }
        realPath = target.realPath;
        isDirectory = target.stats.isDirectory();
        isFile = target.stats.isFile();
        size = target.stats.size;
      }
      if (isDirectory) {
        // An excluded folder is still entered when a `!` pattern may re-include something in it.
        if (rules.prunes(path)) continue;
        if (visited.has(realPath)) {
          diagnostics.push({
            file: path,
            severity: 'info',
            code: 'symlink-loop',
            message: `${path} leads to a folder that was already read; not entered again`,
          });
          continue;
        }
        visited.add(realPath);
        subdirectories.push({ path, realPath });
      } else if (isFile && looksLikeYaml && !rules.ignores(path, false)) {
        let fileSize = size;
        try {
          fileSize ??= statSync(realPath).size;
        } catch (error) {
          diagnostics.push(unreadable(path, error));
          continue;
        }
        files.push({ path, realPath, size: fileSize });
      }
    }
    for (let index = subdirectories.length - 1; index >= 0; index -= 1) stack.push(subdirectories[index]!);
  }
  files.sort((a, b) => compareStrings(a.path, b.path));
  return { files, diagnostics };
}

type LinkTarget =
  { kind: 'inside'; realPath: string; stats: Stats } | { kind: 'outside' } | { kind: 'broken' };

async function followLink(realRoot: string, path: string): Promise<LinkTarget> {
  let realPath: string;
  try {
    realPath = await realpath(path);
  } catch {
    return { kind: 'broken' };
  }
  if (!isInside(realRoot, realPath)) return { kind: 'outside' };
  try {
    return { kind: 'inside', realPath, stats: await stat(realPath) };
  } catch {
    return { kind: 'broken' };
  }
}

function normalizeRelative(path: string): string {
  const normalized = toPosixPath(relative('.', join('.', path)));
  return normalized === '.' ? '' : normalized;
}

function unreadable(path: string, error: unknown): Diagnostic {
  const reason = error instanceof Error ? error.message : String(error);
  return {
    file: path,
    severity: 'error',
    code: 'unreadable',
    message: `cannot read ${path || 'the root folder'}: ${reason}`,
  };
}
