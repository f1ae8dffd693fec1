import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
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

/** One entry of a test repository tree: file content, or a symbolic link to `symlink`. */
export type TreeEntry = string | Uint8Array | { readonly symlink: string };

/** Writes `tree` (relative path → content or symlink) below `root`, creating folders. */
export async function writeTree(root: string, tree: Readonly<Record<string, TreeEntry>>): Promise<void> {
  for (const [path, entry] of Object.entries(tree)) {
    const target = join(root, path);
    await mkdir(dirname(target), { recursive: true });
    if (typeof entry === 'object' && 'symlink' in entry) await symlink(entry.symlink, target);
    else await writeFile(target, entry);
  }
}
