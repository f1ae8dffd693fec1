import { posix } from 'node:path';
import { compareStrings } from '@sluice/core';
import type { DependsOnEntry, FluxWorkload } from '../model.js';
import { isMap } from '../kustomize/resource.js';
import { workloadId } from '../model.js';
import { normalizeRelative } from '../source/repo-files.js';
import { readDependsOn, type LoadContext } from './context.js';
import type { RawFluxObject } from './raw-scan.js';

/** Entry folders named by the repository itself: FluxInstance sync paths and the root Kustomization's path. */
export async function detectEntries(context: LoadContext): Promise<string[]> {
  const entries = new Set<string>();
  for (const sync of context.scan.syncPaths) {
    const path = normalizeRelative(sync.path);
    if (path !== undefined && (await context.registry.root().typeOf(path)) === 'dir') entries.add(path);
  }
  const [, rootNamespace, rootName] = context.registry.rootSource.split('/');
  for (const raw of context.scan.fluxObjects) {
    const object = raw.object;
    if (
      object.kind !== 'Kustomization' ||
      object.name !== rootName ||
      (object.namespace ?? rootNamespace) !== rootNamespace
    )
      continue;
    if (object.spec.sourceRef.name !== rootName) continue;
    const path = normalizeRelative(object.spec.path ?? '');
    if (path !== undefined && !path.includes('${')) entries.add(path);
  }
  return [...entries].sort(compareStrings);
}

/**
 * Entry folders when the repository names none: the shallowest folders holding Flux
 * Kustomizations (else HelmReleases, valid or partial) that no kustomization file and no Flux
 * Kustomization path refers to, such as `clusters/production` and `clusters/staging`.
 */
export function fallbackEntries(context: LoadContext): string[] {
  const { referencedDirs } = context.scan;
  const isReferenced = (dir: string): boolean => {
    const parts = dir.split('/');
    for (let index = parts.length; index > 0; index -= 1)
      if (referencedDirs.has(parts.slice(0, index).join('/'))) return true;
    return false;
  };
  const candidates = [...context.scan.workloadFiles]
    .map(([file, kind]) => ({ kind, dir: posix.dirname(file) === '.' ? '' : posix.dirname(file) }))
    .filter(({ dir }) => !isReferenced(dir));
  const rank = (candidate: { kind: string; dir: string }): number =>
    (candidate.kind === 'Kustomization' ? 0 : 1000) + depth(candidate.dir);
  const best = Math.min(...candidates.map(rank));
  return [
    ...new Set(candidates.filter((candidate) => rank(candidate) === best).map((candidate) => candidate.dir)),
  ].sort(compareStrings);
}

function unreached(context: LoadContext): RawFluxObject[] {
  return context.scan.fluxObjects.filter(
    (raw) =>
      (raw.object.kind === 'Kustomization' || raw.object.kind === 'HelmRelease') &&
      !context.consumed.has(raw.file),
  );
}

/** Flux objects written in files no build reads: listed, with the reason. */
export async function unreachedWorkloads(context: LoadContext): Promise<FluxWorkload[]> {
  const workloads: FluxWorkload[] = [];
  for (const raw of unreached(context)) {
    const namespace = raw.object.namespace ?? (await folderNamespace(context, raw.file)) ?? 'default';
    const kind = raw.object.kind as 'Kustomization' | 'HelmRelease';
    const spec = raw.object.spec as { suspend?: boolean };
    const reason = `not deployed: no Kustomization build reads ${raw.file}`;
    context.diagnostics.push({
      file: raw.file,
      line: raw.line,
      severity: 'warning',
      code: 'flux-object-unreached',
      message: `${kind} ${namespace}/${raw.object.name}: ${reason}`,
    });
    workloads.push({
      id: workloadId(kind, namespace, raw.object.name),
      kind,
      namespace,
      name: raw.object.name,
      file: raw.file,
      line: raw.line,
      dependsOn: rawDependsOn(raw, context),
      suspended: spec.suspend === true,
      images: [],
      method: 'unresolved' as const,
      unresolvedReason: reason,
    });
  }
  return workloads;
}

function depth(path: string): number {
  return path === '' ? 0 : path.split('/').length;
}

/** The `dependsOn` entries of an object as written in its file, with their positions. */
function rawDependsOn(raw: RawFluxObject, context: LoadContext): DependsOnEntry[] {
  const value = raw.document.value;
  if (!isMap(value) || !isMap(value.spec)) return [];
  context.provenance.register(value, {
    file: raw.file,
    positions: raw.document.positions,
    documentIndex: raw.document.index,
  });
  return readDependsOn(value.spec, context.provenance);
}

/** The `namespace` of the nearest kustomization file above a file (where it would land). */
async function folderNamespace(context: LoadContext, file: string): Promise<string | undefined> {
  const tree = context.registry.root();
  let dir = posix.dirname(file);
  while (dir !== '.' && dir !== '') {
    for (const name of ['kustomization.yaml', 'kustomization.yml', 'Kustomization']) {
      const value = (await tree.parse(`${dir}/${name}`))?.documents[0]?.value;
      if (isMap(value) && typeof value.namespace === 'string') return value.namespace;
    }
    dir = posix.dirname(dir);
  }
  return undefined;
}
