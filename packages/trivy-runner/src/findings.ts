import { compareFindings, Severity } from '@sluice/core';
import type { Finding } from '@sluice/core';
import type { TrivyReport, TrivyVulnerability } from './trivy-report.js';

function highestScore(vulnerability: TrivyVulnerability): number | undefined {
  const sources = Object.values(vulnerability.CVSS ?? {});
  const best = (pick: (scores: (typeof sources)[number]) => number | undefined): number | undefined => {
    const scores = sources.map(pick).filter((score): score is number => typeof score === 'number');
    return scores.length > 0 ? Math.max(...scores) : undefined;
  };
  return best((cvss) => cvss.V3Score) ?? best((cvss) => cvss.V2Score);
}

/** Converts one Trivy vulnerability into a core {@link Finding}. */
export function toFinding(vulnerability: TrivyVulnerability, target?: string, packageType?: string): Finding {
  const severity = Severity.safeParse(vulnerability.Severity);
  const cvssScore = highestScore(vulnerability);
  const finding: Finding = {
    id: vulnerability.VulnerabilityID,
    severity: severity.success ? severity.data : 'UNKNOWN',
    package: vulnerability.PkgName,
    installedVersion: vulnerability.InstalledVersion,
  };
  if (vulnerability.FixedVersion) finding.fixedVersion = vulnerability.FixedVersion;
  if (vulnerability.Status) finding.status = vulnerability.Status;
  if (vulnerability.Title) finding.title = vulnerability.Title;
  if (vulnerability.Description) finding.description = vulnerability.Description;
  if (vulnerability.PrimaryURL) finding.primaryUrl = vulnerability.PrimaryURL;
  if (cvssScore !== undefined) finding.cvssScore = cvssScore;
  if (target !== undefined) finding.target = target;
  if (packageType !== undefined) finding.packageType = packageType;
  return finding;
}

/**
 * Every vulnerability of a Trivy report as core findings: the highest CVSS v3 score of any
 * source (else v2) becomes `cvssScore`, the result's `Target` and `Type` become `target` and
 * `packageType`. Sorted with core's `compareFindings`.
 */
export function extractFindings(report: TrivyReport): Finding[] {
  const findings: Finding[] = [];
  for (const result of report.Results ?? []) {
    for (const vulnerability of result.Vulnerabilities ?? []) {
      findings.push(toFinding(vulnerability, result.Target, result.Type));
    }
  }
  return findings.sort(compareFindings);
}
