import { gzipSync } from 'node:zlib';
import { escapeJsonForTerminal } from '@sluice/core';
import type { Finding, GateReport } from '@sluice/core';
import { buildSarifCandidates } from './sarif-results.js';
import type { SarifCandidate } from './sarif-results.js';
import { buildGateRule, buildVulnerabilityRule } from './sarif-rules.js';
import type { GateRuleId } from './sarif-rules.js';
import type {
  SarifLevel,
  SarifLog,
  SarifNotification,
  SarifResult,
  SarifRule,
  SarifRun,
} from './sarif-types.js';
import type { Reporter } from './reporter.js';
import { toWellFormed } from './sanitize-text.js';

/** The `$schema` of every SARIF log Sluice writes (the OASIS 2.1.0 errata 01 schema). */
export const SARIF_SCHEMA_URI =
  'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

/** GitHub code scanning's limit on results per run. */
export const GITHUB_MAX_RESULTS = 25_000;
/** GitHub code scanning's limit on the gzip-compressed size of one upload. */
export const GITHUB_MAX_GZIP_BYTES = 10_000_000;

/** Options of {@link sarifReporter}. */
export interface SarifReporterOptions {
  /**
   * The analysis category: `run.automationDetails.id` is `<category>/`. Give each SARIF file
   * uploaded for one commit its own category.
   * @default 'sluice'
   */
  readonly category?: string;
  /**
   * The `uriBaseId` of every location; the URIs are relative to it.
   * @default '%SRCROOT%'
   */
  readonly uriBaseId?: string;
  /**
   * The repository root as an absolute `file:` URI or path, written to `originalUriBaseIds`.
   * Left out by default so that the output does not depend on the checkout path; GitHub does
   * not need it.
   */
  readonly srcRoot?: string;
  /**
   * Most results to write; beyond it the most severe are kept and `run.properties` says so.
   * @default 25000 (GitHub's limit)
   */
  readonly maxResults?: number;
  /**
   * Largest gzip-compressed size in bytes; beyond it results are dropped (least severe first).
   * @default 10000000 (GitHub's 10 MB, read as decimal megabytes to stay safely under either reading)
   */
  readonly maxGzipBytes?: number;
  /**
   * Also write findings the policy ignores, marked with SARIF `suppressions`.
   * @default true
   */
  readonly includeSuppressed?: boolean;
  /**
   * `tool.driver.informationUri`.
   * @default undefined (not written)
   */
  readonly informationUri?: string;
  /**
   * Spaces of JSON indentation; `0` writes one line.
   * @default 2
   */
  readonly indent?: number;
}

function toFileUri(root: string): string {
  if (/^file:/i.test(root)) return root.endsWith('/') ? root : `${root}/`;
  const path = toWellFormed(root).replace(/\\/g, '/');
  const encoded = path
    .split('/')
    .map((segment, index) =>
      index === 0 && /^[A-Za-z]:$/.test(segment) ? segment : encodeURIComponent(segment),
    )
    .join('/');
  return `file://${encoded.startsWith('/') ? '' : '/'}${encoded}${encoded.endsWith('/') ? '' : '/'}`;
}

const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

function buildRules(kept: readonly SarifCandidate[]): { rules: SarifRule[]; index: Map<string, number> } {
  const vulnerabilities = new Map<string, Finding[]>();
  const gate = new Map<GateRuleId, SarifLevel>();
  for (const candidate of kept) {
    if (candidate.finding) {
      const list = vulnerabilities.get(candidate.result.ruleId) ?? [];
      list.push(candidate.finding);
      vulnerabilities.set(candidate.result.ruleId, list);
    } else if (candidate.gateRule && !gate.has(candidate.gateRule)) {
      gate.set(candidate.gateRule, candidate.result.level);
    }
  }
  const rules: SarifRule[] = [];
  // Rules appear in the order their first result appears, so ruleIndex is stable.
  const order = new Set<string>();
  for (const candidate of kept) order.add(candidate.result.ruleId);
  for (const id of order) {
    const findings = vulnerabilities.get(id);
    rules.push(
      findings
        ? buildVulnerabilityRule(id, findings)
        : buildGateRule(id as GateRuleId, gate.get(id as GateRuleId) ?? 'warning'),
    );
  }
  return { rules, index: new Map(rules.map((rule, position) => [rule.id, position])) };
}

/** Picks the `count` heaviest candidates, keeping their output order. */
function keepHeaviest(candidates: readonly SarifCandidate[], count: number): SarifCandidate[] {
  if (count >= candidates.length) return [...candidates];
  const ranked = candidates.map((candidate, position) => ({ candidate, position }));
  ranked.sort((a, b) => b.candidate.weight - a.candidate.weight || a.position - b.position);
  const keep = new Set(ranked.slice(0, Math.max(count, 0)).map((entry) => entry.position));
  return candidates.filter((_, position) => keep.has(position));
}

