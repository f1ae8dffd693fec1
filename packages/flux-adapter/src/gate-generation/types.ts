import type { Policy } from '@sluice/core';
import type { FluxDependencyGraph } from '../graph/types.js';
import type { FluxWorkload } from '../model.js';

/** A Kubernetes or Flux object as plain JSON-able data. */
export type KubernetesManifest = {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string } & Record<string, unknown>;
} & Record<string, unknown>;

/** A source reference as written in a Flux Kustomization's `spec.sourceRef`. */
export interface GateSourceRef {
  readonly kind: 'GitRepository' | 'OCIRepository' | 'Bucket' | 'ExternalArtifact';
  readonly name: string;
  readonly namespace?: string;
}

/** Options of {@link generateGate}. */
export interface GenerateGateOptions {
  /** The Flux objects of the repository (from `loadFluxRepository`). */
  readonly workloads: readonly FluxWorkload[];
  /** Their dependency graph, when already built. @default buildDependencyGraph(workloads) */
  readonly graph?: FluxDependencyGraph;
  /** The policy whose severities, ignore-unfixed and ignores the in-cluster scan applies. @default {} */
  readonly policy?: Policy;
  /**
   * The cluster (entry folder, such as `clusters/production`) to generate the gate for. A gate
   * runs in one cluster: in a multi-cluster repository, generate one per cluster.
   * @default every cluster (with a note when there are several)
   */
  readonly cluster?: string;
  /** Globs over object ids choosing what to gate. @default every Kustomization and HelmRelease with images */
  readonly objects?: readonly string[];
  /** Name of the gate Kustomization; the Job is named after it plus a hash. At most 40 characters. @default 'sluice-gate' */
  readonly name?: string;
  /** Namespace of the gate Kustomization and its Job. @default 'flux-system' */
  readonly namespace?: string;
  /**
   * The source the gate Kustomization reads. Use the same source as the gated Kustomizations:
   * then Flux's dependsOn also waits until the gate has applied the same revision.
   * @default the source most gated Kustomizations read, else `GitRepository flux-system`
   */
  readonly sourceRef?: GateSourceRef;
  /** Folder (relative to the source root) that holds the Job; the gate's `spec.path`. @default 'sluice-gate' */
  readonly path?: string;
  /**
   * The Kustomization whose build creates the gate Kustomization object. It, and every
   * Kustomization above it, cannot depend on the gate (that would deadlock the first install).
   * @default the root Kustomization (no parent), preferring one named `flux-system`
   */
  readonly placement?: string;
  /** Trivy image, pinned by tag (not `latest`) or digest. @default DEFAULT_TRIVY_IMAGE */
  readonly trivyImage?: string;
  /** The gate Kustomization's `spec.interval`. @default '10m' */
  readonly interval?: string;
  /** The gate Kustomization's `spec.timeout`: DB download plus every scan must fit. @default '15m' */
  readonly timeout?: string;
  /** Seconds left between the Job's `activeDeadlineSeconds` and the Kustomization timeout. @default 60 */
  readonly deadlineMarginSeconds?: number;
  /** The Job's `backoffLimit` (0 to 3). A failed scan is not retried by default. @default 0 */
  readonly backoffLimit?: number;
  /**
   * Anything that should force a new scan even with the same images (a commit SHA, a date):
   * it goes into the hash in the Job name.
   * @default none: a new Job exactly when the images, policy or Trivy image change
   */
  readonly revision?: string;
  /**
   * A Secret of type `kubernetes.io/dockerconfigjson` with registry credentials, mounted as
   * Trivy's Docker config (Trivy does not use imagePullSecrets).
   * @default none
   */
  readonly registrySecret?: string;
  /** ServiceAccount the Job runs as. @default none (the namespace default, token not mounted) */
  readonly serviceAccountName?: string;
  /**
   * The file the gate Kustomization is written to in `files`, relative to the repository root.
   * @default `sluice-gate.yaml` in the placement Kustomization's `spec.path` (else the root)
   */
  readonly kustomizationFile?: string;
  /** The current time: ignores already expired are left out of the Job. @default new Date() */
  readonly now?: Date;
}

/** How to make one gated Kustomization depend on the gate. */
export interface GatePatch {
  /** The gated Kustomization. */
  readonly target: string;
  /** Where it is written. */
  readonly file: string;
  readonly line: number;
  /** Its full `spec.dependsOn` with the gate added (for editing the file directly). */
  readonly dependsOn: { readonly name: string; readonly namespace?: string }[];
  /**
   * The Kustomization whose build creates it, when that is written in the repository: add
   * `fluxPatch` to that Kustomization's `spec.patches`.
   */
  readonly parent?: string;
  /** A Flux `spec.patches` entry (JSON 6902) that appends the gate to its `dependsOn`. */
  readonly fluxPatch: {
    readonly patch: string;
    readonly target: {
      readonly group: string;
      readonly version: string;
      readonly kind: string;
      readonly name: string;
    };
  };
}

/** A generated file: path (forward slashes, relative to the repository root) and YAML text. */
export interface GeneratedFile {
  readonly path: string;
  readonly content: string;
}

/** The in-cluster gate. */
export interface GeneratedGate {
  /** The gate Kustomization (undefined when there is nothing to gate). */
  readonly kustomization?: KubernetesManifest;
  /** What the gate's path holds: the scan Job and, with ignores, their ConfigMap. */
  readonly resources: KubernetesManifest[];
  /** Every object: the gate Kustomization first, then the resources. */
  readonly objects: KubernetesManifest[];
  /** One per gated Kustomization, sorted by target. */
  readonly patches: GatePatch[];
  /** Kustomizations that will depend on the gate, sorted. */
  readonly gated: string[];
  /** The images the Job scans, sorted. */
  readonly images: string[];
  /** What a person must know: HelmReleases gated through their parents, objects that cannot be gated, where files go. */
  readonly notes: string[];
  /** The YAML files to commit. */
  readonly files: GeneratedFile[];
}
