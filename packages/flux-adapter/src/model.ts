import type { Diagnostic, ImageEntry } from '@sluice/core';

/** The two kinds of Flux object that deploy workloads and can be gated. */
export type WorkloadKind = 'Kustomization' | 'HelmRelease';

/** One `spec.dependsOn` entry as written. The namespace defaults to the dependent's own. */
export interface DependsOnEntry {
  readonly name: string;
  readonly namespace?: string;
  /** Where the entry is written, when known. */
  readonly file?: string;
  readonly line?: number;
}

/**
 * A Flux Kustomization or HelmRelease found in the repository (directly, or in the build output
 * of a parent Kustomization), with the images it deploys.
 */
export interface FluxWorkload {
  /**
   * Unique in the repository. `kind/namespace/name`, such as `Kustomization/flux-system/apps`,
   * in a repository with one cluster; `<cluster>:kind/namespace/name`, such as
   * `clusters/staging:Kustomization/flux-system/apps`, when the repository has several clusters
   * (see {@link workloadId}). Objects no cluster reaches keep the plain form.
   */
  readonly id: string;
  readonly kind: WorkloadKind;
  readonly namespace: string;
  readonly name: string;
  /** Where the object is written. */
  readonly file: string;
  readonly line: number;
  readonly dependsOn: readonly DependsOnEntry[];
  /** The id of the Kustomization whose build produced this object, if any. */
  readonly parent?: string;
  /** `spec.suspend: true`. */
  readonly suspended: boolean;
  /** The images this object deploys (its own; children's images belong to the children). */
  readonly images: readonly ImageEntry[];
  /**
   * How the images were found: `rendered` (Kustomization build), `values` (HelmRelease values
   * conventions), `helm-template` (a renderer ran helm), or `unresolved` (see `unresolvedReason`).
   */
  readonly method: 'rendered' | 'values' | 'helm-template' | 'unresolved';
  /** Why the images could not be found, when `method` is `unresolved`. */
  readonly unresolvedReason?: string;
  /**
   * The entry folder (the path the cluster's root sync points at, such as `clusters/production`)
   * whose build reached this object; absent for objects no build reaches. An object deployed to
   * several clusters is one workload per cluster, each with its own id.
   */
  readonly cluster?: string;
  /** The source (`kind/namespace/name`): a Kustomization's `sourceRef`, a HelmRelease's chart source. */
  readonly source?: string;
  /** A Kustomization's `spec.path`, normalized (no leading `./`); '' for the source root. */
  readonly path?: string;
  /** A HelmRelease's chart: `name@version` for `chart.spec`, or the `chartRef` id. */
  readonly chart?: string;
  /**
   * True for the root Kustomization Sluice assumes for an entry folder when it is not written in
   * the repository (created by `flux bootstrap` or the Flux Operator).
   */
  readonly synthetic?: boolean;
}

/** What the Flux adapter found in a repository. */
export interface FluxRepository {
  /** Every Kustomization and HelmRelease, sorted by id. */
  readonly workloads: readonly FluxWorkload[];
  /** Every unique image with all its locations (each naming its Flux objects), sorted by ref. */
  readonly images: readonly ImageEntry[];
  readonly diagnostics: readonly Diagnostic[];
  /** The entry folders read as cluster roots, sorted (only the chosen one with the `cluster` option). */
  readonly clusters?: readonly string[];
}

/**
 * The `unresolvedReason` of an object Flux cannot have at all (the API server refuses it, or
 * its controller cannot read it): `invalid <Kind>: <why>`.
 */
export function refusedReason(kind: WorkloadKind, why: string): string {
  return `invalid ${kind}: ${why}`;
}

/** Why Flux cannot have this object (see {@link refusedReason}), or undefined when it can. */
export function whyRefused(workload: FluxWorkload): string | undefined {
  const prefix = `invalid ${workload.kind}: `;
  return workload.method === 'unresolved' && workload.unresolvedReason?.startsWith(prefix)
    ? workload.unresolvedReason.slice(prefix.length)
    : undefined;
}

/**
 * Builds the id of a Flux object: `kind/namespace/name`, or `<cluster>:kind/namespace/name` when
 * a cluster is given (the loader gives one in repositories with several clusters, so that the
 * same Kustomization in `clusters/production` and `clusters/staging` is two objects). Kinds,
 * namespaces and names never hold a `:`, so the last `:` ends the cluster part.
 *
 * @example
 * ```ts
 * workloadId('Kustomization', 'flux-system', 'apps'); // 'Kustomization/flux-system/apps'
 * workloadId('Kustomization', 'flux-system', 'apps', 'clusters/staging');
 * // 'clusters/staging:Kustomization/flux-system/apps'
 * ```
 */
export function workloadId(kind: string, namespace: string, name: string, cluster?: string): string {
  const plain = `${kind}/${namespace}/${name}`;
  return cluster === undefined ? plain : `${cluster}:${plain}`;
}
