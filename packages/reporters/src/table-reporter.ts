import type { GateReport, ObjectStatus } from '@sluice/core';
import { SEVERITIES, compareDiagnostics, compareStrings, summarizeGateReport } from '@sluice/core';
import { paint } from './ansi.js';
import type { AnsiStyle } from './ansi.js';
import {
  countSeverities,
  formatLocation,
  isBlockingFinding,
  plural,
  sortedImages,
} from './report-helpers.js';
import type { Reporter } from './reporter.js';
import { formatSummary } from './summary-text.js';
import { cellText, formatTextTable, wrapWithIndent } from './text-table.js';
import type { TextCell } from './text-table.js';

/** Options of {@link tableReporter}. */
export interface TableReporterOptions {
  /**
   * Colour the output with ANSI escapes. The reporter never looks at the terminal itself: the
   * CLI passes `true` when stdout is a TTY and `NO_COLOR` is unset.
   * @default false
   */
  readonly color?: boolean;
  /**
   * The widest line, in columns (the CLI passes the terminal's width, or 80 on a pipe unless
   * `COLUMNS` says otherwise). Wide columns are narrowed and long cells and lines wrap onto more
   * lines: nothing that explains a verdict is ever cut.
   * @default Infinity (no wrapping: a file)
   */
  readonly width?: number;
  /**
   * Findings listed per failing image (most severe first); `0` lists none.
   * @default 10
   */
  readonly maxFindingsPerImage?: number;
}

const STATUS_STYLE: Record<ObjectStatus, AnsiStyle> = {
  pass: 'green',
  blocked: 'red',
  'blocked-upstream': 'magenta',
  unknown: 'yellow',
  suspended: 'gray',
};
const VERDICT_STYLE: Record<string, AnsiStyle> = { pass: 'green', fail: 'red', unknown: 'yellow' };
const SEVERITY_STYLE: Record<string, AnsiStyle> = {
  CRITICAL: 'red',
  HIGH: 'red',
  MEDIUM: 'yellow',
  LOW: 'cyan',
  UNKNOWN: 'gray',
};

