import * as z from 'zod';
import { CrossNamespaceSourceReference } from './common.js';

/** The Flux source API group. */
export const SOURCE_GROUP = 'source.toolkit.fluxcd.io';
/** The Flux source-watcher API group (ArtifactGenerator). */
export const SOURCE_EXTENSIONS_GROUP = 'source.extensions.fluxcd.io';

/** `GitRepository.spec` fields Sluice reads (v1, v1beta2, v1beta1). */
export const GitRepositorySpec = z
  .object({
    url: z.string(),
    ref: z
      .object({
        branch: z.string().optional(),
        tag: z.string().optional(),
        semver: z.string().optional(),
        commit: z.string().optional(),
      })
      .loose()
      .optional(),
    ignore: z.string().optional(),
  })
  .loose();

/** `OCIRepository.spec` fields Sluice reads (v1, v1beta2). */
export const OCIRepositorySpec = z
  .object({
    url: z.string(),
    ref: z
      .object({ tag: z.string().optional(), semver: z.string().optional(), digest: z.string().optional() })
      .loose()
      .optional(),
    ignore: z.string().optional(),
  })
  .loose();

/** `HelmRepository.spec` fields Sluice reads (v1, v1beta2, v1beta1). */
export const HelmRepositorySpec = z.object({ url: z.string(), type: z.string().optional() }).loose();

/** `HelmRepository.spec` fields Sluice reads in v1beta1 (no `type` yet). */
export const HelmRepositorySpecV1beta1 = HelmRepositorySpec.omit({ type: true });

/** `HelmChart.spec` fields Sluice reads (v1, v1beta2, v1beta1). */
export const HelmChartSpec = z
  .object({
    chart: z.string(),
    version: z.string().optional(),
    /** A HelmChart's source is always in its own namespace. */
    sourceRef: z.object({ apiVersion: z.string().optional(), kind: z.string(), name: z.string() }).loose(),
    valuesFiles: z.array(z.string()).optional(),
  })
  .loose();

/** `Bucket.spec` fields Sluice reads (v1, v1beta2, v1beta1). */
export const BucketSpec = z
  .object({ bucketName: z.string(), endpoint: z.string(), ignore: z.string().optional() })
  .loose();

/** `ExternalArtifact.spec` fields Sluice reads (v1). */
export const ExternalArtifactSpec = z.object({ sourceRef: CrossNamespaceSourceReference.optional() }).loose();

/** `ArtifactGenerator.spec` fields Sluice reads (`source.extensions.fluxcd.io/v1beta1`). */
export const ArtifactGeneratorSpec = z
  .object({
    sources: z.array(
      z
        .object({ alias: z.string(), kind: z.string(), name: z.string(), namespace: z.string().optional() })
        .loose(),
    ),
    artifacts: z.array(
      z
        .object({
          name: z.string(),
          copy: z.array(
            z
              .object({
                from: z.string(),
                to: z.string(),
                exclude: z.array(z.string()).optional(),
                strategy: z.string().optional(),
              })
              .loose(),
          ),
        })
        .loose(),
    ),
  })
  .loose();
/** `ArtifactGenerator.spec` as Sluice reads it. */
export type ArtifactGeneratorSpec = z.infer<typeof ArtifactGeneratorSpec>;

/** Source spec schemas by kind. */
export const SOURCE_SPECS = {
  GitRepository: GitRepositorySpec,
  OCIRepository: OCIRepositorySpec,
  HelmRepository: HelmRepositorySpec,
  HelmChart: HelmChartSpec,
  Bucket: BucketSpec,
  ExternalArtifact: ExternalArtifactSpec,
} as const;

/** A Flux source kind Sluice knows. */
export type SourceKind = keyof typeof SOURCE_SPECS;

/** The spec schema of a source kind in one API version. */
export function sourceSpecSchema(kind: SourceKind, version: string): z.ZodType {
  if (kind === 'HelmRepository' && version === 'v1beta1') return HelmRepositorySpecV1beta1;
  return SOURCE_SPECS[kind];
}
