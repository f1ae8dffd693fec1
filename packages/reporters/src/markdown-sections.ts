import type { Finding, GateReport, ImageResult, ObjectResult } from '@sluice/core';
import {
  SEVERITIES,
  compareDiagnostics,
  compareStrings,
  plainObjectId,
  summarizeGateReport,
} from '@sluice/core';
import { escapeHtml, escapeMarkdown } from './escape-markdown.js';
import { renderMermaidGraph } from './mermaid.js';
import { formatSummary } from './summary-text.js';
import { safeUrl } from './sarif-rules.js';
import {
  countSeverities,
  formatCounts,
  formatLocation,
  hasClusterIds,
  isBlockingFinding,
  plural,
  sortedImages,
} from './report-helpers.js';

/** How much detail one rendering of the Markdown report includes. */
export interface MarkdownDetail {
  /** Findings per image in the folded tables; `Infinity` for all. */
  readonly findingsPerImage: number;
  /** Only findings that fail the policy in the folded tables (the rest are counted). */
  readonly onlyBlocking: boolean;
  /** Include the Mermaid graph when it has at most this many nodes. */
  readonly maxGraphNodes: number;
  readonly maxObjects: number;
  readonly maxImages: number;
  readonly maxDiagnostics: number;
  /** Fold findings per image at all. */
  readonly details: boolean;
}

const STATUS_ICON: Record<ObjectResult['status'], string> = {
  pass: '✅',
  blocked: '⛔',
  'blocked-upstream': '🚫',
  unknown: '❓',
  suspended: '⏸️',
};
const VERDICT_ICON: Record<ImageResult['verdict'], string> = { pass: '✅', fail: '❌', unknown: '❓' };
const VERDICT_ORDER: Record<ImageResult['verdict'], number> = { fail: 0, unknown: 1, pass: 2 };

/** The heading and one-paragraph summary: the verdict comes first. */
export function renderVerdict(report: GateReport, title: string): string[] {
  const summary = formatSummary(summarizeGateReport(report));
  const heading =
    report.verdict === 'blocked'
      ? `## ⛔ ${escapeMarkdown(title)}: blocked`
      : `## ✅ ${escapeMarkdown(title)}: pass`;
  const scanner = report.scanner
    ? ` Scanner: ${escapeMarkdown(report.scanner.name)}${report.scanner.version ? ` ${escapeMarkdown(report.scanner.version)}` : ''}${
        report.scanner.dbVersion ? ` (DB ${escapeMarkdown(report.scanner.dbVersion)})` : ''
      }.`
    : '';
  return [
    heading,
    '',
    `**${[summary.objects, summary.images].filter((part) => part !== undefined).join('. ')}.**`,
    '',
    `Policy: fail on ${report.policy.severities.join(', ') || 'nothing'}` +
      `${report.policy.ignoreUnfixed ? ' (unfixed ignored)' : ''}; scan errors ${report.policy.onScanError === 'block' ? 'block' : 'only warn'}.${scanner}`,
  ];
}

/** The objects that must not be applied or could not be decided, with their reasons. */
export function renderBlockedObjects(report: GateReport, detail: MarkdownDetail): string[] {
  const rows = report.objects
    .filter(
      (object) =>
        object.status === 'blocked' || object.status === 'blocked-upstream' || object.status === 'unknown',
    )
    .sort((a, b) => compareStrings(a.status, b.status) || compareStrings(a.id, b.id));
  if (rows.length === 0) return [];
  const shown = rows.slice(0, detail.maxObjects);
  // Several clusters: a Cluster column, and each object named without its cluster part.
  const multiCluster = hasClusterIds(report);
  const lines = [
    '',
    '### Blocked objects',
    '',
    multiCluster ? '| Cluster | Flux object | Status | Why |' : '| Flux object | Status | Why |',
    multiCluster ? '| --- | --- | --- | --- |' : '| --- | --- | --- |',
  ];
  for (const object of shown) {
    const chain = object.chain && object.chain.length > 1 ? [`chain: ${object.chain.join(' → ')}`] : [];
    const why = [...object.reasons, ...chain].map(escapeMarkdown).join('<br>') || '-';
    const where = object.file
      ? ` (${escapeMarkdown(`${object.file}${object.line ? `:${object.line}` : ''}`)})`
      : '';
    const name = multiCluster ? plainObjectId(object.id) : object.id;
    const cluster = multiCluster ? `| ${escapeMarkdown(object.cluster ?? '-')} ` : '';
    lines.push(
      `${cluster}| ${escapeMarkdown(name)}${where} | ${STATUS_ICON[object.status]} ${object.status} | ${why} |`,
    );
  }
  if (rows.length > shown.length)
    lines.push('', `_…and ${rows.length - shown.length} more objects not shown._`);
  return lines;
}

/** The Mermaid dependency graph, when the report has one and it is small enough. */
export function renderGraphSection(report: GateReport, detail: MarkdownDetail): string[] {
  const nodes = report.graph?.nodes.length ?? 0;
  if (nodes === 0 || nodes > detail.maxGraphNodes) return [];
  return ['', '### Flux dependencies', '', '```mermaid', renderMermaidGraph(report).trimEnd(), '```'];
}

function sortForMarkdown(report: GateReport): ImageResult[] {
  return sortedImages(report).sort(
    (a, b) => VERDICT_ORDER[a.verdict] - VERDICT_ORDER[b.verdict] || compareStrings(a.ref, b.ref),
  );
}

