import * as z from 'zod';
import { Diagnostic } from './diagnostic.js';

/** Trivy's severities, most severe first. */
export const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'] as const;
/** A vulnerability severity, spelled as Trivy spells it. */
export const Severity = z.enum(SEVERITIES);
/** A vulnerability severity, spelled as Trivy spells it. */
export type Severity = z.infer<typeof Severity>;

/**
 * Where one image reference is written: the exact file, line and column of the image text
 * (after an opening quote), and the object and container it belongs to.
 */
export const ImageLocation = z.object({
  /** Relative to the scanned root, forward slashes. */
  file: z.string(),
  /** 1-based line of the first character of the image text. */
  line: z.number().int().positive(),
  /** 1-based column of the first character of the image text. */
  column: z.number().int().positive(),
  /** The image text exactly as written (for overlays: the text that produced the image). */
  raw: z.string(),
  /** Kind of the object that deploys the image (`Deployment`, `HelmRelease`, …). */
  kind: z.string(),
  namespace: z.string().optional(),
  name: z.string(),
  /** Container name, when the image belongs to a container. */
  container: z.string().optional(),
  /** Dotted path of the image field inside the object, such as `spec.template.spec.containers[0].image`. */
  fieldPath: z.string().optional(),
  /** 0-based index of the YAML document inside the file. */
  documentIndex: z.number().int().nonnegative().optional(),
  /**
   * Set when the image is written in YAML embedded in a string (a ConfigMap key or a Helm value
   * holding a pod template): `line`/`column` are then the image's line inside the string mapped
   * back to the file (a `|` block scalar), or the string's own position (a quoted or plain one-
   * line string), and `fieldPath` is the string's path, `|`, and the path inside the embedded YAML.
   */
  embedded: z.literal(true).optional(),
  /** The ids of the Flux objects that deploy this location, in Flux mode (see `ObjectResult.id`). */
  fluxObjects: z.array(z.string()).optional(),
  /**
   * Set when the image is a Helm chart's default (no value of the repository wrote it): the
   * location is then the line that chose the chart (a HelmRelease's `chart:`/`chartRef:`, or an
   * OCIRepository's `ref`), and this names the chart, its version and the template that holds
   * the image (`podinfo/templates/deployment.yaml`).
   */
  chart: z.object({ name: z.string(), version: z.string(), template: z.string() }).optional(),
});
/** Where one image reference is written; see the schema of the same name. */
export type ImageLocation = z.infer<typeof ImageLocation>;

/** A unique image (normalized reference) with every place it is written. */
export const ImageEntry = z.object({
  /** Normalized reference, such as `docker.io/library/nginx:1.21.0`. */
  ref: z.string(),
  locations: z.array(ImageLocation),
});
/** A unique image with every place it is written. */
export type ImageEntry = z.infer<typeof ImageEntry>;

/** One vulnerability in one package of one image. */
export const Finding = z.object({
  /** Vulnerability ID: `CVE-…`, `GHSA-…`, `ALAS-…`. */
  id: z.string(),
  severity: Severity,
  /** Package name as Trivy reports it. */
  package: z.string(),
  installedVersion: z.string(),
  /** Version that fixes it; absent when there is no fix. */
  fixedVersion: z.string().optional(),
  /** Trivy's status (`fixed`, `affected`, `will_not_fix`, …) when reported. */
  status: z.string().optional(),
  title: z.string().optional(),
  description: z.string().optional(),
  primaryUrl: z.string().optional(),
  /** Highest CVSS v3 (else v2) base score reported by any source. */
  cvssScore: z.number().optional(),
  /** Trivy's target (`alpine:3.10 (alpine 3.10.2)`, a lock file, …). */
  target: z.string().optional(),
  /** Package type (`alpine`, `debian`, `npm`, …). */
  packageType: z.string().optional(),
  /** Set by the policy when the finding is ignored, with the reason. Ignored findings never block. */
  suppressed: z.string().optional(),
});
/** One vulnerability in one package of one image. */
export type Finding = z.infer<typeof Finding>;

/** How a scan can fail. Every failure of a scan is classified as one of these. */
export const ScanErrorCode = z.enum([
  'not-found',
  'unauthorized',
  'rate-limited',
  'network',
  'db-unavailable',
  'cache-locked',
  'timeout',
  'crashed',
  'invalid-output',
  'aborted',
  'scanner-missing',
  'invalid-reference',
  'unknown',
]);
/** How a scan can fail. */
export type ScanErrorCode = z.infer<typeof ScanErrorCode>;

/** A classified scan error. */
export const ScanError = z.object({ code: ScanErrorCode, message: z.string() });
/** A classified scan error. */
export type ScanError = z.infer<typeof ScanError>;

/** The verdict on one image after the policy: `unknown` when it could not be scanned. */
export const ImageVerdict = z.enum(['pass', 'fail', 'unknown']);
/** The verdict on one image after the policy. */
export type ImageVerdict = z.infer<typeof ImageVerdict>;