/** Renders the report as plain-text tables for a terminal (see {@link tableReporter}). */
export function renderTable(report: GateReport, options: TableReporterOptions = {}): string {
  const color = options.color ?? false;
  const width = options.width ?? Infinity;
  const maxFindings = options.maxFindingsPerImage ?? 10;
  const styled =
    (style: AnsiStyle) =>
    (text: string): string =>
      paint(color, style, text);
  const bold = styled('bold');
  const images = sortedImages(report);
  const out: string[] = [];

  // A paragraph wrapped to the width; `prefix` (plain text at its start) is styled afterwards,
  // so that wrapping never counts or splits an escape sequence.
  const paragraph = (text: string, indent: number, prefix?: [string, string]): string[] =>
    wrapWithIndent(text, width, indent).map((line, index) =>
      index === 0 && prefix && line.startsWith(prefix[0]) ? prefix[1] + line.slice(prefix[0].length) : line,
    );

  const summary = formatSummary(summarizeGateReport(report));
  const verdict = report.verdict === 'blocked' ? 'BLOCKED' : 'PASS';
  out.push(
    ...paragraph(`Sluice ${verdict}: ${summary.objects ? `${summary.objects}; ` : ''}${summary.images}`, 2, [
      `Sluice ${verdict}`,
      `${bold('Sluice')} ${paint(color, verdict === 'PASS' ? 'green' : 'red', verdict)}`,
    ]),
  );
  const scanner = report.scanner
    ? `${cellText(report.scanner.name)}${report.scanner.version ? ` ${cellText(report.scanner.version)}` : ''}`
    : 'not known (no scan finished)';
  const policy =
    `Policy: fail on ${report.policy.severities.join(', ') || 'nothing'}` +
    `${report.policy.ignoreUnfixed ? ', unfixed ignored' : ''}, scan errors ${report.policy.onScanError === 'block' ? 'block' : 'warn'}; scanner: ${scanner}`;
  out.push(...paragraph(policy, 2).map((line) => paint(color, 'dim', line)));

  if (report.objects.length > 0) {
    const objects = [...report.objects].sort((a, b) => compareStrings(a.id, b.id));
    out.push(
      '',
      formatTextTable(
        ['Flux object', 'Status', 'Reason'],
        objects.map((object): TextCell[] => [
          { text: object.id },
          { text: object.status, style: styled(STATUS_STYLE[object.status]) },
          { text: object.reasons.join(' ') || '-' },
        ]),
        { width, headerStyle: bold },
      ),
    );
  }

  out.push(
    '',
    formatTextTable(
      ['Image', 'Verdict', 'C', 'H', 'M', 'L', 'U', 'Where'],
      images.map((image): TextCell[] => {
        const counts = countSeverities(image.findings);
        const first = image.locations[0];
        const more = image.locations.length > 1 ? ` (+${image.locations.length - 1})` : '';
        return [
          { text: image.ref },
          {
            text: image.outcome === 'error' ? `error` : image.verdict,
            style: styled(VERDICT_STYLE[image.verdict] ?? 'yellow'),
          },
          ...SEVERITIES.map((severity) => ({
            text: String(counts[severity]),
            ...(counts[severity] > 0 ? { style: styled(SEVERITY_STYLE[severity] ?? 'gray') } : {}),
          })),
          { text: first ? `${formatLocation(first)}${more}` : '-' },
        ];
      }),
      { width, headerStyle: bold },
    ),
  );

  for (const image of images) {
    const ref = cellText(image.ref);
    if (image.outcome === 'error') {
      out.push(
        '',
        ...paragraph(`${ref}: scan failed`, 2, [ref, bold(ref)]).map(paintEnd(color, 'scan failed')),
      );
      out.push(
        ...paragraph(`  ${cellText(`${image.error?.code ?? 'unknown'}: ${image.error?.message ?? ''}`)}`, 2),
      );
      continue;
    }
    const blocking = image.findings.filter((finding) => isBlockingFinding(finding, report.policy));
    if (image.verdict !== 'fail' || maxFindings === 0 || blocking.length === 0) continue;
    out.push(
      '',
      ...paragraph(
        `${ref}: ${plural(blocking.length, 'finding')} ${blocking.length === 1 ? 'fails' : 'fail'} the policy`,
        2,
        [ref, bold(ref)],
      ),
    );
    out.push(
      formatTextTable(
        ['Severity', 'Vulnerability', 'Package', 'Installed', 'Fixed'],
        blocking
          .slice(0, maxFindings)
          .map((finding): TextCell[] => [
            { text: finding.severity, style: styled(SEVERITY_STYLE[finding.severity] ?? 'gray') },
            { text: finding.id },
            { text: finding.package },
            { text: finding.installedVersion },
            { text: finding.fixedVersion ?? '-' },
          ]),
        { width, headerStyle: bold },
      ),
    );
    if (blocking.length > maxFindings)
      out.push(paint(color, 'dim', `… and ${blocking.length - maxFindings} more`));
  }

  const diagnostics = [...report.diagnostics].sort(compareDiagnostics);
  if (diagnostics.length > 0) {
    out.push('', bold('Diagnostics'));
    for (const diagnostic of diagnostics) {
      const where = diagnostic.file
        ? `${diagnostic.file}${diagnostic.line ? `:${diagnostic.line}` : ''}${diagnostic.column ? `:${diagnostic.column}` : ''}: `
        : '';
      const style: AnsiStyle =
        diagnostic.severity === 'error' ? 'red' : diagnostic.severity === 'warning' ? 'yellow' : 'gray';
      const severity = `  ${diagnostic.severity}`;
      out.push(
        ...paragraph(`${severity} ${cellText(`${where}${diagnostic.message} (${diagnostic.code})`)}`, 2, [
          severity,
          `  ${paint(color, style, diagnostic.severity)}`,
        ]),
      );
    }
  }
  return `${out.join('\n')}\n`;
}

/** Paints `suffix` in yellow where a line ends with it (the "scan failed" of a heading). */
function paintEnd(color: boolean, suffix: string): (line: string) => string {
  return (line) =>
    line.endsWith(suffix) ? line.slice(0, -suffix.length) + paint(color, 'yellow', suffix) : line;
}

/**
 * A terminal summary: the verdict, the Flux objects with their status, the images with
 * severity counts and where they are written, the failing findings, and the diagnostics. All
 * manifest text is stripped of control characters and escape sequences.
 */
export function tableReporter(options: TableReporterOptions = {}): Reporter {
  return {
    name: 'table',
    fileExtension: '.txt',
    mediaType: 'text/plain',
    render: (report) => renderTable(report, options),
  };
}