/** The vulnerability ID, linked to its advisory when the URL is a plain http(s) URL. */
function findingLink(finding: Finding): string {
  const url = safeUrl(finding.primaryUrl);
  return url ? `[${escapeMarkdown(finding.id)}](${url})` : escapeMarkdown(finding.id);
}

/** The image table: verdict, counts per severity, where the image is written. */
export function renderImageTable(report: GateReport, detail: MarkdownDetail): string[] {
  const images = sortForMarkdown(report);
  if (images.length === 0) return [];
  const shown = images.slice(0, detail.maxImages);
  const lines = [
    '',
    '### Images',
    '',
    '| Image | Verdict | Critical | High | Medium | Low | Where |',
    '| --- | --- | --: | --: | --: | --: | --- |',
  ];
  for (const image of shown) {
    const counts = countSeverities(image.findings);
    const first = image.locations[0];
    const more = image.locations.length > 1 ? ` (+${image.locations.length - 1})` : '';
    const where = first ? `${escapeMarkdown(formatLocation(first))}${more}` : '-';
    const verdict =
      image.outcome === 'error'
        ? `${VERDICT_ICON.unknown} scan error`
        : `${VERDICT_ICON[image.verdict]} ${image.verdict}`;
    const cells = SEVERITIES.slice(0, 4).map((severity) => String(counts[severity]));
    lines.push(`| ${escapeMarkdown(image.ref)} | ${verdict} | ${cells.join(' | ')} | ${where} |`);
  }
  if (images.length > shown.length)
    lines.push('', `_…and ${images.length - shown.length} more images not shown._`);
  return lines;
}

/** Findings folded per image in `<details>`; returns the lines and how many findings were left out. */
export function renderFindingDetails(
  report: GateReport,
  detail: MarkdownDetail,
): { lines: string[]; hidden: number } {
  if (!detail.details)
    return { lines: [], hidden: report.images.reduce((sum, image) => sum + image.findings.length, 0) };
  const images = sortForMarkdown(report)
    .filter((image) => image.findings.length > 0 || image.outcome === 'error')
    .slice(0, detail.maxImages);
  const lines: string[] = [];
  let hidden = report.images.reduce((sum, image) => sum + image.findings.length, 0);
  if (images.length > 0) lines.push('', '### Findings');
  for (const image of images) {
    const counts = formatCounts(countSeverities(image.findings));
    const summary =
      image.outcome === 'error'
        ? `${VERDICT_ICON.unknown} <code>${escapeHtml(image.ref)}</code>: scan failed (${escapeHtml(image.error?.code ?? 'unknown')})`
        : `${VERDICT_ICON[image.verdict]} <code>${escapeHtml(image.ref)}</code>: ${escapeHtml(counts)}`;
    lines.push('', `<details><summary>${summary}</summary>`, '');
    if (image.outcome === 'error') {
      lines.push(escapeMarkdown(image.error?.message ?? 'No result.'));
    } else {
      const candidates = detail.onlyBlocking
        ? image.findings.filter((finding) => isBlockingFinding(finding, report.policy))
        : image.findings;
      const shown = candidates.slice(0, detail.findingsPerImage);
      hidden -= shown.length;
      if (shown.length > 0) {
        lines.push(
          '| Severity | Vulnerability | Package | Installed | Fixed | Note |',
          '| --- | --- | --- | --- | --- | --- |',
        );
        for (const finding of shown) {
          const note =
            finding.suppressed !== undefined
              ? `ignored: ${escapeMarkdown(finding.suppressed)}`
              : isBlockingFinding(finding, report.policy)
                ? 'fails the policy'
                : '';
          lines.push(
            `| ${finding.severity} | ${findingLink(finding)} | ${escapeMarkdown(finding.package)} | ${escapeMarkdown(finding.installedVersion)} | ${
              finding.fixedVersion ? escapeMarkdown(finding.fixedVersion) : '-'
            } | ${note} |`,
          );
        }
      }
      const rest = image.findings.length - shown.length;
      if (rest > 0) lines.push('', `_…and ${plural(rest, 'more finding')} not shown._`);
    }
    lines.push('', '</details>');
  }
  return { lines, hidden };
}

/** Diagnostics as a list, most specific location first. */
export function renderDiagnostics(report: GateReport, detail: MarkdownDetail): string[] {
  const diagnostics = [...report.diagnostics].sort(compareDiagnostics);
  if (diagnostics.length === 0 || detail.maxDiagnostics === 0) return [];
  const icon = { error: '❌', warning: '⚠️', info: 'ℹ️' } as const;
  const shown = diagnostics.slice(0, detail.maxDiagnostics);
  const lines = ['', '### Diagnostics', ''];
  for (const diagnostic of shown) {
    const where = diagnostic.file
      ? `${escapeMarkdown(`${diagnostic.file}${diagnostic.line ? `:${diagnostic.line}` : ''}${diagnostic.column ? `:${diagnostic.column}` : ''}`)}: `
      : '';
    lines.push(
      `- ${icon[diagnostic.severity]} ${where}${escapeMarkdown(diagnostic.message)} (${escapeMarkdown(diagnostic.code)})`,
    );
  }
  if (diagnostics.length > shown.length)
    lines.push(`- …and ${diagnostics.length - shown.length} more diagnostics`);
  return lines;
}
