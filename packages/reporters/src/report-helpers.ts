import { SEVERITIES, compareFindings, compareLocations, compareStrings } from '@sluice/core';
import type { Finding, GateReport, ImageLocation, ImageResult, PolicySummary, Severity } from '@sluice/core';

/** Rank of a severity: 0 for CRITICAL up to 4 for UNKNOWN. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** The images sorted by reference, each with its findings and locations sorted. */
export function sortedImages(report: GateReport): ImageResult[] {
  return [...report.images]
    .sort((a, b) => compareStrings(a.ref, b.ref))
    .map((image) => ({
      ...image,
      locations: [...image.locations].sort(compareLocations),
      findings: [...image.findings].sort(compareFindings),
    }));
}

/** Number of findings per severity. */
export type SeverityCounts = Record<Severity, number>;

/** Counts findings per severity (suppressed findings excluded). */
export function countSeverities(findings: readonly Finding[]): SeverityCounts {
  const counts: SeverityCounts = { CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0 };
  for (const finding of findings) if (finding.suppressed === undefined) counts[finding.severity] += 1;
  return counts;
}

/** Whether a finding fails the policy: not suppressed, of a failing severity, and fixable if required. */
export function isBlockingFinding(finding: Finding, policy: PolicySummary): boolean {
  return (
    finding.suppressed === undefined &&
    policy.severities.includes(finding.severity) &&
    !(policy.ignoreUnfixed && finding.fixedVersion === undefined)
  );
}

/** The Flux objects (`kind/namespace/name`) that deploy an image, sorted and unique. */
export function fluxObjectsOf(image: ImageResult): string[] {
  const ids = new Set<string>();
  for (const location of image.locations) for (const id of location.fluxObjects ?? []) ids.add(id);
  return [...ids].sort(compareStrings);
}

/** An image reference without its tag and digest: `docker.io/library/nginx`. */
export function imageRepository(ref: string): string {
  const withoutDigest = ref.split('@')[0] ?? ref;
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
}

/** `file:line:column`. */
export function formatLocation(location: Pick<ImageLocation, 'file' | 'line' | 'column'>): string {
  return `${location.file}:${location.line}:${location.column}`;
}

/** `Deployment ns/name` (container `c`) — the object an image location belongs to. */
export function formatLocationObject(location: ImageLocation): string {
  const name = location.namespace ? `${location.namespace}/${location.name}` : location.name;
  const container = location.container ? ` (container ${location.container})` : '';
  // An embedded image is written inside a string of the object: name the string.
  const string = location.embedded ? (location.fieldPath?.split('|')[0] ?? '') : '';
  return `${location.kind} ${name}${container}${location.embedded ? `, in YAML embedded in ${string || 'a string'}` : ''}`;
}

/** `CRITICAL CVE-2024-1 in openssl 3.0.1 (fixed in 3.0.2)`. */
export function formatFinding(finding: Finding): string {
  const fix = finding.fixedVersion ? `fixed in ${finding.fixedVersion}` : 'no fix';
  const suppressed = finding.suppressed !== undefined ? `, ignored: ${finding.suppressed}` : '';
  return `${finding.severity} ${finding.id} in ${finding.package} ${finding.installedVersion} (${fix}${suppressed})`;
}

/** `2 CRITICAL, 1 HIGH` or `no findings`. */
export function formatCounts(counts: SeverityCounts): string {
  const parts = SEVERITIES.filter((severity) => counts[severity] > 0).map((s) => `${counts[s]} ${s}`);
  return parts.length > 0 ? parts.join(', ') : 'no findings';
}

/** `1 finding`, `2 findings`. */
export function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nouns}`;
}

/**
 * Whether the report comes from a repository with several clusters: its object ids carry the
 * cluster (`clusters/staging:Kustomization/flux-system/apps`), and reports show clusters apart.
 */
export function hasClusterIds(report: GateReport): boolean {
  return report.objects.some(
    (object) => object.cluster !== undefined && object.id.startsWith(`${object.cluster}:`),
  );
}
