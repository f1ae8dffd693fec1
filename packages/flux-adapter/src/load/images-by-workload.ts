import { compareStrings, type Diagnostic, type ImageEntry } from '@sluice/core';
import type { FluxRepository, FluxWorkload } from '../model.js';
import { RepoFiles } from '../source/repo-files.js';
import { SourceRegistry } from '../source/source-registry.js';
import { readFluxObject } from '../schemas/flux-object.js';

/** One Flux workload with its images, as `sluice images` shows it in Flux mode. */
export interface WorkloadImages {
  /** `kind/namespace/name`. */
  readonly id: string;
  readonly kind: FluxWorkload['kind'];
  readonly namespace: string;
  readonly name: string;
  readonly cluster?: string;
  readonly parent?: string;
  readonly file: string;
  readonly line: number;
  readonly suspended: boolean;
  readonly method: FluxWorkload['method'];
  readonly unresolvedReason?: string;
  /** Images with their locations (each naming the Flux objects that deploy it), sorted by ref. */
  readonly images: readonly ImageEntry[];
}

/** Images grouped per Flux Kustomization and HelmRelease. */
export interface FluxImagesReport {
  /** Every workload, sorted by id then cluster (workloads without images included, with their method). */
  readonly workloads: readonly WorkloadImages[];
  /** Every unique image across workloads, sorted by ref. */
  readonly images: readonly ImageEntry[];
  readonly diagnostics: readonly Diagnostic[];
  /** Workloads whose images are unknown, and images counted. */
  readonly summary: { readonly workloads: number; readonly unresolved: number; readonly images: number };
}

/**
 * Groups a loaded repository's images per Flux Kustomization and HelmRelease: the data behind
 * `sluice images` in Flux mode (table and JSON). Deterministic: same repository, same report.
 *
 * @example
 * ```ts
 * const report = groupImagesByWorkload(await loadFluxRepository(root));
 * for (const workload of report.workloads) print(workload.id, workload.images.map((image) => image.ref));
 * ```
 */
export function groupImagesByWorkload(repository: FluxRepository): FluxImagesReport {
  const workloads = [...repository.workloads]
    .sort((a, b) => compareStrings(a.id, b.id) || compareStrings(a.cluster ?? '', b.cluster ?? ''))
    .map((workload): WorkloadImages => ({
      id: workload.id,
      kind: workload.kind,
      namespace: workload.namespace,
      name: workload.name,
      ...(workload.cluster ? { cluster: workload.cluster } : {}),
      ...(workload.parent ? { parent: workload.parent } : {}),
      file: workload.file,
      line: workload.line,
      suspended: workload.suspended,
      method: workload.method,
      ...(workload.unresolvedReason ? { unresolvedReason: workload.unresolvedReason } : {}),
      images: workload.images,
    }));
  return {
    workloads,
    images: repository.images,
    diagnostics: repository.diagnostics,
    summary: {
      workloads: workloads.length,
      unresolved: workloads.filter((workload) => workload.method === 'unresolved').length,
      images: repository.images.length,
    },
  };
}

/** Options of {@link hasFluxWorkloads}. */
export interface HasFluxWorkloadsOptions {
  /**
   * Extra gitignore patterns.
   * @default []
   */
  readonly ignore?: readonly string[];
  readonly signal?: AbortSignal;
}

/**
 * True when the folder holds at least one Flux Kustomization or HelmRelease (valid or not): the
 * CLI's test for switching to Flux mode.
 *
 * @throws SluiceError `SLUICE_ROOT_NOT_FOUND` when `root` is not a folder.
 */
export async function hasFluxWorkloads(
  root: string,
  options: HasFluxWorkloadsOptions = {},
): Promise<boolean> {
  const files = await RepoFiles.open(root);
  const tree = new SourceRegistry(files, options.ignore ? { ignore: options.ignore } : {}).root();
  const walk = async (folder: string): Promise<boolean> => {
    for (const entry of await tree.list(folder)) {
      options.signal?.throwIfAborted();
      const path = folder === '' ? entry.name : `${folder}/${entry.name}`;
      if (entry.type === 'dir') {
        if (await walk(path)) return true;
        continue;
      }
      if (!/\.ya?ml$/.test(entry.name)) continue;
      // Parse only files that mention a Flux workload API group.
      const text = await tree.read(path);
      if (!text || !FLUX_WORKLOAD_API.test(text)) continue;
      const parsed = await tree.parse(path);
      if (parsed?.documents.some((document) => isFluxWorkload(document.value))) return true;
    }
    return false;
  };
  return walk('');
}

const FLUX_WORKLOAD_API = /(kustomize|helm)\.toolkit\.fluxcd\.io\//;

function isFluxWorkload(value: unknown): boolean {
  const result = readFluxObject(value);
  const kind = result.status === 'flux' ? result.object.kind : result.status === 'invalid' ? result.kind : '';
  return kind === 'Kustomization' || kind === 'HelmRelease';
}
