import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { SluiceError } from './errors.js';

/** Error code of a path that leaves the root, directly or through a symlink. */
export const PATH_OUTSIDE_ROOT = 'SLUICE_PATH_OUTSIDE_ROOT';
/** Error code of a root folder that does not exist or is not a folder. */
export const ROOT_NOT_FOUND = 'SLUICE_ROOT_NOT_FOUND';
/** Error code of a path inside the root that does not exist. */
export const PATH_NOT_FOUND = 'SLUICE_PATH_NOT_FOUND';

/** Converts a native relative path to the forward-slash form used in reports. */
export function toPosixPath(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

/** True when `child` (absolute, resolved) is `parent` or below it. */
export function isInside(parent: string, child: string): boolean {
  const path = relative(parent, child);
  return path === '' || (!path.startsWith('..') && !isAbsolute(path));
}

/**
 * Resolves `relativePath` against `root` and checks that it stays inside the root, also after
 * following symlinks (both are compared as real paths). Returns the real absolute path.
 *
 * @example
 * ```ts
 * const file = await resolveInsideRoot('/repo', 'apps/base/kustomization.yaml');
 * await resolveInsideRoot('/repo', '../etc/passwd'); // throws SLUICE_PATH_OUTSIDE_ROOT
 * ```
 * @throws {SluiceError} `SLUICE_PATH_OUTSIDE_ROOT` when the path (or a symlink on it) leads
 * outside the root; `SLUICE_PATH_NOT_FOUND` when it does not exist; `SLUICE_ROOT_NOT_FOUND`
 * when the root does not exist.
 */
export async function resolveInsideRoot(root: string, relativePath: string): Promise<string> {
  const realRoot = await realRoot_(root);
  if (relativePath.includes('\0'))
    throw new SluiceError(PATH_OUTSIDE_ROOT, `invalid path: ${JSON.stringify(relativePath)}`);
  // An absolute path is accepted when it names something under the root as given.
  const inRoot = isAbsolute(relativePath) ? relative(resolve(root), relativePath) : relativePath;
  const lexical = resolve(realRoot, inRoot);
  if (!isInside(realRoot, lexical)) {
    throw new SluiceError(PATH_OUTSIDE_ROOT, `${relativePath} is outside the root ${root}`);
  }
  let real: string;
  try {
    real = await realpath(lexical);
  } catch (error) {
    throw new SluiceError(PATH_NOT_FOUND, `${relativePath} does not exist under ${root}`, { cause: error });
  }
  if (!isInside(realRoot, real)) {
    throw new SluiceError(
      PATH_OUTSIDE_ROOT,
      `${relativePath} leads outside the root ${root} (through a symlink)`,
    );
  }
  return real;
}

/**
 * The real path of a root folder.
 *
 * @throws {SluiceError} `SLUICE_ROOT_NOT_FOUND` when it does not exist.
 */
export async function resolveRoot(root: string): Promise<string> {
  return realRoot_(root);
}

async function realRoot_(root: string): Promise<string> {
  try {
    return await realpath(resolve(root));
  } catch (error) {
    throw new SluiceError(ROOT_NOT_FOUND, `the folder ${root} does not exist`, { cause: error });
  }
}
