import type { Diagnostic } from '@sluice/core';
import type { Provenance } from '../kustomize/provenance.js';
import type { RenderResult, Renderer } from '../kustomize/renderer.js';
import type { KResource, YamlMap } from '../kustomize/resource.js';
import type { DependsOnEntry, FluxWorkload } from '../model.js';
import type { SourceRegistry } from '../source/source-registry.js';
import type { SourceTree } from '../source/source-tree.js';
import type { ImageSet } from '../images/image-set.js';
import type { ReleaseRenderer } from '../helm/release-renderer.js';
import type { RawScan } from './raw-scan.js';

/** Progress of {@link loadFluxRepository}, as typed events. */
export type FluxLoadEvent =
  | { readonly type: 'entry'; readonly path: string }
  | {
      readonly type: 'rendered';
      readonly id: string;
      readonly renderer: string;
      readonly resources: number;
      readonly images: number;
      readonly durationMs: number;
    }
  | { readonly type: 'unresolved'; readonly id: string; readonly reason: string }
  /** A chart was needed: downloaded (`network`) or found in the chart cache (`cache`). */
  | {
      readonly type: 'chart';
      readonly url: string;
      readonly version: string;
      readonly digest: string;
      readonly from: 'network' | 'cache';
    };

/** A workload being assembled. */
export type WorkloadDraft = { -readonly [K in keyof FluxWorkload]: FluxWorkload[K] };

/** A Flux object found in a build, waiting to be processed. */
export interface PendingObject {
  readonly resource: KResource;
  /** Id of the Kustomization whose build produced it. */
  readonly parent: string | undefined;
  /** The namespace it lands in when it has none (its parent's). */
  readonly defaultNamespace: string;
}

/** State shared by every step of one load. */
export interface LoadContext {
  readonly registry: SourceRegistry;
  readonly provenance: Provenance;
  readonly renderer: Renderer;
  /** Renders HelmRelease charts; undefined reads images from values only. */
  readonly helm: ReleaseRenderer | undefined;
  /** Work started during the load (chart renders) that must end before the result is assembled. */
  readonly pending: Promise<void>[];
  readonly scan: RawScan;
  readonly diagnostics: Diagnostic[];
  /** Repository files some build read. */
  readonly consumed: Set<string>;
  /** For each repository file a build read, the Flux objects whose builds read it. */
  readonly readBy: Map<string, Set<string>>;
  /** Builds shared by Kustomizations of the same source, path and list-free overlay (kustomization-step). */
  readonly builds: WeakMap<SourceTree, Map<string, Promise<RenderResult>>>;
  /** Objects the distinct builds of this load produced, against shared-build's MAX_LOAD_OBJECTS. */
  readonly builtObjects: { count: number };
  /** Custom resource kinds (`apiVersion kind`) already noted as having no known image field. */
  readonly uncovered: Set<string>;
  readonly images: ImageSet;
  readonly signal: AbortSignal | undefined;
  readonly onEvent: ((event: FluxLoadEvent) => void) | undefined;
}

/** State of one cluster (one entry folder). */
export interface ClusterState {
  readonly cluster: string;
  /** The cluster part of this cluster's object ids: the cluster in a multi-cluster repository, else undefined. */
  readonly qualifier: string | undefined;
  readonly workloads: Map<string, WorkloadDraft>;
  /** ConfigMaps and Secrets rendered in this cluster, by `kind/namespace/name`. */
  readonly configObjects: Map<string, YamlMap>;
  /** Flux sources (HelmRepository, OCIRepository, HelmChart, …) rendered in this cluster, by `kind/namespace/name`. */
  readonly sourceObjects: Map<string, YamlMap>;
  readonly kustomizations: PendingObject[];
  readonly helmReleases: PendingObject[];
}

/** Records that the build of `id` read `files` (so that a problem with a file reaches every object reading it). */
export function recordReads(context: LoadContext, files: readonly string[], id: string): void {
  for (const file of files) {
    context.consumed.add(file);
    let readers = context.readBy.get(file);
    if (!readers) {
      readers = new Set();
      context.readBy.set(file, readers);
    }
    readers.add(id);
  }
}

/** Reads `dependsOn` entries with their positions. */
export function readDependsOn(spec: YamlMap, provenance: Provenance): DependsOnEntry[] {
  const list = spec.dependsOn;
  if (!Array.isArray(list)) return [];
  const entries: DependsOnEntry[] = [];
  for (const [index, item] of list.entries()) {
    if (typeof item !== 'object' || item === null || typeof (item as YamlMap).name !== 'string') continue;
    const record = item as YamlMap;
    const origin = provenance.originOf(list, index);
    entries.push({
      name: record.name as string,
      ...(typeof record.namespace === 'string' ? { namespace: record.namespace } : {}),
      ...(origin ? { file: origin.file, line: origin.line } : {}),
    });
  }
  return entries;
}
