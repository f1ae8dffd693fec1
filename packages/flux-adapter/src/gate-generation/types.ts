import type { Diagnostic, ImageEntry, Policy } from '@sluice/core';
import type { FluxDependencyGraph } from '../graph/types.js';
import type { FluxWorkload } from '../model.js';
import type { GateBudget } from './time-budget.js';

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

/** A key of a Kubernetes Secret in the gate's namespace. */
export interface GateSecretKey {
  readonly name: string;
  /** @default 'token' for a server token, 'url' for a Redis URL */
  readonly key?: string;
}

/**
 * Where the in-cluster scan keeps results between runs, so that an unchanged image is not
 * scanned again at the next revision (keyed as in CI: image, Trivy and DB versions, options).
 */
export type GateCache =
  | {
      readonly type: 'redis';
      /** A `redis://` or `rediss://` URL without a password (it would be in the manifest in clear). */
      readonly url?: string;
      /** A Secret holding the URL (with its password); read through the `SLUICE_CACHE` variable. */
      readonly secret?: GateSecretKey;
    }
  | {
      readonly type: 'volume';
      /** An existing PersistentVolumeClaim. @default a claim `<name>-cache` generated with the gate */
      readonly claimName?: string;
      /** Size of the generated claim (it also holds the vulnerability DB, about 1 GiB). @default '5Gi' */
      readonly size?: string;
      /** Storage class of the generated claim. @default the cluster's default */
      readonly storageClassName?: string;
    };

/** Options of {@link generateGate}. */
export interface GenerateGateOptions {
  /** The Flux objects of the repository (from `loadFluxRepository`). */
  readonly workloads: readonly FluxWorkload[];
  /**
   * Every unique image of the repository with its locations (`loadFluxRepository(…).images`),
   * for the images file the Job reads.
   * @default the images of the workloads
   */
  readonly images?: readonly ImageEntry[];
  /** The diagnostics of reading the repository, carried into the in-cluster report. @default [] */
  readonly diagnostics?: readonly Diagnostic[];
  /** Their dependency graph, when already built. @default buildDependencyGraph(workloads) */
  readonly graph?: FluxDependencyGraph;
  /** The policy the in-cluster scan applies (the whole policy: overrides, ignores with sources). @default {} */
  readonly policy?: Policy;
  /**
   * The cluster (entry folder, such as `clusters/production`) to generate the gate for. A gate
   * runs in one cluster: in a multi-cluster repository, pass one, or use `generateGates`.
   * @default the only cluster (required when there are several)
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
  /**
   * The Sluice image the Job runs (sluice and trivy, entrypoint `sluice`), pinned by tag (not
   * `latest`) or digest. Pin a digest in production.
   * @default DEFAULT_SLUICE_IMAGE (this release's version)
   */
  readonly sluiceImage?: string;
  /** The gate Kustomization's `spec.interval`. @default '10m' */
  readonly interval?: string;
  /**
   * The gate Kustomization's `spec.timeout`; it must leave the scans their time budget.
   * @default derived: see {@link computeGateBudget}
   */
  readonly timeout?: string;
  /** Seconds left between the Job's `activeDeadlineSeconds` and the Kustomization timeout. @default 60 */
  readonly deadlineMarginSeconds?: number;
  /** Scans at once in the Job; requests and limits grow with it. @default 4 */
  readonly concurrency?: number;
  /** Average seconds to pull and scan one image. @default 60 */
  readonly perImageSeconds?: number;
  /** Seconds for the vulnerability DB download. @default 300 (0 with a Trivy server) */
  readonly dbDownloadSeconds?: number;
  /** Seconds to schedule the Pod and start. @default 120 */
  readonly startupSeconds?: number;
  /** The longest timeout a gate may get; a gate that needs more is refused. @default '1h' */
  readonly maxTimeout?: string;
  /** A Trivy server (`http://trivy.trivy-system:4954`): the Pod downloads no DB. @default a local trivy */
  readonly server?: string;
  /** The Secret holding the Trivy server's token (passed as `TRIVY_TOKEN`). @default none */
  readonly serverTokenSecret?: GateSecretKey;
  /** Mirrors of the vulnerability DB (`--db-repository`), for a local trivy. @default Trivy's default */
  readonly dbRepository?: readonly string[];
  /** Mirrors of the Java index DB (`--java-db-repository`). @default Trivy's default */
  readonly javaDbRepository?: readonly string[];
  /** The result cache between runs. @default none (every run scans every image) */
  readonly cache?: GateCache;
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
}

/** How to make one gated Kustomization depend on the gate. */
export interface GatePatch {
  /** The gated Kustomization. */
  readonly target: string;
  /** Where it is written. */
  readonly file: string;
  readonly line: number;
  /** True when it already depends on the gate: nothing to add. */
  readonly satisfied: boolean;
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
  /** The cluster it gates, when one was chosen. */
  readonly cluster?: string;
  /** The gate Kustomization (undefined when there is nothing to gate). */
  readonly kustomization?: KubernetesManifest;
  /** What the gate's path holds: the ConfigMap of inputs, the cache claim (when generated), the Job. */
  readonly resources: KubernetesManifest[];
  /** Every object: the gate Kustomization first, then the resources. */
  readonly objects: KubernetesManifest[];
  /** One per gated Kustomization, sorted by target. */
  readonly patches: GatePatch[];
  /** Kustomizations that will depend on the gate, sorted. */
  readonly gated: string[];
  /** The images the Job scans (every image of the gated cluster), sorted. */
  readonly images: string[];
  /** How long the gate may take, and why (undefined when there is nothing to gate). */
  readonly budget?: GateBudget;
  /** What a person must know: HelmReleases gated through their parents, objects that cannot be gated, where files go. */
  readonly notes: string[];
  /** The YAML files to commit. */
  readonly files: GeneratedFile[];
}
