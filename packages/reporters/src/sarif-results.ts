import type { Diagnostic, Finding, GateReport, ImageLocation, ImageResult, ObjectResult } from '@sluice/core';
import { compareDiagnostics, compareStrings } from '@sluice/core';
import { fingerprint } from './fingerprint.js';
import {
  formatFinding,
  formatLocation,
  formatLocationObject,
  imageRepository,
  sortedImages,
} from './report-helpers.js';
import { toOneLine, toWellFormed } from './sanitize-text.js';
import { securitySeverity, severityLevel } from './sarif-rules.js';
import type { GateRuleId } from './sarif-rules.js';
import type { SarifLevel, SarifLocation, SarifNotification, SarifResult } from './sarif-types.js';

/** A result before truncation: its rule, its weight (higher is kept first) and its finding. */
export interface SarifCandidate {
  readonly result: SarifResult;
  /** Higher weights survive truncation: gate decisions, then security severity. */
  readonly weight: number;
  /** For vulnerability results: the finding its rule is built from. */
  readonly finding?: Finding;
  /** For gate results: the level of the rule. */
  readonly gateRule?: GateRuleId;
}

/**
 * The absolute URI of a location outside the repository: a file of a fetched remote kustomize
 * base is shown as `<clone URL>@<ref>/<path>` (`https://github.com/org/repo@v1.2.3/deploy/app.yaml`),
 * and no repository path starts with `scheme://`. Undefined for a repository path, and for text
 * that only looks like a URL (`https://` then a host no URL parser accepts, as an images file
 * given to `--images-from` may hold): that is written as a relative path, every segment encoded.
 */
export function toRemoteUri(file: string): string | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(file)) return undefined;
  const uri = encodeURI(toWellFormed(file));
  return URL.canParse(uri) ? uri : undefined;
}

/** Makes a repository-relative path a relative URI reference (each segment percent-encoded). */
export function toRelativeUri(file: string): string {
  const segments = file.replace(/\\/g, '/').replace(/^\/+/, '').split('/');
  return segments.map((segment) => encodeURIComponent(toWellFormed(segment))).join('/');
}

function physicalLocation(
  uriBaseId: string,
  file: string,
  line: number,
  column: number,
  length: number,
  message?: string,
): SarifLocation {
  // A remote base's file is not under %SRCROOT%: its own absolute URI, no base.
  const remote = toRemoteUri(file);
  return {
    physicalLocation: {
      artifactLocation: remote === undefined ? { uri: toRelativeUri(file), uriBaseId } : { uri: remote },
      region: {
        startLine: line,
        startColumn: column,
        endLine: line,
        endColumn: column + Math.max(length, 1),
      },
    },
    ...(message !== undefined ? { message: { text: toOneLine(message) } } : {}),
  };
}

function imageLocation(uriBaseId: string, image: ImageResult, location: ImageLocation): SarifLocation {
  return physicalLocation(
    uriBaseId,
    location.file,
    location.line,
    location.column,
    location.raw.length,
    `${image.ref} in ${formatLocationObject(location)}`,
  );
}

