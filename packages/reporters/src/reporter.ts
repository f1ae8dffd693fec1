import type { GateReport } from '@sluice/core';

/** What a reporter returns: text, or bytes for binary formats. */
export type ReporterOutput = string | Uint8Array;

/**
 * What the caller knows about the run besides the report. Every field is optional so that a
 * reporter can be called with the report alone (in tests, from the SDK).
 */
export interface ReporterContext {
  /**
   * The scanned repository root (absolute). Report paths are already relative to it; reporters
   * that need an absolute base (SARIF's `originalUriBaseIds`) may use it.
   */
  readonly cwd?: string;
  /**
   * The time to write into formats that carry one. Built-in reporters write no time unless this
   * is given, so that the same report gives byte-identical output.
   */
  readonly now?: Date;
}

/**
 * A reporter turns the whole {@link GateReport} into one output (a file or a stream's worth of
 * text). Built-ins are plain objects made by factories such as {@link sarifReporter}; a custom
 * reporter is any object of this shape, or a module whose default export is one (or a factory
 * that takes options and returns one).
 *
 * @example
 * ```ts
 * import { defineReporter } from '@sluice/reporters';
 *
 * export default defineReporter({
 *   name: 'count',
 *   fileExtension: '.txt',
 *   render: (report) => `${report.images.length} images\n`,
 * });
 * ```
 */
export interface Reporter {
  /** A short name, such as `sarif` or `csv`, used in messages and default file names. */
  readonly name: string;
  /** The extension of the file this reporter writes, with its dot (`.sarif`, `.xml`). */
  readonly fileExtension?: string;
  /** The media type of the output, such as `application/sarif+json`. */
  readonly mediaType?: string;
  /** Renders the report. Must not print, read global state, or write files. */
  render(report: GateReport, context?: ReporterContext): ReporterOutput | Promise<ReporterOutput>;
}

/** Identity helper that types a custom reporter object. */
export function defineReporter<T extends Reporter>(reporter: T): T {
  return reporter;
}

/** Tells a {@link Reporter} (an object with a string `name` and a `render` function) from anything else. */
export function isReporter(value: unknown): value is Reporter {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { name?: unknown }).name === 'string' &&
    typeof (value as { render?: unknown }).render === 'function'
  );
}
