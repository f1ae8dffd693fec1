export type { Reporter, ReporterContext, ReporterOutput } from './reporter.js';
export { defineReporter, isReporter } from './reporter.js';
export { REPORTER_ERROR_CODES } from './error-codes.js';
export type { ReporterConfig, ReporterOptions, ResolveReporterOptions } from './resolve-reporter.js';
export { resolveReporter } from './resolve-reporter.js';
export type { RenderedReport, RenderReportsOptions } from './render-reports.js';
export { renderReport, renderReports } from './render-reports.js';
export type { BuiltinReporterName } from './builtin-reporters.js';
export { BUILTIN_REPORTER_NAMES, createBuiltinReporter, isBuiltinReporterName } from './builtin-reporters.js';
export { reporterPackageNames } from './package-entry.js';
export type { JsonReporterOptions } from './json-reporter.js';
export { jsonReporter, parseJsonReport, serializeGateReport, validateGateReport } from './json-reporter.js';
export { GATE_REPORT_SCHEMA_ID, gateReportJsonSchema } from './gate-report-schema.js';
export type { SarifReporterOptions } from './sarif-reporter.js';
export {
  GITHUB_MAX_GZIP_BYTES,
  GITHUB_MAX_RESULTS,
  SARIF_SCHEMA_URI,
  buildSarifLog,
  sarifReporter,
} from './sarif-reporter.js';
export type {
  SarifLog,
  SarifRun,
  SarifRule,
  SarifResult,
  SarifLocation,
  SarifNotification,
  SarifMessage,
  SarifLevel,
} from './sarif-types.js';
export type { JunitDialect, JunitReporterOptions } from './junit-reporter.js';
export {
  GATE_TESTCASE,
  NO_CLUSTER_SUITE,
  OUTSIDE_FLUX_SUITE,
  junitReporter,
  renderJunit,
} from './junit-reporter.js';
export type { MarkdownReporterOptions } from './markdown-reporter.js';
export { GITHUB_COMMENT_LIMIT, markdownReporter, renderMarkdown } from './markdown-reporter.js';
export type { GraphReporterOptions } from './graph-reporter.js';
export { graphReporter } from './graph-reporter.js';
export type { MermaidGraphOptions } from './mermaid.js';
export { escapeMermaidLabel, renderMermaidGraph } from './mermaid.js';
export type { DotGraphOptions } from './dot.js';
export { escapeDotString, renderDotGraph } from './dot.js';
export { escapeHtml, escapeMarkdown } from './escape-markdown.js';
export { escapeXmlAttribute, escapeXmlText } from './escape-xml.js';
export type { TableReporterOptions } from './table-reporter.js';
export { renderTable, tableReporter } from './table-reporter.js';
export type { TextCell, TextTableOptions } from './text-table.js';
export { formatTextTable, wrapText, wrapWithIndent } from './text-table.js';
export {
  neutralizeWorkflowCommands,
  sanitizeText,
  stripControlCharacters,
  toOneLine,
  truncateText,
} from './sanitize-text.js';
export type { SanitizeTextOptions } from './sanitize-text.js';
export type { SummaryText } from './summary-text.js';
export { formatSummary } from './summary-text.js';
