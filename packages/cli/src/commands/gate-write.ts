import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@sluice/core';
import type { FluxWorkload, GeneratedGate } from '@sluice/flux-adapter';
import { addDependsOn, addPatches, normalizeRelative, type AddedPatch } from '@sluice/flux-adapter';
import { CliError } from '../exit-codes.js';

/** What wiring the gates in did. */
export interface GateWiring {
  /** Files edited, relative to the repository root, in the order written. */
  readonly edited: readonly string[];
  /** `dependsOn` entries added: `target (file)`. */
  readonly added: readonly string[];
  /** Kustomizations left to the user, with the reason. */
  readonly refused: readonly string[];
}

/**
 * Adds each gate to `spec.dependsOn` of every Kustomization it gates, in that Kustomization's
 * own file, in place ({@link addDependsOn}: one line added, every other byte kept). Skipped:
 * a Kustomization that already depends on its gate (running twice is one run), one Sluice
 * assumed (no file), one read from a checkout outside the repository. Several Kustomizations
 * of one file are edited from the last document up, so that each edit finds its lines.
 */
export async function wireGates(
  root: string,
  gates: readonly GeneratedGate[],
  workloads: readonly FluxWorkload[],
): Promise<GateWiring> {
  const byId = new Map(workloads.map((workload) => [workload.id, workload]));
  const perFile = new Map<string, { workload: FluxWorkload; gate: { name: string; namespace: string } }[]>();
  const refused: string[] = [];
  for (const gate of gates) {
    const entry = gateEntry(gate);
    if (!entry) continue;
    for (const patch of gate.patches) {
      const workload = byId.get(patch.target);
      if (!workload || patch.satisfied) continue;
      const file = normalizeRelative(workload.file);
      if (workload.synthetic === true || file === undefined) {
        refused.push(
          `${patch.target}: ${workload.synthetic === true ? 'assumed by Sluice, not written in the repository' : `written in ${workload.file}, outside the repository`}`,
        );
        continue;
      }
      const list = perFile.get(file) ?? [];
      list.push({ workload, gate: entry });
      perFile.set(file, list);
    }
  }
  const edited: string[] = [];
  const added: string[] = [];
  for (const [file, targets] of [...perFile].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const existing = await readRepositoryFile(root, file);
    if (typeof existing !== 'object') {
      for (const { workload } of targets) refused.push(`${workload.id}: ${existing}`);
      continue;
    }
    let text = existing.text;
    let changed = false;
    for (const { workload, gate } of [...targets].sort((a, b) => b.workload.line - a.workload.line)) {
      const result = addDependsOn(
        text,
        file,
        { name: workload.name, namespace: workload.namespace, line: workload.line },
        gate,
      );
      if (result.status === 'refused') refused.push(`${workload.id}: ${result.reason}`);
      if (result.status !== 'added') continue;
      text = result.text;
      changed = true;
      added.push(`${workload.id} (${file})`);
    }
    if (!changed) continue;
    await writeRepositoryFile(root, file, text, existing.mode);
    edited.push(file);
  }
  return { edited, added: added.sort(), refused };
}

/** The `dependsOn` entry naming a gate's Kustomization, or undefined when there is no gate. */
function gateEntry(gate: GeneratedGate): { name: string; namespace: string } | undefined {
  const metadata = gate.kustomization?.metadata;
  return metadata && { name: metadata.name, namespace: metadata.namespace ?? 'flux-system' };
}

/**
 * `--patch`: instead of editing each gated Kustomization, adds the gate's `dependsOn` through
 * the `spec.patches` of the Kustomization whose build creates them (its parent), in place: one
 * JSON 6902 patch for the targets that already have a `dependsOn` list (`add …/dependsOn/-`)
 * and one for those without (`add …/dependsOn`), each naming its targets (a name regex). A
 * target without a parent written in the repository is left to the user.
 */
