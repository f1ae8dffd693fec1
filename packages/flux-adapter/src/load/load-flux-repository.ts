import { SluiceError, compareDiagnostics, compareStrings, makesUnknown, type Diagnostic } from '@sluice/core';
import { Provenance } from '../kustomize/provenance.js';
import { builtinRenderer, type Renderer } from '../kustomize/renderer.js';
import { isMap, type KResource } from '../kustomize/resource.js';
import type { FluxRepository, FluxWorkload } from '../model.js';
import { workloadId } from '../model.js';
import { RepoFiles, normalizeRelative } from '../source/repo-files.js';
import { SourceRegistry, openSourceFolders } from '../source/source-registry.js';
import type { HelmRenderOptions } from '../helm/helm-options.js';
import type { RemoteBaseOptions } from '../remote/remote-bases.js';
import { ReleaseRenderer } from '../helm/release-renderer.js';
import { ImageSet } from '../images/image-set.js';
import type { ClusterState, FluxLoadEvent, LoadContext, WorkloadDraft } from './context.js';
import { recordReads } from './context.js';
import { processHelmRelease } from './helm-release-step.js';
import { collectOutput, processKustomization } from './kustomization-step.js';
import { scanRepository } from './raw-scan.js';
import { detectEntries, fallbackEntries, unreachedWorkloads } from './entries.js';
import { selectCluster } from './select-cluster.js';

/** Options of {@link loadFluxRepository}. */
export interface LoadFluxRepositoryOptions {
  /**
   * Sources mapped to folders: `kind/namespace/name` → a folder relative to the root (inside
   * it), such as `{ 'OCIRepository/flux-system/apps': 'kubernetes' }`, or an absolute path
   * anywhere, such as a tenant's checkout beside the repository (its files are shown relative
   * to the root, `../tenant/apps/release.yaml`; see {@link openSourceFolders}).
   * @default {}
   * @throws SluiceError `SLUICE_INVALID_SOURCE_MAPPING` when a relative folder leaves the root
   * or an absolute one is not a folder.
   */
  readonly sources?: Readonly<Record<string, string>>;
  /**
   * The source the repository root serves.
   * @default 'GitRepository/flux-system/flux-system'
   */
  readonly rootSource?: string;
  /**
   * Entry folders (what each cluster's root Kustomization syncs, such as `clusters/production`).
   * @default detected: FluxInstance `sync.path`s, the root Kustomization's path, then the
   * shallowest folders holding Flux objects that no other build reaches
   */
  readonly entries?: readonly string[];
  /**
   * Only this cluster: one of the entry folders (such as `clusters/production`). Every cluster is
   * still read (an object is "not deployed" only when no cluster reaches it), then the result
   * keeps this cluster's objects, the objects no cluster reaches, their images and diagnostics.
   * Ids are those of a full load.
   * @default every cluster
   * @throws SluiceError `SLUICE_CLUSTER_NOT_FOUND` when it is not one of the entry folders.
   */
  readonly cluster?: string;
  /**
   * Renders Kustomization folders.
   * @default builtinRenderer()
   */
  readonly renderer?: Renderer;
  /**
   * Fetches and renders HelmRelease charts as helm-controller would (the `helm` executable, the
   * chart cache, mirrors, offline, Kubernetes version, pool size, timeout).
   * @default undefined (images come from values only; a release whose images are not all
   * written in its values is unknown)
   */
  readonly helm?: HelmRenderOptions;
  /**
   * Remote kustomize bases: fetched with git as kustomize-controller does (`mode: 'fetch'`,
   * pinned refs; see {@link RemoteBaseOptions}), or never (the default: a Kustomization using
   * one is unknown). Used by the built-in renderer only.
   * @default undefined (mode 'unknown')
   */
  readonly remoteBases?: RemoteBaseOptions;
  /**
   * Extra gitignore patterns applied to every source.
   * @default []
   */
  readonly ignore?: readonly string[];
  /** Cancels the load. */
  readonly signal?: AbortSignal;
  /** Receives progress events. */
  readonly onEvent?: (event: FluxLoadEvent) => void;
}