/** One image in the gate report: where it is written, what the scan found, the verdict. */
export const ImageResult = z.object({
  ref: z.string(),
  locations: z.array(ImageLocation),
  outcome: z.enum(['ok', 'error']),
  error: ScanError.optional(),
  /** Where the result came from: a fresh scan, the result cache, or an existing Trivy report. */
  source: z.enum(['scan', 'cache', 'report']).optional(),
  /** The image digest, when the scanner reported one. */
  digest: z.string().optional(),
  findings: z.array(Finding),
  verdict: ImageVerdict,
  /** Why the verdict is what it is, one sentence each. */
  reasons: z.array(z.string()).optional(),
});
/** One image in the gate report. */
export type ImageResult = z.infer<typeof ImageResult>;

/** The gate status of a Flux object. */
export const ObjectStatus = z.enum(['pass', 'blocked', 'blocked-upstream', 'unknown', 'suspended']);
/** The gate status of a Flux object. */
export type ObjectStatus = z.infer<typeof ObjectStatus>;

/**
 * The `kind/namespace/name` part of a Flux object id: in repositories with several clusters ids
 * are `<cluster>:kind/namespace/name` (kinds, namespaces and names never hold a `:`).
 *
 * @example
 * ```ts
 * plainObjectId('clusters/staging:Kustomization/flux-system/apps'); // 'Kustomization/flux-system/apps'
 * plainObjectId('Kustomization/flux-system/apps'); // 'Kustomization/flux-system/apps'
 * ```
 */
export function plainObjectId(id: string): string {
  const colon = id.lastIndexOf(':');
  return colon === -1 ? id : id.slice(colon + 1);
}

/** One Flux Kustomization or HelmRelease in the gate report. */
export const ObjectResult = z.object({
  /**
   * Unique in the report: `kind/namespace/name`, such as `Kustomization/flux-system/apps`; in a
   * repository with several clusters `<cluster>:kind/namespace/name`.
   */
  id: z.string(),
  /** The cluster (entry folder, such as `clusters/production`) that deploys it, when known. */
  cluster: z.string().optional(),
  status: ObjectStatus,
  /** One sentence per reason, such as which image failed or which upstream object blocks it. */
  reasons: z.array(z.string()),
  /** The images this object deploys (normalized references). */
  images: z.array(z.string()).optional(),
  /**
   * Whether the object must not be applied: `true` for `blocked`, `blocked-upstream`, and an
   * `unknown` that fails closed (`onScanError: block`); `false` otherwise. Absent in reports
   * built by hand: `summarizeGateReport` then derives it from the status and the policy.
   */
  blocking: z.boolean().optional(),
  /** For `blocked-upstream`: the `dependsOn` chain from this object to the failing one. */
  chain: z.array(z.string()).optional(),
  /** Where the object is defined, when known. */
  file: z.string().optional(),
  line: z.number().int().positive().optional(),
});
/** One Flux object in the gate report. */
export type ObjectResult = z.infer<typeof ObjectResult>;

/** A node of the Flux dependency graph. */
export const GraphNode = z.object({
  /** The object id (see {@link ObjectResult}). */
  id: z.string(),
  /** The cluster (entry folder) that deploys it, when known. */
  cluster: z.string().optional(),
  dependsOn: z.array(z.string()),
  /** Flux objects this one creates (a parent Kustomization's children). */
  manages: z.array(z.string()),
  images: z.array(z.string()),
  suspended: z.boolean().optional(),
});
/** A node of the Flux dependency graph. */
export type GraphNode = z.infer<typeof GraphNode>;

/** The Flux dependency graph with its topological waves (what Flux can apply side by side). */
export const DependencyGraph = z.object({
  nodes: z.array(GraphNode),
  waves: z.array(z.array(z.string())),
});
/** The Flux dependency graph. */
export type DependencyGraph = z.infer<typeof DependencyGraph>;

/** A summary of the policy that produced the verdicts, for reporters. */
export const PolicySummary = z.object({
  /** Severities that fail an image. */
  severities: z.array(Severity),
  ignoreUnfixed: z.boolean(),
  /** `block`: a scan error blocks (fail closed, the default); `warn`: it only warns. */
  onScanError: z.enum(['block', 'warn']),
});
/** A summary of the policy that produced the verdicts. */
export type PolicySummary = z.infer<typeof PolicySummary>;

/** The scanner that produced the findings. */
export const ScannerInfo = z.object({
  name: z.string(),
  version: z.string().optional(),
  /** Vulnerability DB version (Trivy: `VulnerabilityDB.Version` plus `UpdatedAt`). */
  dbVersion: z.string().optional(),
});
/** The scanner that produced the findings. */
export type ScannerInfo = z.infer<typeof ScannerInfo>;

/**
 * Everything one Sluice run decided: the images with their locations, findings and verdicts,
 * the Flux objects with their gate status, the graph and the diagnostics. Reporters receive
 * exactly this. Arrays are sorted (images by `ref`, objects by `id`, diagnostics by file and
 * line) so that the same input yields byte-identical reports.
 */
export const GateReport = z.object({
  schemaVersion: z.literal(1),
  tool: z.object({ name: z.literal('sluice'), version: z.string() }),
  scanner: ScannerInfo.optional(),
  policy: PolicySummary,
  /** `blocked` when any object (or, without Flux objects, any image) must not be applied. */
  verdict: z.enum(['pass', 'blocked']),
  images: z.array(ImageResult),
  objects: z.array(ObjectResult),
  graph: DependencyGraph.optional(),
  diagnostics: z.array(Diagnostic),
});
/** Everything one Sluice run decided; see the schema of the same name. */
export type GateReport = z.infer<typeof GateReport>;
