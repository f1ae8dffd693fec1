import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
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

/** One entry of a test repository tree: file content, a symbolic link to `symlink`, or a FIFO. */
export type TreeEntry = string | Uint8Array | { readonly symlink: string } | { readonly fifo: true };

/** Writes `tree` (relative path → content, symlink or FIFO) below `root`, creating folders. */
export async function writeTree(root: string, tree: Readonly<Record<string, TreeEntry>>): Promise<void> {
  for (const [path, entry] of Object.entries(tree)) {
    const target = join(root, path);
    await mkdir(dirname(target), { recursive: true });
    if (typeof entry === 'object' && 'symlink' in entry) await symlink(entry.symlink, target);
    // Node has no mkfifo: coreutils' does it.
    else if (typeof entry === 'object' && 'fifo' in entry) execFileSync('mkfifo', [target]);
    else await writeFile(target, entry);
  }
}

/** A mounted file system of a few KiB, to make writes fail with ENOSPC. */
export interface TinyFileSystem {
  readonly dir: string;
  unmount(): Promise<void>;
}

/**
 * Mounts a `size`-KiB tmpfs on a new temporary folder (needs root, as CI and the build machines
 * run). Returns undefined where mounting is not permitted.
 */
export async function mountTinyTmpfs(sizeKiB = 64): Promise<TinyFileSystem | undefined> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-tinyfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKiB}k`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    await rm(dir, { recursive: true, force: true });
    return undefined;
  }
  return {
    dir,
    async unmount() {
      execFileSync('umount', [dir], { stdio: 'ignore' });
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export { helmBinary, createHelmHome } from './helm.js';
export type { HelmMajor } from './helm.js';
export { startRegistry, startFileServer, freePort, DOCKER_REGISTRY } from './chart-servers.js';
export type { TestRegistry, TestFileServer } from './chart-servers.js';
export {
  TEST_CHARTS,
  runTestHelm,
  packageChart,
  pushChart,
  indexChartRepository,
  testChart,
} from './charts.js';
export { GOOD_IMAGE, deployment, fluxKustomization } from './flux-manifests.js';
export { isProcessAlive } from './process-alive.js';
export { startGitServer, createBareRepository, hasGit, testGitEnv } from './git-server.js';
export type { TestGitServer, TestCommit } from './git-server.js';
