import type { Reporter } from '@sluice/reporters';

/** Options of the CSV reporter. */
export interface CsvReporterOptions {
  /**
   * The field separator: one character, not a quote or a line break.
   * @default ','
   */
  readonly delimiter?: string;
  /**
   * Also list findings the policy ignores (their reason is in the `ignored` column).
   * @default true
   */
  readonly includeSuppressed?: boolean;
}

/** The CSV columns, in order. */
export declare const CSV_COLUMNS: readonly string[];

/** One RFC 4180 CSV field, with spreadsheet formulas neutralised. */
export declare function csvField(value: string | number | undefined, delimiter: string): string;

/** Creates the CSV reporter: one row per finding and image location. */
export default function csvReporter(options?: CsvReporterOptions): Reporter;
