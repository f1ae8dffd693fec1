import type { GateReport } from '@sluice/core';
import type { Reporter, ReporterConfig } from '@sluice/reporters';
import { resolveReporter } from '@sluice/reporters';
import { CliError } from './exit-codes.js';
import type { CliContext } from './io.js';
import { outputWidth, wantsColor } from './io.js';
import type { FormatTarget } from './output.js';
import { parseFormatTargets, writeOutput } from './output.js';

/** The `--format` names of `sluice scan`. */
export const SCAN_FORMATS = ['table', 'json', 'sarif', 'junit', 'markdown', 'mermaid', 'dot'] as const;

/** A reporter and where its output goes. */
export interface ReportTarget {
  readonly reporter: Reporter;
  /** Absent: stdout. */
  readonly file?: string;
}

/** The reporter config for a built-in `--format` name. */
function builtinConfig(target: FormatTarget, context: CliContext): ReporterConfig {
  switch (target.name) {
    case 'table':
      // To stdout it fits the terminal (wrapping, never cutting); to a file nothing is wrapped.
      return [
        'table',
        target.file === undefined
          ? {
              color: wantsColor(context.stdout, context.env),
              width: outputWidth(context.stdout, context.env),
            }
          : { color: false },
      ];
    case 'mermaid':
    case 'dot':
      return ['graph', { format: target.name }];
    default:
      return target.name;
  }
}

/**
 * Resolves every `--format` and `--reporter` before anything is scanned, so that a typo fails
 * in a second, not after the scan. `--reporter PATH|PACKAGE[=FILE]` loads a custom reporter.
 */
export async function resolveReportTargets(
  formats: readonly string[],
  reporters: readonly (string | readonly [string, Record<string, unknown>])[],
  context: CliContext,
): Promise<ReportTarget[]> {
  // Without --format, the table goes to stdout, unless custom reporters were asked for.
  const builtins =
    formats.length === 0 && reporters.length > 0 ? [] : parseFormatTargets(formats, SCAN_FORMATS, 'table');
  const targets: ReportTarget[] = [];
  for (const target of builtins) {
    targets.push({
      reporter: await resolveReporter(builtinConfig(target, context), { cwd: context.cwd }),
      ...fileOf(target),
    });
  }
  for (const entry of reporters) {
    const [spec, options] = typeof entry === 'string' ? [entry, undefined] : entry;
    const separator = spec.lastIndexOf('=');
    const name = separator > 0 ? spec.slice(0, separator) : spec;
    const file = separator > 0 ? spec.slice(separator + 1) : undefined;
    try {
      const reporter = await resolveReporter(options ? [name, options] : name, { cwd: context.cwd });
      targets.push({ reporter, ...(file ? { file } : {}) });
    } catch (error) {
      throw new CliError(`--reporter ${spec}: ${(error as Error).message}`, undefined, { cause: error });
    }
  }
  const toStdout = targets.filter((target) => target.file === undefined);
  if (toStdout.length > 1) {
    throw new CliError(
      `only one report can go to stdout; give the others a file (${toStdout.map((target) => target.reporter.name).join(', ')})`,
    );
  }
  return targets;
}

function fileOf(target: FormatTarget): { file?: string } {
  return target.file === undefined ? {} : { file: target.file };
}

/** Renders the report with every target's reporter and writes each output. */
export async function writeReports(
  report: GateReport,
  targets: readonly ReportTarget[],
  root: string,
  context: CliContext,
): Promise<void> {
  for (const target of targets) {
    const output = await target.reporter.render(report, { cwd: root });
    await writeOutput(output, target.file, context);
  }
}
