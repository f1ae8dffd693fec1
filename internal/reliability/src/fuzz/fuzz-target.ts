import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { parseYaml } from '@sluice/core';
import type { CorpusRun } from './gate-corpus.js';
import { addTopLevelListEntry } from './edit-yaml-text.js';

/** A folder some Kustomization build of the corpus reads, in a copy of the corpus. */
export interface FuzzTarget {
  /** The copy of the corpus being mutated. */
  readonly root: string;
  /** The folder, relative to the root. */
  readonly folder: string;
  /** Its kustomization file (relative to the root), or undefined when Flux generates one. */
  readonly kustomizationFile: string | undefined;
  /** The Kustomizations whose build reads a file added to the folder. */
  readonly owners: readonly string[];
  /** The un-mutated corpus's run. */
  readonly baseline: CorpusRun;
}

/** What one construct did to the corpus: the oracle's input, and what a failure prints. */
export interface Injection {
  readonly construct: string;
  readonly variant: string;
  /** Every file written or edited (relative to the root); an unknown reason must name one. */
  readonly files: readonly string[];
  /** The Flux objects that read the mutation: none of them may pass. */
  readonly owners: readonly string[];
}

/** A way of hiding the marker image from Sluice; undefined when it does not apply to `target`. */
export type Construct = (target: FuzzTarget, random: () => number) => Promise<Injection | undefined>;

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/**
 * The folders of `run`'s corpus a mutation can target, sorted: folders whose kustomization file
 * some build read (owners: its readers), and root-source Kustomization paths without one (Flux
 * generates their kustomization from every manifest below; owners: the Kustomizations of that
 * path).
 */
export function listTargetFolders(
  run: CorpusRun,
): { folder: string; kustomizationFile: string | undefined; owners: string[] }[] {
  const targets = new Map<
    string,
    { folder: string; kustomizationFile: string | undefined; owners: string[] }
  >();
  for (const [file, readers] of run.readers) {
    if (file.startsWith('..') || !KUSTOMIZATION_FILES.includes(posix.basename(file))) continue;
    const folder = posix.dirname(file);
    targets.set(folder, { folder, kustomizationFile: file, owners: [...readers].sort() });
  }
  for (const workload of run.repo.workloads) {
    const path = workload.path;
    if (workload.kind !== 'Kustomization' || path === undefined || path === '' || targets.has(path)) continue;
    if (workload.source !== undefined && workload.source !== 'GitRepository/flux-system/flux-system')
      continue;
    if (workload.method !== 'rendered') continue;
    const owners = run.repo.workloads
      .filter((other) => other.kind === 'Kustomization' && other.path === path && other.method === 'rendered')
      .map((other) => other.id)
      .sort();
    if (owners.length > 0) targets.set(path, { folder: path, kustomizationFile: undefined, owners });
  }
  return [...targets.values()].sort((a, b) => (a.folder < b.folder ? -1 : a.folder > b.folder ? 1 : 0));
}

/** Writes `content` at `file` (relative to the root), creating folders. */
export async function writeRepoFile(root: string, file: string, content: string | Uint8Array): Promise<void> {
  await mkdir(dirname(join(root, file)), { recursive: true });
  await writeFile(join(root, file), content);
}

/**
 * Adds a resource to the target folder: writes `name` (relative to the folder) and, when the
 * folder has a kustomization file, lists it under `resources:`. Returns the files touched.
 */
export async function addResource(
  target: FuzzTarget,
  name: string,
  content: string | Uint8Array,
): Promise<string[] | undefined> {
  const file = posix.join(target.folder, name);
  if (target.kustomizationFile === undefined) {
    await writeRepoFile(target.root, file, content);
    return [file];
  }
  const listed = await editKustomization(target, 'resources', name);
  if (listed === undefined) return undefined;
  await writeRepoFile(target.root, file, content);
  return [file, target.kustomizationFile];
}

/** Adds `entry` to the top-level list `key` of the target's kustomization file (checked to parse). */
export async function editKustomization(
  target: FuzzTarget,
  key: string,
  entry: string,
): Promise<string | undefined> {
  const file = target.kustomizationFile;
  if (file === undefined) return undefined;
  const text = await readFile(join(target.root, file), 'utf8');
  const edited = addTopLevelListEntry(text, key, entry);
  if (edited === undefined) return undefined;
  await writeRepoFile(target.root, file, assertParses(edited, file));
  return file;
}

/**
 * Returns `text` when it parses as YAML: an edit the fuzzer meant to be valid that is not would
 * make the object unknown for the fuzzer's fault and hide what the construct tests.
 */
export function assertParses(text: string, file: string): string {
  const parsed = parseYaml(text, file);
  if (parsed.diagnostics.length > 0)
    throw new Error(`fuzzer bug: its edit of ${file} does not parse: ${parsed.diagnostics[0]!.message}`);
  return text;
}

/** One of `items`, chosen by `random`. */
export function pickOne<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)]!;
}
