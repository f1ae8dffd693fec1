import { compareFindings } from '@sluice/core';
import type { Finding, Severity } from '@sluice/core';
import { compareStrings } from '@sluice/core';
import { escapeMarkdown } from './escape-markdown.js';
import { toOneLine, truncateText } from './sanitize-text.js';
import type { SarifLevel, SarifRule } from './sarif-types.js';

/** GitHub's limit on rule descriptions. */
export const SARIF_DESCRIPTION_LIMIT = 1024;

/** `security-severity` when a finding has no CVSS score (the values Trivy uses). */
export const SECURITY_SEVERITY_FALLBACK: Readonly<Record<Severity, number>> = {
  CRITICAL: 9.5,
  HIGH: 8.0,
  MEDIUM: 5.5,
  LOW: 2.0,
  UNKNOWN: 0,
};

/** The SARIF level of a severity: CRITICAL and HIGH are errors, MEDIUM warnings, the rest notes. */
export function severityLevel(severity: Severity): SarifLevel {
  return severity === 'CRITICAL' || severity === 'HIGH'
    ? 'error'
    : severity === 'MEDIUM'
      ? 'warning'
      : 'note';
}

/** The `security-severity` score of a finding: its CVSS score, else the fallback for its severity. */
export function securitySeverity(finding: Finding): number {
  return finding.cvssScore !== undefined && finding.cvssScore > 0 && finding.cvssScore <= 10
    ? finding.cvssScore
    : SECURITY_SEVERITY_FALLBACK[finding.severity];
}

/** An http(s) URL safe to put in a Markdown link, or undefined. */
export function safeUrl(url: string | undefined): string | undefined {
  if (url === undefined || !/^https?:\/\/[^\s()<>"'`\\]+$/.test(url)) return undefined;
  return URL.canParse(url) ? url : undefined;
}

function description(text: string | undefined, fallback: string): string {
  const line = text === undefined ? '' : toOneLine(text);
  return truncateText(line.length > 0 ? line : fallback, SARIF_DESCRIPTION_LIMIT);
}

/**
 * One rule per vulnerability ID, built from every finding of that ID that is reported (so the
 * help lists every affected package with its fixed version, not just the last one seen).
 */
export function buildVulnerabilityRule(id: string, findings: readonly Finding[]): SarifRule {
  const sorted = [...findings].sort(compareFindings);
  const first = sorted[0];
  if (first === undefined) throw new Error(`no findings for rule ${id}`);
  const title = sorted.find((finding) => finding.title)?.title;
  const text = sorted.find((finding) => finding.description)?.description;
  const url = safeUrl(sorted.find((finding) => safeUrl(finding.primaryUrl))?.primaryUrl);
  const severity = first.severity;
  const score = Math.max(...sorted.map(securitySeverity));
  const packages = new Map<string, Finding>();
  for (const finding of sorted) {
    const key = `${finding.package}\u0000${finding.installedVersion}\u0000${finding.fixedVersion ?? ''}`;
    if (!packages.has(key)) packages.set(key, finding);
  }
  const rows = [...packages.values()].sort(
    (a, b) => compareStrings(a.package, b.package) || compareStrings(a.installedVersion, b.installedVersion),
  );
  const short = description(title, `${id} in ${rows.map((row) => row.package).join(', ')}`);
  const full = description(text ?? title, short);
  const helpText = [
    `${toOneLine(id)} (${severity}): ${short}`,
    '',
    ...rows.map(
      (row) =>
        `- ${toOneLine(row.package)} ${toOneLine(row.installedVersion)}: ${
          row.fixedVersion ? `fixed in ${toOneLine(row.fixedVersion)}` : 'no fixed version yet'
        }`,
    ),
    '',
    full,
    ...(url ? ['', `More: ${url}`] : []),
  ].join('\n');
  const helpMarkdown = [
    `**${escapeMarkdown(id)}** (${severity}): ${escapeMarkdown(short)}`,
    '',
    '| Package | Installed version | Fixed version |',
    '| --- | --- | --- |',
    ...rows.map(
      (row) =>
        `| ${escapeMarkdown(row.package)} | ${escapeMarkdown(row.installedVersion)} | ${
          row.fixedVersion ? escapeMarkdown(row.fixedVersion) : 'no fix yet'
        } |`,
    ),
    '',
    escapeMarkdown(full),
    ...(url ? ['', `[${escapeMarkdown(id)}](${url})`] : []),
  ].join('\n');
  return {
    id,
    name: 'ImageVulnerability',
    shortDescription: { text: short },
    fullDescription: { text: full },
    ...(url ? { helpUri: url } : {}),
    help: { text: helpText, markdown: helpMarkdown },
    defaultConfiguration: { level: severityLevel(severity) },
    properties: {
      tags: ['security', 'vulnerability', 'container-image', severity],
      precision: 'very-high',
      'security-severity': score.toFixed(1),
    },
  };
}

/** The Sluice rules that are not vulnerabilities: gate decisions, scan errors, diagnostics. */
export type GateRuleId =
  | 'sluice/object-blocked'
  | 'sluice/object-blocked-upstream'
  | 'sluice/object-unknown'
  | 'sluice/scan-error'
  | `sluice/diagnostic/${string}`;

const GATE_RULES: Record<string, { name: string; short: string; full: string; level: SarifLevel }> = {
  'sluice/object-blocked': {
    name: 'FluxObjectBlocked',
    short: 'Flux object blocked by the Sluice gate',
    full: 'The Flux object deploys an image that fails the vulnerability policy, so it must not be applied.',
    level: 'error',
  },
  'sluice/object-blocked-upstream': {
    name: 'FluxObjectBlockedUpstream',
    short: 'Flux object blocked because an object it depends on is blocked',
    full: 'An object in the dependsOn chain of this Flux object is blocked, so Flux would not apply it either.',
    level: 'error',
  },
  'sluice/object-unknown': {
    name: 'FluxObjectUndecided',
    short: 'Flux object the Sluice gate could not decide',
    full: 'An image of this Flux object (or of one it depends on) could not be scanned, so its status is unknown.',
    level: 'warning',
  },
  'sluice/scan-error': {
    name: 'ImageScanError',
    short: 'Image could not be scanned',
    full: 'The scanner failed on this image (not found, unauthorized, timeout, …), so its vulnerabilities are unknown.',
    level: 'error',
  },
};

/** A rule for a gate decision, a scan error, or a diagnostic code. */
export function buildGateRule(id: GateRuleId, level: SarifLevel): SarifRule {
  const known = GATE_RULES[id];
  const code = id.startsWith('sluice/diagnostic/') ? id.slice('sluice/diagnostic/'.length) : id;
  const short =
    known?.short ?? truncateText(`Sluice diagnostic: ${toOneLine(code)}`, SARIF_DESCRIPTION_LIMIT);
  const full = known?.full ?? `Sluice reported "${toOneLine(code)}" while reading the repository.`;
  return {
    id,
    name: known?.name ?? 'SluiceDiagnostic',
    shortDescription: { text: short },
    fullDescription: { text: full },
    help: {
      text: `${short}.\n\n${full}`,
      markdown: `**${escapeMarkdown(short)}**\n\n${escapeMarkdown(full)}`,
    },
    defaultConfiguration: { level: known?.level ?? level },
    properties: {
      tags: ['sluice', 'gate'],
      precision: 'very-high',
      'problem.severity': level === 'error' ? 'error' : level === 'warning' ? 'warning' : 'recommendation',
    },
  };
}
