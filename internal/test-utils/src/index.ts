import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO_ROOT: string = fileURLToPath(new URL('../../../', import.meta.url));

/** Absolute path of a file under the repository root. */
export function repoPath(relative: string): string {
  return fileURLToPath(new URL(relative, new URL('../../../', import.meta.url)));
}

/** Reads a text file relative to the repository root. */
export async function readRepoFile(relative: string): Promise<string> {
  return readFile(repoPath(relative), 'utf8');
}