function buildLog(
  report: GateReport,
  options: SarifReporterOptions,
  kept: readonly SarifCandidate[],
  notifications: readonly SarifNotification[],
  truncation: Record<string, unknown>,
): SarifLog {
  const uriBaseId = options.uriBaseId ?? '%SRCROOT%';
  const { rules, index } = buildRules(kept);
  const results: SarifResult[] = kept.map((candidate) => {
    const { ruleId, ...rest } = candidate.result;
    return { ruleId, ruleIndex: index.get(ruleId) ?? 0, ...rest };
  });
  const version = report.tool.version;
  const scanner = report.scanner
    ? ` with ${report.scanner.name}${report.scanner.version ? ` ${report.scanner.version}` : ''}`
    : '';
  const run: SarifRun = {
    tool: {
      driver: {
        name: 'Sluice',
        fullName: `Sluice ${version}${scanner}`,
        version,
        ...(SEMVER.test(version) ? { semanticVersion: version } : {}),
        ...(options.informationUri ? { informationUri: options.informationUri } : {}),
        rules,
      },
    },
    automationDetails: { id: `${(options.category ?? 'sluice').replace(/\/+$/, '')}/` },
    originalUriBaseIds: {
      [uriBaseId]: options.srcRoot
        ? { uri: toFileUri(options.srcRoot) }
        : { description: { text: 'The root of the scanned GitOps repository.' } },
    },
    columnKind: 'utf16CodeUnits',
    invocations: [
      {
        // An image that could not be scanned means the analysis is incomplete.
        executionSuccessful: report.images.every((image) => image.outcome === 'ok'),
        ...(notifications.length > 0 ? { toolExecutionNotifications: [...notifications] } : {}),
      },
    ],
    results,
    properties: {
      verdict: report.verdict,
      policy: report.policy,
      ...(report.scanner ? { scanner: report.scanner } : {}),
      ...truncation,
    },
  };
  return { $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: [run] };
}

/**
 * Builds the SARIF log of a gate report (see {@link sarifReporter}).
 */
export function buildSarifLog(report: GateReport, options: SarifReporterOptions = {}): SarifLog {
  return renderSarif(report, options).log;
}

function renderSarif(report: GateReport, options: SarifReporterOptions): { log: SarifLog; text: string } {
  const indent = options.indent ?? 2;
  const maxResults = options.maxResults ?? GITHUB_MAX_RESULTS;
  const maxGzipBytes = options.maxGzipBytes ?? GITHUB_MAX_GZIP_BYTES;
  const built = buildSarifCandidates(report, options.uriBaseId ?? '%SRCROOT%');
  const all =
    options.includeSuppressed === false
      ? built.candidates.filter((candidate) => candidate.finding?.suppressed === undefined)
      : built.candidates;
  let count = Math.min(all.length, maxResults);
  for (;;) {
    const kept = keepHeaviest(all, count);
    const dropped = all.length - kept.length;
    const reasons: string[] = [];
    if (all.length > maxResults) reasons.push(`more than ${maxResults} results`);
    if (count < Math.min(all.length, maxResults))
      reasons.push(`more than ${maxGzipBytes} bytes gzip-compressed`);
    const truncation: Record<string, unknown> = {
      truncated: dropped > 0,
      totalResults: all.length,
      ...(dropped > 0
        ? {
            droppedResults: dropped,
            truncationReason: `The report had ${reasons.join(' and ')} (GitHub code scanning's limits); kept the ${kept.length} most severe of ${all.length} results.`,
          }
        : {}),
    };
    const log = buildLog(report, options, kept, built.notifications, truncation);
    const text = `${escapeJsonForTerminal(JSON.stringify(log, null, indent))}\n`;
    if (count === 0) return { log, text };
    const size = gzipSync(text).length;
    if (size <= maxGzipBytes) return { log, text };
    count = Math.min(count - 1, Math.floor((count * maxGzipBytes * 0.95) / size));
  }
}

/**
 * SARIF 2.1.0 for GitHub code scanning (and any SARIF viewer): one run; a rule per
 * vulnerability with CVSS-based `security-severity`; one result per vulnerability, package and
 * image location, pointing at the manifest line and column where the image is written; the
 * gate's blocked objects, scan errors and diagnostics as results too. Stays within GitHub's
 * limits by keeping the most severe results.
 *
 * @example
 * ```ts
 * const sarif = await sarifReporter({ category: 'sluice/production' }).render(report);
 * ```
 */
export function sarifReporter(options: SarifReporterOptions = {}): Reporter {
  return {
    name: 'sarif',
    fileExtension: '.sarif',
    mediaType: 'application/sarif+json',
    render: (report: GateReport) => renderSarif(report, options).text,
  };
}
