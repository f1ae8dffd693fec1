import type { GateReport } from '@sluice/core';
import { escapeMarkdown } from './escape-markdown.js';
import {
  renderBlockedObjects,
  renderDiagnostics,
  renderFindingDetails,
  renderGraphSection,
  renderImageTable,
  renderVerdict,
} from './markdown-sections.js';
import type { MarkdownDetail } from './markdown-sections.js';
import type { Reporter } from './reporter.js';
import { safeUrl } from './sarif-rules.js';

/** GitHub's limit on the body of an issue or pull-request comment, in characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;

/** Options of {@link markdownReporter}. */
export interface MarkdownReporterOptions {
  /**
   * Longest output in characters; the report is summarised (fewer findings, then fewer rows,
   * then no graph) until it fits. Use about 1,000,000 for `$GITHUB_STEP_SUMMARY`.
   * @default 65536 (GitHub's comment limit)
   */
  readonly maxLength?: number;
  /**
   * The heading text.
   * @default 'Sluice'
   */
  readonly title?: string;
  /**
   * An http(s) link to the full report (such as a CI artifact), shown when the report had to
   * be summarised.
   */
  readonly detailsUrl?: string;
  /**
   * Include the Mermaid graph of the Flux dependencies.
   * @default true
   */
  readonly graph?: boolean;
}

const LEVELS: readonly MarkdownDetail[] = [
  {
    details: true,
    findingsPerImage: Infinity,
    onlyBlocking: false,
    maxGraphNodes: Infinity,
    maxObjects: Infinity,
    maxImages: Infinity,
    maxDiagnostics: Infinity,
  },
  {
    details: true,
    findingsPerImage: Infinity,
    onlyBlocking: true,
    maxGraphNodes: Infinity,
    maxObjects: Infinity,
    maxImages: Infinity,
    maxDiagnostics: Infinity,
  },
  {
    details: true,
    findingsPerImage: 20,
    onlyBlocking: true,
    maxGraphNodes: 200,
    maxObjects: 200,
    maxImages: 200,
    maxDiagnostics: 50,
  },
  {
    details: true,
    findingsPerImage: 5,
    onlyBlocking: true,
    maxGraphNodes: 100,
    maxObjects: 100,
    maxImages: 100,
    maxDiagnostics: 20,
  },
  {
    details: false,
    findingsPerImage: 0,
    onlyBlocking: true,
    maxGraphNodes: 50,
    maxObjects: 50,
    maxImages: 50,
    maxDiagnostics: 10,
  },
  {
    details: false,
    findingsPerImage: 0,
    onlyBlocking: true,
    maxGraphNodes: 0,
    maxObjects: 20,
    maxImages: 0,
    maxDiagnostics: 0,
  },
];

function renderAtLevel(
  report: GateReport,
  options: MarkdownReporterOptions,
  detail: MarkdownDetail,
  summarised: boolean,
): string {
  const graphDetail = options.graph === false ? { ...detail, maxGraphNodes: 0 } : detail;
  const findings = renderFindingDetails(report, detail);
  const url = safeUrl(options.detailsUrl);
  const note = summarised
    ? [
        '',
        `> [!NOTE]\n> Summarised to fit ${(options.maxLength ?? GITHUB_COMMENT_LIMIT).toLocaleString('en-US')} characters` +
          `${findings.hidden > 0 ? `: ${findings.hidden.toLocaleString('en-US')} findings not shown` : ''}.` +
          `${url ? ` [Full report](${url}).` : ' The JSON or SARIF report has everything.'}`,
      ]
    : [];
  const lines = [
    ...renderVerdict(report, options.title ?? 'Sluice'),
    ...note,
    ...renderBlockedObjects(report, detail),
    ...renderGraphSection(report, graphDetail),
    ...renderImageTable(report, detail),
    ...findings.lines,
    ...renderDiagnostics(report, detail),
    '',
    `<sub>${escapeMarkdown(`Sluice ${report.tool.version}`)}</sub>`,
  ];
  return `${lines.join('\n')}\n`;
}

/** Renders the Markdown report (see {@link markdownReporter}). */
export function renderMarkdown(report: GateReport, options: MarkdownReporterOptions = {}): string {
  const maxLength = options.maxLength ?? GITHUB_COMMENT_LIMIT;
  let last = '';
  for (const [index, level] of LEVELS.entries()) {
    last = renderAtLevel(report, options, level, index > 0);
    if (last.length <= maxLength) return last;
  }
  // Even the shortest summary is too long (a tiny limit): cut at a line boundary.
  const notice = '\n\n_…cut to fit the length limit._\n';
  const cut = last.slice(0, Math.max(maxLength - notice.length, 0));
  const lineEnd = cut.lastIndexOf('\n');
  return `${lineEnd > 0 ? cut.slice(0, lineEnd) : cut}${notice}`.slice(0, maxLength);
}

/**
 * Markdown for pull-request comments and CI job summaries: the verdict first, then the objects
 * that must not be applied with their reasons, a Mermaid graph of the Flux dependencies coloured
 * by gate status, the images, the findings folded per image, and the diagnostics. Summarises
 * itself to stay under GitHub's 65,536-character comment limit. Every manifest string is
 * escaped: it cannot inject HTML, break a table, mention people or close the graph block.
 */
export function markdownReporter(options: MarkdownReporterOptions = {}): Reporter {
  return {
    name: 'markdown',
    fileExtension: '.md',
    mediaType: 'text/markdown',
    render: (report) => renderMarkdown(report, options),
  };
}
