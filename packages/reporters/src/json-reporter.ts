import { GateReport, SluiceError, escapeJsonForTerminal, summarizeGateReport } from '@sluice/core';
import type { z } from 'zod';
import { REPORTER_ERROR_CODES } from './error-codes.js';
import type { Reporter } from './reporter.js';

/** Options of {@link jsonReporter}. */
export interface JsonReporterOptions {
  /**
   * Spaces of indentation; `0` writes one line.
   * @default 2
   */
  readonly indent?: number;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}

/**
 * Checks a report against core's `GateReport` schema and returns it with its keys in schema
 * order and unknown keys dropped, or throws a `SluiceError` (`SLUICE_INVALID_REPORT`).
 */
export function validateGateReport(report: unknown): GateReport {
  const result = GateReport.safeParse(report);
  if (!result.success) {
    throw new SluiceError(
      REPORTER_ERROR_CODES.invalidReport,
      `The gate report does not match the schema: ${describeIssues(result.error)}`,
      { cause: result.error },
    );
  }
  return result.data;
}

/**
 * Serializes a gate report as JSON: validated, keys in schema order, with core's summary counts
 * (`summary`, after `verdict`), ending with a newline. `parseJsonReport(serializeGateReport(x))`
 * deep-equals `x` for every valid report: the summary is derived, so reading drops it.
 */
export function serializeGateReport(report: GateReport, options: JsonReporterOptions = {}): string {
  const validated = validateGateReport(report);
  const output: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(validated)) {
    output[key] = value;
    if (key === 'verdict') output.summary = summarizeGateReport(validated);
  }
  return `${escapeJsonForTerminal(JSON.stringify(output, null, options.indent ?? 2))}\n`;
}

/**
 * Reads a JSON report written by {@link jsonReporter} (or anything claiming to be one), and
 * validates it. Throws a `SluiceError` (`SLUICE_INVALID_REPORT`) when it is not JSON or not a
 * valid gate report.
 */
export function parseJsonReport(text: string): GateReport {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SluiceError(
      REPORTER_ERROR_CODES.invalidReport,
      `The report is not valid JSON: ${String(error)}`,
      {
        cause: error,
      },
    );
  }
  return validateGateReport(value);
}

/**
 * The complete gate report as JSON, with `schemaVersion` and the `summary` counts; its JSON
 * Schema ships with this package as `@sluice/reporters/gate-report.schema.json`.
 */
export function jsonReporter(options: JsonReporterOptions = {}): Reporter {
  return {
    name: 'json',
    fileExtension: '.json',
    mediaType: 'application/json',
    render: (report) => serializeGateReport(report, options),
  };
}