/**
 * Reads a Flux repository the way Flux would: finds the entry folders, builds every
 * Kustomization (parents first, so children get their parents' patches and substitutions),
 * finds the images each Kustomization and HelmRelease deploys, and reports what it could not
 * resolve. Every workload is listed, with its images or the reason they are unknown.
 *
 * @example
 * ```ts
 * const repo = await loadFluxRepository('fixtures/corpora/flux2-kustomize-helm-example-pre-2.7');
 * for (const workload of repo.workloads) console.log(workload.id, workload.images.length);
 * ```
 *
 * In a repository with several clusters (entry folders), ids carry the cluster
 * (`clusters/staging:Kustomization/flux-system/apps`, see {@link workloadId}): the same
 * Kustomization in two clusters is two objects, each with its own images and `dependsOn`.
 *
 * @throws SluiceError `SLUICE_ROOT_NOT_FOUND` when `root` is not a folder;
 * `SLUICE_CLUSTER_NOT_FOUND` when `options.cluster` is not one of its clusters.
 */
export async function loadFluxRepository(
  root: string,
  options: LoadFluxRepositoryOptions = {},
): Promise<FluxRepository> {
  const files = await RepoFiles.open(root);
  const folders = await openSourceFolders(files, options.sources ?? {});
  const registry = new SourceRegistry(files, {
    ...(options.rootSource ? { rootSource: options.rootSource } : {}),
    ...folders,
    ...(options.ignore ? { ignore: options.ignore } : {}),
  });
  const rootTree = registry.root();
  const scan = await scanRepository(rootTree, options.signal);
  // A source's spec.ignore, when the source is written in the repository, replaces the defaults.
  for (const raw of scan.fluxObjects) {
    const ignore = (raw.object.spec as { ignore?: unknown }).ignore;
    if (raw.object.kind === 'GitRepository' && typeof ignore === 'string') {
      registry.setSpecIgnore(
        `GitRepository/${raw.object.namespace ?? 'flux-system'}/${raw.object.name}`,
        ignore,
      );
    }
  }
  const context: LoadContext = {
    registry,
    provenance: new Provenance(),
    renderer:
      options.renderer ?? builtinRenderer(options.remoteBases ? { remoteBases: options.remoteBases } : {}),
    helm: options.helm
      ? new ReleaseRenderer(options.helm, options.signal, (event) =>
          options.onEvent?.({ type: 'chart', ...event }),
        )
      : undefined,
    pending: [],
    scan,
    diagnostics: [],
    consumed: new Set(),
    readBy: new Map(),
    uncovered: new Set(),
    builds: new WeakMap(),
    builtObjects: { count: 0 },
    images: new ImageSet(),
    signal: options.signal,
    onEvent: options.onEvent,
  };
  const workloads: FluxWorkload[] = [];
  const clusters: string[] = [];
  const explicit = options.entries?.map((entry) => normalizeRelative(entry) ?? entry);
  const detected = explicit ?? (await detectEntries(context));
  const entries = detected.length > 0 ? detected : fallbackEntries(context);
  for (const entry of entries) {
    if ((await registry.root().typeOf(entry)) === 'dir') {
      clusters.push(entry);
      continue;
    }
    context.diagnostics.push({
      file: entry,
      line: 1,
      severity: 'error',
      code: 'entry-not-found',
      message: `Entry folder ${entry} does not exist in the repository`,
    });
  }
  const chosen = options.cluster === undefined ? undefined : chooseCluster(options.cluster, clusters);
  for (const entry of clusters) {
    context.onEvent?.({ type: 'entry', path: entry });
    workloads.push(...(await loadCluster(entry, clusters.length > 1 ? entry : undefined, context)));
  }
  workloads.push(...(await unreachedWorkloads(context)));
  // Chart renders run in the pool while the builds go on; every one must end before the result.
  await Promise.all(context.pending);
  context.diagnostics.push(...scan.invalid.filter((diagnostic) => !context.consumed.has(diagnostic.file)));
  const sorted = workloads.sort(
    (a, b) => compareStrings(a.id, b.id) || compareStrings(a.cluster ?? '', b.cluster ?? ''),
  );
  const diagnostics = dedupeDiagnostics([
    ...context.diagnostics,
    ...attributeToReaders(
      [
        ...files.diagnostics,
        ...Object.values(folders.external).flatMap((external) => external.diagnostics),
        ...registry.diagnostics,
      ],
      context.readBy,
    ),
  ]);
  const repository: FluxRepository = {
    workloads: sorted,
    images: context.images.entries(),
    diagnostics,
    clusters: [...clusters].sort(compareStrings),
  };
  return chosen === undefined ? repository : selectCluster(repository, chosen);
}

