import { readFile, readdir, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { CliContext } from './io.js';
import type { CommandLine } from './options.js';
import { stringOption } from './options.js';

/** Where a command's folder sits in its repository, when it is a cluster folder inside one. */
export interface ClusterFolder {
  /** The repository root, absolute. */
  readonly root: string;
  /** The cluster's entry folder, relative to the root (`clusters/production`). */
  readonly cluster: string;
  /** How the root was found, for the note on stderr. */
  readonly reason: string;
}

// Cluster folders hold their sync Kustomization at most two levels down
// (clusters/production/flux-system/gotk-sync.yaml); deeper files are not read for this.
const MAX_DEPTH = 2;
const MAX_FILES = 200;
const MAX_FILE_BYTES = 1024 * 1024;

/**
 * `sluice scan clusters/production`: finds the repository a cluster folder belongs to, so that it
 * is read as Flux reads it (every Kustomization `spec.path` is relative to the source's root, not
 * to the cluster folder). The folder is a cluster when it holds the Flux Kustomization that syncs
 * it: one whose `spec.path` is the folder itself seen from an ancestor (Flux's bootstrap writes
 * `path: ./clusters/production` into `clusters/production/flux-system/gotk-sync.yaml`), or a
 * subfolder of it (a FluxInstance cluster: `path: ./kubernetes/clusters/main/flux-instance`); that
 * ancestor is the root. Failing that, inside a git work tree, the nearest `.git` is the root when
 * the folder's Kustomization paths exist there and not below the folder. A folder that is a
 * repository root already, or that holds a `.git`, is returned as it is (undefined).
 */
export async function findClusterFolder(folder: string): Promise<ClusterFolder | undefined> {
  if (await exists(join(folder, '.git'))) return undefined;
  const paths = await kustomizationPaths(folder);
  if (paths.length === 0) return undefined;
  const roots = await syncRoots(folder, paths);
  if (roots.size === 1) {
    const [[root, path] = [folder, '']] = roots;
    return {
      root,
      cluster: relative(root, folder).split(sep).join('/'),
      reason: `its Flux Kustomization syncs ./${path}`,
    };
  }
  if (roots.size > 1) return undefined;
  const gitRoot = await enclosingGitRoot(folder);
  if (gitRoot === undefined) return undefined;
  const below = await countFolders(folder, paths);
  const atRoot = await countFolders(gitRoot, paths);
  if (atRoot === 0 || below >= atRoot) return undefined;
  return {
    root: gitRoot,
    cluster: relative(gitRoot, folder).split(sep).join('/'),
    reason: 'its Flux Kustomization paths are folders of the git repository around it',
  };
}

/**
 * The command line to run: unchanged, unless its folder is a cluster folder inside a repository
 * (see {@link findClusterFolder}) and no `--cluster` or `--images-from` was given; then the
 * folder becomes the repository root and the cluster `--cluster` (one way to choose a cluster),
 * and a note on stderr says so (unless `--quiet`).
 */
export async function locateRepository(commandLine: CommandLine, context: CliContext): Promise<CommandLine> {
  const { values } = commandLine;
  if (stringOption(values, 'cluster') !== undefined || stringOption(values, 'images-from') !== undefined) {
    return commandLine;
  }
  const folder = resolve(context.cwd, commandLine.dir);
  const info = await stat(folder).catch(() => undefined);
  if (!info?.isDirectory()) return commandLine;
  const found = await findClusterFolder(folder);
  if (!found) return commandLine;
  const dir = relative(context.cwd, found.root) || '.';
  if (values.quiet !== true) {
    context.stderr.write(
      `sluice: ${commandLine.dir} is a cluster of the repository at ${dir} (${found.reason}): ` +
        `reading ${dir} --cluster ${found.cluster}\n`,
    );
  }
  return { ...commandLine, dir, values: { ...values, cluster: found.cluster } };
}

/**
 * The ancestors of `folder` that a Kustomization path of the folder is relative to, each with the
 * path that shows it. A path naming the folder itself (`./clusters/production`, Flux bootstrap's
 * gotk-sync) gives the ancestor the path is relative to. A path naming a folder below it
 * (`./kubernetes/clusters/main/flux-instance`, the FluxInstance layout, where the instance syncs
 * the cluster folder and the folder's Kustomization syncs its subfolder) counts only when that
 * subfolder exists below the folder and the whole path does not exist below the folder itself
 * (then the folder would be the root).
 */
async function syncRoots(folder: string, paths: readonly string[]): Promise<Map<string, string>> {
  const segments = folder.split(sep).filter(Boolean);
  const roots = new Map<string, string>();
  for (const path of paths) {
    const wanted = path.split('/');
    for (let shared = Math.min(wanted.length, segments.length - 1); shared >= 1; shared -= 1) {
      if (segments.slice(-shared).join('/') !== wanted.slice(0, shared).join('/')) continue;
      const below = wanted.slice(shared);
      if (
        below.length > 0 &&
        (!(await isDirectory(join(folder, ...below))) || (await isDirectory(join(folder, ...wanted))))
      ) {
        continue;
      }
      const root = sep + segments.slice(0, -shared).join(sep);
      if (!roots.has(root)) roots.set(root, path);
      break;
    }
  }
  return roots;
}

/** The normalized `spec.path` of every Flux Kustomization in the folder's top levels. */
async function kustomizationPaths(folder: string): Promise<string[]> {
  const paths = new Set<string>();
  for (const file of await yamlFiles(folder)) {
    const text = await readFile(file, 'utf8').catch(() => '');
    if (!text.includes('kustomize.toolkit.fluxcd.io')) continue;
    // The YAML parser is loaded only for a file that may hold a Kustomization.
    const { parseManifests } = await import('@sluice/core/extract');
    for (const document of parseManifests(text, file).documents) {
      if (
        document.kind !== 'Kustomization' ||
        !document.apiVersion.startsWith('kustomize.toolkit.fluxcd.io/')
      ) {
        continue;
      }
      const spec = document.object.spec as { path?: unknown } | undefined;
      const path = typeof spec?.path === 'string' ? normalizePath(spec.path) : undefined;
      if (path !== undefined) paths.add(path);
    }
  }
  return [...paths].sort();
}

/** `./clusters/production/` → `clusters/production`; the root (`./`) and `..` give undefined. */
function normalizePath(path: string): string | undefined {
  const parts = path.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.length === 0 || parts.includes('..')) return undefined;
  return parts.join('/');
}

