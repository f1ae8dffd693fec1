import * as z from 'zod';

/** CVSS scores of one source (`nvd`, `redhat`, `ghsa`, …). Every field may be absent. */
export const TrivyCvss = z.looseObject({
  V2Vector: z.string().optional(),
  V3Vector: z.string().optional(),
  V40Vector: z.string().optional(),
  V2Score: z.number().optional(),
  V3Score: z.number().optional(),
  V40Score: z.number().optional(),
});
/** CVSS scores of one source. */
export type TrivyCvss = z.infer<typeof TrivyCvss>;

/**
 * One entry of `Results[].Vulnerabilities`. Trivy documents that `VulnerabilityID`, `PkgName`,
 * `InstalledVersion` and `Severity` are always filled; everything else may be missing.
 */
export const TrivyVulnerability = z.looseObject({
  VulnerabilityID: z.string(),
  PkgName: z.string(),
  PkgID: z.string().optional(),
  PkgPath: z.string().optional(),
  InstalledVersion: z.string(),
  FixedVersion: z.string().optional(),
  Status: z.string().optional(),
  Severity: z.string(),
  SeveritySource: z.string().optional(),
  PrimaryURL: z.string().optional(),
  Title: z.string().optional(),
  Description: z.string().optional(),
  CVSS: z.record(z.string(), TrivyCvss).optional(),
});
/** One vulnerability of a Trivy report. */
export type TrivyVulnerability = z.infer<typeof TrivyVulnerability>;

/** One entry of `Results`: a target (OS packages, a lock file, a binary) and what was found. */
export const TrivyResult = z.looseObject({
  Target: z.string(),
  Class: z.string().optional(),
  Type: z.string().optional(),
  Vulnerabilities: z.array(TrivyVulnerability).optional(),
});
/** One result of a Trivy report. */
export type TrivyResult = z.infer<typeof TrivyResult>;

/** `Metadata` of an image report; `RepoDigests` is absent for tar archives. */
export const TrivyMetadata = z.looseObject({
  ImageID: z.string().optional(),
  RepoTags: z.array(z.string()).optional(),
  RepoDigests: z.array(z.string()).optional(),
  Reference: z.string().optional(),
});
/** `Metadata` of an image report. */
export type TrivyMetadata = z.infer<typeof TrivyMetadata>;

/**
 * Trivy's JSON report (`trivy image --format json`, SchemaVersion 2). Unknown fields are kept,
 * so reports from newer Trivy versions still validate; `Results` is absent when nothing at all
 * was found.
 */
export const TrivyReport = z.looseObject({
  SchemaVersion: z.literal(2),
  Trivy: z.looseObject({ Version: z.string().optional() }).optional(),
  ArtifactName: z.string(),
  ArtifactType: z.string().optional(),
  Metadata: TrivyMetadata.optional(),
  Results: z.array(TrivyResult).optional(),
});
/** Trivy's JSON report (SchemaVersion 2). */
export type TrivyReport = z.infer<typeof TrivyReport>;

/** The `VulnerabilityDB` object of `trivy version --format json`. */
export const TrivyDbMetadata = z.looseObject({
  Version: z.number(),
  NextUpdate: z.string().optional(),
  UpdatedAt: z.string().optional(),
  DownloadedAt: z.string().optional(),
});
/** The `VulnerabilityDB` object of `trivy version --format json`. */
export type TrivyDbMetadata = z.infer<typeof TrivyDbMetadata>;

/** `trivy version --format json`; the DB objects are absent when the cache dir holds no DB. */
export const TrivyVersionInfo = z.looseObject({
  Version: z.string(),
  VulnerabilityDB: TrivyDbMetadata.optional(),
});
/** `trivy version --format json`. */
export type TrivyVersionInfo = z.infer<typeof TrivyVersionInfo>;