function chooseCluster(cluster: string, clusters: readonly string[]): string {
  const wanted = normalizeRelative(cluster);
  if (wanted !== undefined && clusters.includes(wanted)) return wanted;
  throw new SluiceError(
    'SLUICE_CLUSTER_NOT_FOUND',
    clusters.length === 0
      ? `${cluster} is not a cluster of the repository: it has no entry folder`
      : `${cluster} is not a cluster of the repository; its clusters (entry folders) are ${[...clusters].sort(compareStrings).join(', ')}`,
  );
}

/**
 * Builds one entry folder and everything it reaches. The entry is synced by the root source's
 * Kustomization (named after the root source, usually `flux-system`): when that Kustomization is
 * written in the folder it is used, otherwise it is assumed and marked `synthetic`.
 */
async function loadCluster(
  entry: string,
  qualifier: string | undefined,
  context: LoadContext,
): Promise<FluxWorkload[]> {
  const state: ClusterState = {
    cluster: entry,
    qualifier,
    workloads: new Map(),
    configObjects: new Map(),
    sourceObjects: new Map(),
    kustomizations: [],
    helmReleases: [],
  };
  const [, rootNamespace = 'flux-system', rootName = 'flux-system'] = context.registry.rootSource.split('/');
  const rootId = workloadId('Kustomization', rootNamespace, rootName, qualifier);
  const tree = context.registry.root();
  const rendered = await context.renderer.render({
    tree,
    path: entry,
    provenance: context.provenance,
    ...(context.signal ? { signal: context.signal } : {}),
  });
  recordReads(context, rendered.consumed, rootId);
  const selfManaged = rendered.resources.find((resource) =>
    isRootKustomization(resource, entry, rootNamespace, rootName),
  );
  if (selfManaged) {
    state.kustomizations.push({ resource: selfManaged, parent: undefined, defaultNamespace: rootNamespace });
  } else {
    context.diagnostics.push(
      ...rendered.diagnostics.map((diagnostic) => ({ ...diagnostic, object: diagnostic.object ?? rootId })),
    );
    const images = new ImageSet();
    for (const resource of rendered.resources)
      collectOutput(resource, rootId, rootNamespace, state, context, images);
    const synthetic: WorkloadDraft = {
      id: rootId,
      kind: 'Kustomization',
      namespace: rootNamespace,
      name: rootName,
      file: entry,
      line: 1,
      dependsOn: [],
      suspended: false,
      images: images.entries(),
      method: 'rendered',
      cluster: entry,
      source: context.registry.rootSource,
      path: entry,
      synthetic: true,
    };
    context.images.merge(images);
    state.workloads.set(rootId, synthetic);
  }
  for (;;) {
    context.signal?.throwIfAborted();
    const next = state.kustomizations.shift();
    if (next) {
      await processKustomization(next, state, context);
      continue;
    }
    const release = state.helmReleases.shift();
    if (!release) break;
    await processHelmRelease(release, state, context);
  }
  return [...state.workloads.values()];
}

function isRootKustomization(resource: KResource, entry: string, namespace: string, name: string): boolean {
  const object = resource.object;
  if (
    object.kind !== 'Kustomization' ||
    typeof object.apiVersion !== 'string' ||
    !object.apiVersion.startsWith('kustomize.toolkit.fluxcd.io/')
  )
    return false;
  const metadata = isMap(object.metadata) ? object.metadata : {};
  const spec = isMap(object.spec) ? object.spec : {};
  const sourceRef = isMap(spec.sourceRef) ? spec.sourceRef : {};
  return (
    metadata.name === name &&
    (metadata.namespace ?? namespace) === namespace &&
    sourceRef.name === name &&
    normalizeRelative(typeof spec.path === 'string' ? spec.path : '') === entry
  );
}

/**
 * A file that could not be read (too large, not UTF-8, …) is reported once, by the file layer,
 * without an object. Every Flux object whose build read that file could not be built exactly:
 * the diagnostic is repeated for each of them (its `object`), so that each becomes `unknown`.
 */
function attributeToReaders(
  diagnostics: readonly Diagnostic[],
  readBy: ReadonlyMap<string, ReadonlySet<string>>,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const diagnostic of diagnostics) {
    const readers =
      diagnostic.object === undefined && makesUnknown(diagnostic) ? readBy.get(diagnostic.file) : undefined;
    if (!readers || readers.size === 0) {
      out.push(diagnostic);
      continue;
    }
    for (const object of [...readers].sort(compareStrings)) out.push({ ...diagnostic, object });
  }
  return out;
}

function dedupeDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const diagnostic of diagnostics.sort(compareDiagnostics)) {
    const key = JSON.stringify(diagnostic);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(diagnostic);
  }
  return out;
}
