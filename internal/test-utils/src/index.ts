import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO_ROOT: string = fileURLToPath(new URL('../../../', import.meta.url));

/** Absolute path of a file under the repository root. */
export function repoPath(relative: string): string {
  return fileURLToPath(new URL(relative, new URL('../../../', import.meta.url)));
}

/**
 * The shared reference material beside the checkout (`../shared`), or undefined where it does
 * not exist (a fresh clone): tests that read it must be guarded, and tests that must always run
 * read copies under `__fixtures__` instead.
 */
export const SHARED_ROOT: string | undefined = (() => {
  const path = repoPath('../shared/');
  return existsSync(path) ? path : undefined;
})();

/** Reads a text file relative to the repository root. */
export async function readRepoFile(relative: string): Promise<string> {
  return readFile(repoPath(relative), 'utf8');
}
