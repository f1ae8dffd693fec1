import { lstat, readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { MAX_POLICY_FILE_SIZE, readRepositoryPolicyFile } from '@sluice/core/files';
import type { PolicyFileResult } from '@sluice/core/files';
import { CliError } from './exit-codes.js';

/** A policy file the run reads: its text, and how to name it in messages. */
export interface PolicyFileText {
  readonly text: string;
  /** The path as messages show it: relative to the working directory when below it. */
  readonly display: string;
  readonly path: string;
}

/** A policy file found in a folder, or why the one there was refused. */
export type FoundPolicyFile =
  | { readonly status: 'read'; readonly file: PolicyFileText }
  | { readonly status: 'refused'; readonly display: string; readonly message: string }
  | { readonly status: 'missing' };

/** Where a path is shown from: relative to the working directory when below it, else as it is. */
export function displayPath(path: string, cwd: string): string {
  const shown = relative(cwd, path);
  return shown !== '' && !shown.startsWith('..') && !isAbsolute(shown) ? shown : path;
}

function isBelow(folder: string, path: string): boolean {
  const inside = relative(folder, path);
  return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside);
}

/**
 * Looks for the first of `names` in `folder` (a folder of the scanned repository): the first
 * name that exists in any form is the one, and it is read with core's
 * `readRepositoryPolicyFile` (a regular file, no symlink, no FIFO or device, at most 1 MiB).
 */
export async function findPolicyFile(
  folder: string,
  names: readonly string[],
  cwd: string,
): Promise<FoundPolicyFile> {
  for (const name of names) {
    const path = resolve(folder, name);
    const result = await readRepositoryPolicyFile(folder, name);
    if (result.status === 'missing') continue;
    return toFound(result, path, cwd);
  }
  return { status: 'missing' };
}

function toFound(
  result: Exclude<PolicyFileResult, { status: 'missing' }>,
  path: string,
  cwd: string,
): FoundPolicyFile {
  const display = displayPath(path, cwd);
  if (result.status === 'refused') return { status: 'refused', display, message: result.message };
  return { status: 'read', file: { text: result.text, display, path } };
}

/**
 * Reads a policy file named on the command line or in a `--config` file. A file inside the
 * scanned repository is still the repository's: it is read under the same rules as a file found
 * there (refused when it is a symlink, a FIFO, a device or too large). A file elsewhere is the
 * operator's own: links are followed and a pipe (`--config <(…)`) works, up to the size cap.
 *
 * @throws CliError (exit 2) naming the option and the file when it is missing, refused or unreadable.
 */
export async function readNamedPolicyFile(
  option: string,
  given: string,
  repository: string | undefined,
  cwd: string,
): Promise<PolicyFileText> {
  const path = resolve(cwd, given);
  const display = displayPath(path, cwd);
  if (repository !== undefined && isBelow(repository, path)) {
    const result = await readRepositoryPolicyFile(repository, path);
    if (result.status === 'missing') throw new CliError(`${option} ${given}: no such file`);
    if (result.status === 'refused') throw new CliError(`${option} ${given}: ${result.message}`);
    return { text: result.text, display, path };
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new CliError(`${option} ${given}: ${(error as Error).message}`, undefined, { cause: error });
  }
  if (bytes.length > MAX_POLICY_FILE_SIZE) {
    throw new CliError(
      `${option} ${given}: larger than the limit of ${MAX_POLICY_FILE_SIZE} bytes for a policy file`,
    );
  }
  return { text: bytes.toString('utf8').replace(/^\ufeff/, ''), display, path };
}

/** True when something (of any type, a dangling link too) exists at the path. */
export async function existsAtAll(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}