// Images given directly (no manifest location): point at a pseudo path of the repository, as
// Trivy does, so that GitHub still accepts the result.
function pseudoLocation(image: ImageResult): ImageLocation {
  const repository = imageRepository(image.ref).replace(/^[^/]+\.[^/]+\//, '');
  return { file: repository, line: 1, column: 1, raw: '', kind: 'Image', name: image.ref };
}

function locationKey(location: ImageLocation): string[] {
  return [
    location.file,
    location.kind,
    location.namespace ?? '',
    location.name,
    location.container ?? location.fieldPath ?? '',
  ];
}

function vulnerabilityResults(uriBaseId: string, image: ImageResult): SarifCandidate[] {
  const locations = image.locations.length > 0 ? image.locations : [pseudoLocation(image)];
  const candidates: SarifCandidate[] = [];
  for (const finding of image.findings) {
    for (const location of locations) {
      const text = `${formatFinding(finding)} in image ${image.ref}, deployed by ${formatLocationObject(location)} at ${formatLocation(location)}.`;
      candidates.push({
        finding,
        weight: finding.suppressed !== undefined ? -1 : securitySeverity(finding),
        result: {
          ruleId: finding.id,
          level: severityLevel(finding.severity),
          message: { text: toOneLine(text) },
          locations: [imageLocation(uriBaseId, image, location)],
          partialFingerprints: {
            primaryLocationLineHash: fingerprint([
              'vulnerability',
              ...locationKey(location),
              imageRepository(image.ref),
              finding.package,
              finding.id,
            ]),
          },
          ...(finding.suppressed !== undefined
            ? {
                suppressions: [
                  { kind: 'external', status: 'accepted', justification: toOneLine(finding.suppressed) },
                ],
              }
            : {}),
          properties: {
            image: image.ref,
            ...(image.digest ? { digest: image.digest } : {}),
            package: finding.package,
            installedVersion: finding.installedVersion,
            ...(finding.fixedVersion ? { fixedVersion: finding.fixedVersion } : {}),
            severity: finding.severity,
            ...(location.fluxObjects && location.fluxObjects.length > 0
              ? { fluxObjects: location.fluxObjects }
              : {}),
          },
        },
      });
    }
  }
  return candidates;
}

function scanErrorResults(uriBaseId: string, report: GateReport, image: ImageResult): SarifCandidate[] {
  if (image.outcome !== 'error') return [];
  const level: SarifLevel = report.policy.onScanError === 'block' ? 'error' : 'warning';
  const locations = image.locations.length > 0 ? image.locations : [pseudoLocation(image)];
  const error = image.error ? `${image.error.code}: ${image.error.message}` : 'unknown error';
  return locations.map((location) => ({
    gateRule: 'sluice/scan-error',
    weight: 100,
    result: {
      ruleId: 'sluice/scan-error',
      level,
      message: { text: toOneLine(`Image ${image.ref} could not be scanned (${error}).`) },
      locations: [imageLocation(uriBaseId, image, location)],
      partialFingerprints: {
        primaryLocationLineHash: fingerprint([
          'scan-error',
          ...locationKey(location),
          imageRepository(image.ref),
        ]),
      },
      properties: { image: image.ref, ...(image.error ? { errorCode: image.error.code } : {}) },
    },
  }));
}

const OBJECT_RULES: Partial<Record<ObjectResult['status'], GateRuleId>> = {
  blocked: 'sluice/object-blocked',
  'blocked-upstream': 'sluice/object-blocked-upstream',
  unknown: 'sluice/object-unknown',
};

function objectResult(
  uriBaseId: string,
  object: ObjectResult,
): SarifCandidate | SarifNotification | undefined {
  const rule = OBJECT_RULES[object.status];
  if (rule === undefined) return undefined;
  const level: SarifLevel = object.status === 'unknown' ? 'warning' : 'error';
  const verb = object.status === 'unknown' ? 'could not be decided' : 'must not be applied';
  const chain = object.chain && object.chain.length > 0 ? ` Chain: ${object.chain.join(' → ')}.` : '';
  const text = toOneLine(`${object.id} ${verb} (${object.status}). ${object.reasons.join(' ')}${chain}`);
  if (object.file === undefined || object.file === '') {
    return { level, message: { text }, descriptor: { id: rule } };
  }
  return {
    gateRule: rule,
    weight: 100,
    result: {
      ruleId: rule,
      level,
      message: { text },
      locations: [physicalLocation(uriBaseId, object.file, object.line ?? 1, 1, 1, object.id)],
      partialFingerprints: { primaryLocationLineHash: fingerprint(['object', rule, object.file, object.id]) },
      properties: {
        object: object.id,
        status: object.status,
        ...(object.cluster === undefined ? {} : { cluster: object.cluster }),
      },
    },
  };
}

function diagnosticLevel(diagnostic: Diagnostic): SarifLevel {
  return diagnostic.severity === 'error' ? 'error' : diagnostic.severity === 'warning' ? 'warning' : 'note';
}

function diagnosticResult(uriBaseId: string, diagnostic: Diagnostic): SarifCandidate | SarifNotification {
  const rule: GateRuleId = `sluice/diagnostic/${toOneLine(diagnostic.code)}`;
  const level = diagnosticLevel(diagnostic);
  const text = toOneLine(diagnostic.message) || diagnostic.code;
  if (diagnostic.file === '') {
    return { level, message: { text }, descriptor: { id: rule } };
  }
  return {
    gateRule: rule,
    weight: level === 'error' ? 50 : level === 'warning' ? 4 : 0,
    result: {
      ruleId: rule,
      level,
      message: { text },
      locations: [
        physicalLocation(uriBaseId, diagnostic.file, diagnostic.line ?? 1, diagnostic.column ?? 1, 1),
      ],
      partialFingerprints: {
        primaryLocationLineHash: fingerprint([
          'diagnostic',
          diagnostic.code,
          diagnostic.file,
          diagnostic.object ?? '',
          diagnostic.message,
        ]),
      },
      ...(diagnostic.object ? { properties: { object: diagnostic.object } } : {}),
    },
  };
}

function isCandidate(value: SarifCandidate | SarifNotification): value is SarifCandidate {
  return 'result' in value;
}

/**
 * Every result Sluice would report for a gate report, in output order (images by reference,
 * findings most severe first, locations by file and line; then objects; then diagnostics), plus
 * the notifications for gate facts that have no file. Identical fingerprints get `:2`, `:3`, …
 * in output order, as GitHub does for identical lines.
 */
export function buildSarifCandidates(
  report: GateReport,
  uriBaseId: string,
): { candidates: SarifCandidate[]; notifications: SarifNotification[] } {
  const candidates: SarifCandidate[] = [];
  const notifications: SarifNotification[] = [];
  for (const image of sortedImages(report)) {
    candidates.push(...scanErrorResults(uriBaseId, report, image), ...vulnerabilityResults(uriBaseId, image));
  }
  const objects = [...report.objects].sort((a, b) => compareStrings(a.id, b.id));
  const gate = [
    ...objects.map((object) => objectResult(uriBaseId, object)),
    ...[...report.diagnostics]
      .sort(compareDiagnostics)
      .map((diagnostic) => diagnosticResult(uriBaseId, diagnostic)),
  ];
  for (const entry of gate) {
    if (entry === undefined) continue;
    if (isCandidate(entry)) candidates.push(entry);
    else notifications.push(entry);
  }
  const seen = new Map<string, number>();
  for (const candidate of candidates) {
    const hash = candidate.result.partialFingerprints.primaryLocationLineHash ?? '';
    const count = (seen.get(hash) ?? 0) + 1;
    seen.set(hash, count);
    candidate.result.partialFingerprints.primaryLocationLineHash = `${hash}:${count}`;
  }
  return { candidates, notifications };
}
