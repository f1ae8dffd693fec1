import * as z from 'zod';
import {
  CrossNamespaceSourceReference,
  DependencyReference,
  ImageOverride,
  InlinePatch,
  JSON6902Patch,
  ObjectMeta,
  ValuesReference,
} from './common.js';

/** The Flux HelmRelease API group. */
export const HELM_RELEASE_GROUP = 'helm.toolkit.fluxcd.io';

/** `spec.chart` of a HelmRelease. */
export const HelmChartTemplate = z
  .object({
    spec: z
      .object({
        chart: z.string(),
        version: z.string().optional(),
        sourceRef: CrossNamespaceSourceReference,
        valuesFiles: z.array(z.string()).optional(),
      })
      .loose(),
  })
  .loose();

/** One `spec.postRenderers` entry. */
export const PostRenderer = z
  .object({
    kustomize: z
      .object({
        images: z.array(ImageOverride).optional(),
        patches: z.array(InlinePatch).optional(),
      })
      .loose()
      .optional(),
  })
  .loose();

const baseSpec = {
  chart: HelmChartTemplate.optional(),
  chartRef: CrossNamespaceSourceReference.optional(),
  dependsOn: z.array(DependencyReference).optional(),
  suspend: z.boolean().optional(),
  targetNamespace: z.string().optional(),
  releaseName: z.string().optional(),
  values: z.unknown().optional(),
  valuesFrom: z.array(ValuesReference).optional(),
  postRenderers: z.array(PostRenderer).optional(),
};

/** The fields of a `helm.toolkit.fluxcd.io/v2` HelmRelease spec that Sluice reads. */
export const HelmReleaseSpecV2 = z.object(baseSpec).loose();
/** v2beta2 reads the same fields. */
export const HelmReleaseSpecV2beta2 = HelmReleaseSpecV2;
/** v2beta1 reads the same fields (its post-renderers also accept legacy patch lists). */
export const HelmReleaseSpecV2beta1 = z
  .object({
    ...baseSpec,
    postRenderers: z
      .array(
        z
          .object({
            kustomize: z
              .object({
                images: z.array(ImageOverride).optional(),
                patches: z.array(InlinePatch).optional(),
                patchesJson6902: z.array(JSON6902Patch).optional(),
                patchesStrategicMerge: z.array(z.unknown()).optional(),
              })
              .loose()
              .optional(),
          })
          .loose(),
      )
      .optional(),
  })
  .loose();

/** Spec schemas by API version. */
export const HELM_RELEASE_SPECS = {
  v2: HelmReleaseSpecV2,
  v2beta2: HelmReleaseSpecV2beta2,
  v2beta1: HelmReleaseSpecV2beta1,
} as const;

/** A HelmRelease spec in any supported API version. */
export type HelmReleaseSpec = z.infer<typeof HelmReleaseSpecV2>;

/** A Flux HelmRelease (any supported version), as Sluice reads it. */
export const FluxHelmRelease = z
  .object({
    apiVersion: z.string(),
    kind: z.literal('HelmRelease'),
    metadata: ObjectMeta,
    spec: HelmReleaseSpecV2,
  })
  .loose();
/** A Flux HelmRelease, as Sluice reads it. */
export type FluxHelmRelease = z.infer<typeof FluxHelmRelease>;
