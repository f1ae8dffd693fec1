import type { Diagnostic, GraphNode } from '@sluice/core';
import type { WorkloadKind } from '../model.js';

/** A node of the Flux dependency graph with where it is written. JSON-able. */
export interface FluxGraphNode extends GraphNode {
  /** The workload id: `kind/namespace/name`, or `<cluster>:kind/namespace/name` (see `FluxWorkload.id`). */
  readonly id: string;
  readonly kind: WorkloadKind;
  readonly namespace: string;
  readonly name: string;
  /** Where the object is written (the first definition, when it is defined twice). */
  readonly file: string;
  readonly line: number;
  /** Ids of the objects it depends on that exist in the graph, sorted. */
  readonly dependsOn: string[];
  /** Ids of the objects its build creates (its children), sorted. */
  readonly manages: string[];
  /** Normalized references of the images it deploys itself, sorted. */
  readonly images: string[];
  readonly suspended: boolean;
  /** The Kustomization whose build produced it, when that is in the graph. */
  readonly parent?: string;
  /** Why its images could not be found, when the adapter could not find them. */
  readonly unresolvedReason?: string;
  /** True for a root Kustomization the adapter assumed (created by bootstrap, not written in the repository). */
  readonly synthetic?: boolean;
  /** The cluster (entry folder) that deploys it; absent for objects no cluster reaches. */
  readonly cluster?: string;
}

/**
 * The Flux dependency graph: every Kustomization and HelmRelease, the `dependsOn` edges that
 * resolve, the order Flux can apply them in, and what is wrong with it. JSON-able; every list
 * is sorted.
 */
export interface FluxDependencyGraph {
  /** Sorted by id. */
  readonly nodes: FluxGraphNode[];
  /**
   * Topological waves: every object of a wave depends only on objects of earlier waves, so Flux
   * can apply a wave side by side. Each wave is sorted. Objects in a cycle, or depending on one,
   * are in no wave (Flux never applies them): see `unscheduled`.
   */
  readonly waves: string[][];
  /** Every `dependsOn` cycle, as the ids along it (each depends on the next, the last on the first). */
  readonly cycles: string[][];
  /** Ids in no wave: in a cycle or depending, directly or not, on one. Sorted. */
  readonly unscheduled: string[];
  /** Missing dependencies, cycles, cross-kind `dependsOn`, duplicates; sorted by file and line. */
  readonly diagnostics: Diagnostic[];
}