async function yamlFiles(folder: string): Promise<string[]> {
  const files: string[] = [];
  const visit = async (dir: string, depth: number): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (files.length >= MAX_FILES) return;
      const path = join(dir, entry.name);
      if (
        entry.isDirectory() &&
        depth < MAX_DEPTH &&
        !entry.name.startsWith('.') &&
        entry.name !== 'node_modules'
      ) {
        await visit(path, depth + 1);
      } else if (entry.isFile() && /\.ya?ml$/.test(entry.name)) {
        const size = (await stat(path).catch(() => undefined))?.size ?? Infinity;
        if (size <= MAX_FILE_BYTES) files.push(path);
      }
    }
  };
  await visit(folder, 0);
  return files;
}

/** The nearest folder above `folder` holding `.git` (a folder, or a worktree's file). */
async function enclosingGitRoot(folder: string): Promise<string | undefined> {
  let current = resolve(folder, '..');
  for (;;) {
    if (await exists(join(current, '.git'))) return current;
    const parent = resolve(current, '..');
    if (parent === current) return undefined;
    current = parent;
  }
}

async function countFolders(root: string, paths: readonly string[]): Promise<number> {
  let count = 0;
  for (const path of paths) if (await isDirectory(join(root, path))) count += 1;
  return count;
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() === true;
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}