export async function patchGates(
  root: string,
  gates: readonly GeneratedGate[],
  workloads: readonly FluxWorkload[],
): Promise<GateWiring> {
  const byId = new Map(workloads.map((workload) => [workload.id, workload]));
  const perParent = new Map<
    string,
    { entry: { name: string; namespace: string }; targets: FluxWorkload[] }
  >();
  const refused: string[] = [];
  for (const gate of gates) {
    const entry = gateEntry(gate);
    if (!entry) continue;
    for (const patch of gate.patches) {
      const workload = byId.get(patch.target);
      if (!workload || patch.satisfied) continue;
      const parent = patch.parent === undefined ? undefined : byId.get(patch.parent);
      if (!parent || parent.synthetic === true || normalizeRelative(parent.file) === undefined) {
        refused.push(`${patch.target}: no parent Kustomization written in the repository to patch`);
        continue;
      }
      const group = perParent.get(parent.id) ?? { entry, targets: [] };
      group.targets.push(workload);
      perParent.set(parent.id, group);
    }
  }
  const edited: string[] = [];
  const added: string[] = [];
  for (const [parentId, { entry, targets }] of [...perParent].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const parent = byId.get(parentId)!;
    const file = normalizeRelative(parent.file)!;
    const existing = await readRepositoryFile(root, file);
    if (typeof existing !== 'object') {
      refused.push(`${parentId}: ${existing}`);
      continue;
    }
    const value = `{name: ${entry.name}, namespace: ${entry.namespace}}`;
    const patches: AddedPatch[] = [];
    for (const withList of [true, false]) {
      const names = targets
        .filter((target) => target.dependsOn.length > 0 === withList)
        .map((target) => target.name.replace(/\./g, '\\.'))
        .sort();
      if (names.length === 0) continue;
      patches.push({
        target: { group: 'kustomize.toolkit.fluxcd.io', kind: 'Kustomization', name: names.join('|') },
        patch: withList
          ? `- op: add\n  path: /spec/dependsOn/-\n  value: ${value}\n`
          : `- op: add\n  path: /spec/dependsOn\n  value: [${value}]\n`,
      });
    }
    const result = addPatches(
      existing.text,
      file,
      { name: parent.name, namespace: parent.namespace, line: parent.line },
      patches,
    );
    if (result.status === 'refused') refused.push(`${parentId}: ${result.reason}`);
    if (result.status !== 'added') continue;
    await writeRepositoryFile(root, file, result.text, existing.mode);
    edited.push(file);
    for (const target of targets) added.push(`${target.id} (a patch in ${parentId}, ${file})`);
  }
  return { edited, added: added.sort(), refused };
}

/**
 * Checks that no part of `path` below `root` is a symbolic link (writing through one could
 * change a file outside the repository, or one the link's author chose): returns why not, or
 * what the path is.
 */
async function inspectPath(root: string, path: string): Promise<{ mode?: number } | string> {
  const parts = path.split('/');
  let current = root;
  for (const [index, part] of parts.entries()) {
    current = join(current, part);
    const info = await lstat(current).catch(() => undefined);
    if (!info) return {};
    if (info.isSymbolicLink()) {
      return `${parts.slice(0, index + 1).join('/')} is a symbolic link: sluice gate --write does not write through links`;
    }
    if (index < parts.length - 1 && !info.isDirectory())
      return `${parts.slice(0, index + 1).join('/')} is not a folder`;
    if (index === parts.length - 1)
      return info.isFile() ? { mode: info.mode & 0o777 } : `${path} is not a file`;
  }
  return {};
}

async function readRepositoryFile(
  root: string,
  file: string,
): Promise<{ text: string; mode?: number } | string> {
  const inspected = await inspectPath(root, file);
  if (typeof inspected === 'string') return inspected;
  if (inspected.mode === undefined) return `${file} does not exist`;
  return { text: await readFile(join(root, file), 'utf8'), mode: inspected.mode };
}

/**
 * Writes a file of the repository (path relative to its root) atomically, creating its folders,
 * never through a symbolic link and never outside the root.
 *
 * @throws CliError when the path leaves the root or goes through a link.
 */
export async function writeRepositoryFile(
  root: string,
  path: string,
  content: string,
  mode?: number,
): Promise<void> {
  const file = normalizeRelative(path);
  if (file === undefined || file === '') throw new CliError(`${path}: outside the repository`);
  const inspected = await inspectPath(root, file);
  if (typeof inspected === 'string') throw new CliError(`cannot write ${file}: ${inspected}`);
  const fileMode = mode ?? inspected.mode;
  await writeFileAtomic(join(root, file), content, {
    createFolder: true,
    ...(fileMode === undefined ? {} : { mode: fileMode }),
  });
}
