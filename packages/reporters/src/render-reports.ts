import type { GateReport } from '@sluice/core';
import { SluiceError } from '@sluice/core';
import { REPORTER_ERROR_CODES } from './error-codes.js';
import type { Reporter, ReporterContext, ReporterOutput } from './reporter.js';
import { resolveReporter } from './resolve-reporter.js';
import type { ReporterConfig, ResolveReporterOptions } from './resolve-reporter.js';

/** A rendered report: which reporter made it, its output, and the extension to write it with. */
export interface RenderedReport {
  readonly reporter: Reporter;
  readonly output: ReporterOutput;
  /** The reporter's file extension, or `.txt` when it declares none. */
  readonly fileExtension: string;
}

/** Options of {@link renderReports}. */
export interface RenderReportsOptions extends ResolveReporterOptions {
  /** Passed to every reporter; its `cwd` defaults to the `cwd` option. */
  readonly context?: ReporterContext;
}

/**
 * Renders one report with one reporter, checking that it returns text or bytes; a throwing
 * reporter becomes a `SluiceError` (`SLUICE_REPORTER_RENDER_FAILED`) with the error as `cause`.
 */
export async function renderReport(
  reporter: Reporter,
  report: GateReport,
  context: ReporterContext = {},
): Promise<RenderedReport> {
  let output: unknown;
  try {
    output = await reporter.render(report, context);
  } catch (error) {
    throw new SluiceError(
      REPORTER_ERROR_CODES.renderFailed,
      `The ${reporter.name} reporter failed: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  if (typeof output !== 'string' && !(output instanceof Uint8Array)) {
    throw new SluiceError(
      REPORTER_ERROR_CODES.renderFailed,
      `The ${reporter.name} reporter returned ${output === null ? 'null' : typeof output}, not a string or bytes.`,
    );
  }
  return { reporter, output, fileExtension: reporter.fileExtension ?? '.txt' };
}

/**
 * Resolves every reporter configuration, then renders the report with each, in order. The
 * caller (the CLI) writes each output to its own file or stream.
 *
 * @example
 * ```ts
 * for (const { reporter, output, fileExtension } of await renderReports(report, ['table', 'sarif'])) {
 *   await writeFile(`sluice-report${fileExtension}`, output);
 * }
 * ```
 */
export async function renderReports(
  report: GateReport,
  configs: readonly ReporterConfig[],
  options: RenderReportsOptions = {},
): Promise<RenderedReport[]> {
  const reporters: Reporter[] = [];
  for (const config of configs) reporters.push(await resolveReporter(config, options));
  const context: ReporterContext = {
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    ...options.context,
  };
  const rendered: RenderedReport[] = [];
  for (const reporter of reporters) rendered.push(await renderReport(reporter, report, context));
  return rendered;
}
