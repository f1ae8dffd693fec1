import { RepoFiles } from '../source/repo-files.js';
import { SourceRegistry } from '../source/source-registry.js';
import { readFluxObject } from '../schemas/flux-object.js';

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
