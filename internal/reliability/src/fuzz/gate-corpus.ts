import type { GateReport } from '@sluice/core';
import { builtinRenderer, loadFluxRepository } from '@sluice/flux-adapter';
import type { FluxRepository, Renderer } from '@sluice/flux-adapter';
import { decideWithVulnerableImage } from '../flux/gate-repo.js';

/** One gate run over a repository on disk, with which Flux objects' builds read which file. */
export interface CorpusRun {
  readonly repo: FluxRepository;
  readonly report: GateReport;
  /** Repository file → ids of the Kustomizations whose build read it. */
  readonly readers: ReadonlyMap<string, ReadonlySet<string>>;
}

/**
 * Loads `root` with the built-in renderer and decides the gate as `sluice scan` does
 * ({@link decideWithVulnerableImage}: every image clean except the marker, CRITICAL). The renderer is wrapped to record the files
 * each render read: builds are shared between Kustomizations of the same source and path, so a
 * file is read by every Kustomization whose `source` and `path` match a render that read it.
 */
export async function gateCorpus(root: string): Promise<CorpusRun> {
  const builtin = builtinRenderer();
  const reads = new Map<string, Set<string>>();
  const renderer: Renderer = {
    name: builtin.name,
    async render(request) {
      const result = await builtin.render(request);
      const key = `${request.tree.id}\n${request.path}`;
      let files = reads.get(key);
      if (!files) reads.set(key, (files = new Set()));
      for (const file of result.consumed) files.add(file);
      return result;
    },
  };
  const repo = await loadFluxRepository(root, { renderer });
  const report = decideWithVulnerableImage(repo);
  const readers = new Map<string, Set<string>>();
  for (const workload of repo.workloads) {
    if (workload.kind !== 'Kustomization' || workload.path === undefined) continue;
    // The root Kustomization of an entry folder is rendered from the root source.
    const files = reads.get(
      `${workload.source ?? 'GitRepository/flux-system/flux-system'}\n${workload.path}`,
    );
    for (const file of files ?? []) {
      let ids = readers.get(file);
      if (!ids) readers.set(file, (ids = new Set()));
      ids.add(workload.id);
    }
  }
  return { repo, report, readers };
}
