import { compareStrings } from './compare-strings.js';
import type { Finding } from './report.js';
import { SEVERITIES } from './report.js';

/**
 * Orders findings most severe first, then by vulnerability ID, package, installed version,
 * target and fixed version: the one order every Sluice report uses.
 */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
    compareStrings(a.id, b.id) ||
    compareStrings(a.package, b.package) ||
    compareStrings(a.installedVersion, b.installedVersion) ||
    compareStrings(a.target ?? '', b.target ?? '') ||
    compareStrings(a.fixedVersion ?? '', b.fixedVersion ?? '')
  );
}
