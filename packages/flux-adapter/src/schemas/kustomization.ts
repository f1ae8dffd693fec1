import * as z from 'zod';
import {
  CrossNamespaceSourceReference,
  DependencyReference,
  ImageOverride,
  InlinePatch,
  JSON6902Patch,
  ObjectMeta,
} from './common.js';

/** The Flux Kustomization API group. */
export const KUSTOMIZATION_GROUP = 'kustomize.toolkit.fluxcd.io';

/** `spec.postBuild` of a Flux Kustomization. */
export const PostBuild = z
  .object({
    substitute: z.record(z.string(), z.string()).optional(),
    substituteFrom: z
      .array(z.object({ kind: z.string(), name: z.string(), optional: z.boolean().optional() }).loose())
      .optional(),
    /** v1 only: `Always` substitutes even when no variable is defined. */
    substituteStrategy: z.string().optional(),
  })
  .loose();
/** `spec.postBuild` of a Flux Kustomization. */
export type PostBuild = z.infer<typeof PostBuild>;

const baseSpec = {
  sourceRef: CrossNamespaceSourceReference,
  path: z.string().optional(),
  dependsOn: z.array(DependencyReference).optional(),
  suspend: z.boolean().optional(),
  targetNamespace: z.string().optional(),
  images: z.array(ImageOverride).optional(),
  patches: z.array(InlinePatch).optional(),
  postBuild: PostBuild.optional(),
};

/** The fields of a `kustomize.toolkit.fluxcd.io/v1` Kustomization spec that Sluice reads. */
export const KustomizationSpecV1 = z
  .object({
    ...baseSpec,
    components: z.array(z.string()).optional(),
    ignoreMissingComponents: z.boolean().optional(),
    namePrefix: z.string().optional(),
    nameSuffix: z.string().optional(),
  })
  .loose();

/** The fields of a `kustomize.toolkit.fluxcd.io/v1beta2` Kustomization spec that Sluice reads. */
export const KustomizationSpecV1beta2 = z
  .object({
    ...baseSpec,
    postBuild: PostBuild.omit({ substituteStrategy: true }).optional(),
    components: z.array(z.string()).optional(),
    patchesStrategicMerge: z.array(z.unknown()).optional(),
    patchesJson6902: z.array(JSON6902Patch).optional(),
  })
  .loose();

/** The fields of a `kustomize.toolkit.fluxcd.io/v1beta1` Kustomization spec that Sluice reads. */
export const KustomizationSpecV1beta1 = z
  .object({
    ...baseSpec,
    postBuild: z
      .object({
        substitute: z.record(z.string(), z.string()).optional(),
        /** v1beta1 has no `optional`: every reference must exist. */
        substituteFrom: z.array(z.object({ kind: z.string(), name: z.string() }).loose()).optional(),
      })
      .loose()
      .optional(),
    patchesStrategicMerge: z.array(z.unknown()).optional(),
    patchesJson6902: z.array(JSON6902Patch).optional(),
  })
  .loose();

/** A Flux Kustomization spec in any supported API version (the union of the fields read). */
export type KustomizationSpec = z.infer<typeof KustomizationSpecV1> & {
  readonly patchesStrategicMerge?: unknown[];
  readonly patchesJson6902?: JSON6902Patch[];
};

/** Spec schemas by API version. */
export const KUSTOMIZATION_SPECS = {
  v1: KustomizationSpecV1,
  v1beta2: KustomizationSpecV1beta2,
  v1beta1: KustomizationSpecV1beta1,
} as const;

/** A Flux Kustomization (any supported version), as Sluice reads it. */
export const FluxKustomization = z
  .object({
    apiVersion: z.string(),
    kind: z.literal('Kustomization'),
    metadata: ObjectMeta,
    spec: z.union([KustomizationSpecV1, KustomizationSpecV1beta2, KustomizationSpecV1beta1]),
  })
  .loose();
/** A Flux Kustomization, as Sluice reads it. */
export type FluxKustomization = Omit<z.infer<typeof FluxKustomization>, 'spec'> & { spec: KustomizationSpec };
