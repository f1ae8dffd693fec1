import { JSONParser } from '@streamparser/json';
import { compareFindings } from '@sluice/core';
import type { Finding } from '@sluice/core';
import type { z } from 'zod';
import { toFinding } from './findings.js';
import { TrivyMetadata, TrivyVulnerability } from './trivy-report.js';

/**
 * The largest Trivy report read by default: 64 MiB. A `--scanners vuln --list-all-pkgs=false`
 * report holds about 2.5 KB per vulnerability, so even 10,000 of them stay under a third of it;
 * reading up to the cap takes seconds and bounded memory (docs/reliability.md has the numbers).
 */
export const DEFAULT_MAX_REPORT_BYTES = 64 * 1024 * 1024;

/** What Sluice keeps of a Trivy JSON report: the fields that name the image, and the findings. */
export interface ReadTrivyReport {
  readonly artifactName: string;
  readonly metadata?: TrivyMetadata;
  /** `Trivy.Version`, when the report carries it. */
  readonly trivyVersion?: string;
  /** Every vulnerability as a core finding, sorted with `compareFindings`. */
  readonly findings: Finding[];
}

/** Why bytes are not a usable Trivy report. */
export interface ReportReadError {
  /** `too-large`: past the cap; `not-json`: not one JSON document (or cut short); `not-a-report`: JSON, but not SchemaVersion 2. */
  readonly reason: 'too-large' | 'not-json' | 'not-a-report';
  readonly message: string;
}

/** A report, or why there is none. */
export type ReportReadResult =
  | { readonly ok: true; readonly report: ReadTrivyReport }
  | { readonly ok: false; readonly error: ReportReadError };

/** Reads one Trivy report from bytes that arrive in pieces; see {@link createTrivyReportReader}. */
export interface TrivyReportReader {
  /** Feeds the next bytes. Returns false once the reader has stopped: the cap is passed. */
  write(chunk: Uint8Array): boolean;
  /** Ends the input: the report, or why the bytes are not one. */
  end(): ReportReadResult;
  /** Bytes received so far (counted past the cap too). */
  readonly bytes: number;
}

/** Options of {@link createTrivyReportReader} and {@link readTrivyReport}. */
export interface ReadReportOptions {
  /**
   * Stop reading past this many bytes (`too-large`).
   * @default DEFAULT_MAX_REPORT_BYTES (64 MiB)
   */
  readonly maxBytes?: number;
}

// Only these parts of a report are ever built as values; everything else (package lists, layer
// details, CVSS vectors of other results) streams past without being kept.
const PATHS = [
  '$.SchemaVersion',
  '$.ArtifactName',
  '$.Metadata',
  '$.Trivy',
  '$.Results.*.Target',
  '$.Results.*.Type',
  '$.Results.*.Vulnerabilities.*',
];

interface ResultParts {
  target?: unknown;
  type?: unknown;
  readonly findings: Finding[];
}

/**
 * Reads a Trivy JSON report (`trivy image --format json`, SchemaVersion 2) incrementally, with
 * bounded memory: only the header fields and each vulnerability are built, one at a time, and
 * the input stops counting as a report past `maxBytes`. A large report never becomes one string
 * (Node cannot hold a string past 512 MiB, and parsing one whole costs several times its size).
 *
 * @example
 * ```ts
 * const reader = createTrivyReportReader({ maxBytes: 64 * 1024 * 1024 });
 * for await (const chunk of child.stdout) if (!reader.write(chunk)) break;
 * const result = reader.end();
 * if (result.ok) console.log(result.report.artifactName, result.report.findings.length);
 * ```
 */
export function createTrivyReportReader(options: ReadReportOptions = {}): TrivyReportReader {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_REPORT_BYTES;
  const parser = new JSONParser({ paths: PATHS, keepStack: false });
  const header: Record<string, unknown> = {};
  const results = new Map<number, ResultParts>();
  let bytes = 0;
  let failure: ReportReadError | undefined;

  const fail = (reason: ReportReadError['reason'], message: string): void => {
    failure ??= { reason, message };
  };
  const partsOf = (index: number): ResultParts => {
    let parts = results.get(index);
    if (!parts) {
      parts = { findings: [] };
      results.set(index, parts);
    }
    return parts;
  };

  parser.onError = (error) => fail('not-json', `Trivy's output is not JSON: ${error.message}`);
  parser.onValue = ({ value, key, stack }) => {
    if (failure) return;
    // stack: [root, Results, <index>, Vulnerabilities] for a vulnerability; [root] for the header.
    if (stack.length === 1 && typeof key === 'string') {
      header[key] = value;
      return;
    }
    const results = stack[1];
    const index = stack[2]?.key;
    if (results?.key !== 'Results' || typeof index !== 'number') {
      fail('not-a-report', '`Results` must be a list of results.');
      return;
    }
    if (key === 'Target') partsOf(index).target = value;
    else if (key === 'Type') partsOf(index).type = value;
    else {
      const parsed = TrivyVulnerability.safeParse(value);
      if (!parsed.success) {
        fail('not-a-report', describeIssue(`Results.${index}.Vulnerabilities.${String(key)}`, parsed.error));
        return;
      }
      partsOf(index).findings.push(toFinding(parsed.data));
    }
  };

  return {
    get bytes() {
      return bytes;
    },
    write(chunk) {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        fail(
          'too-large',
          `Trivy's report is larger than the limit of ${maxBytes} bytes (maxReportBytes); not read.`,
        );
        return false;
      }
      if (failure || parser.isEnded) {
        // Only whitespace may follow the document.
        if (!failure && !isWhitespace(chunk))
          fail('not-json', "Trivy's output holds more than one JSON document.");
        return !failure || failure.reason !== 'too-large';
      }
      try {
        parser.write(chunk);
      } catch (error) {
        fail('not-json', `Trivy's output is not JSON: ${(error as Error).message}`);
      }
      return true;
    },
    end() {
      if (!failure && !parser.isEnded) {
        fail(
          'not-json',
          bytes === 0 ? 'Trivy printed nothing.' : `Trivy's JSON is cut short (${bytes} bytes).`,
        );
      }
      if (failure) return { ok: false, error: failure };
      return finish(header, results);
    },
  };
}

/**
 * Reads a whole Trivy JSON report from a stream (a file, a process's stdout) with
 * {@link createTrivyReportReader}; stops reading at the cap.
 */
export async function readTrivyReport(
  source: AsyncIterable<Uint8Array>,
  options: ReadReportOptions = {},
): Promise<ReportReadResult> {
  const reader = createTrivyReportReader(options);
  for await (const chunk of source) if (!reader.write(chunk)) break;
  return reader.end();
}

function finish(header: Record<string, unknown>, results: Map<number, ResultParts>): ReportReadResult {
  const invalid = (message: string): ReportReadResult => ({
    ok: false,
    error: { reason: 'not-a-report', message: `Trivy's JSON is not a SchemaVersion 2 report: ${message}` },
  });
  if (header.SchemaVersion !== 2) return invalid('SchemaVersion: expected 2.');
  if (typeof header.ArtifactName !== 'string') return invalid('ArtifactName: expected a string.');
  let metadata: TrivyMetadata | undefined;
  if (header.Metadata !== undefined) {
    const parsed = TrivyMetadata.safeParse(header.Metadata);
    if (!parsed.success) return invalid(describeIssue('Metadata', parsed.error));
    metadata = parsed.data;
  }
  const trivy = header.Trivy;
  const version =
    typeof trivy === 'object' &&
    trivy !== null &&
    typeof (trivy as { Version?: unknown }).Version === 'string'
      ? (trivy as { Version: string }).Version
      : undefined;
  const findings: Finding[] = [];
  for (const [index, parts] of [...results].sort(([a], [b]) => a - b)) {
    if (parts.findings.length === 0) continue;
    if (typeof parts.target !== 'string') return invalid(`Results.${index}.Target: expected a string.`);
    if (parts.type !== undefined && typeof parts.type !== 'string')
      return invalid(`Results.${index}.Type: expected a string.`);
    for (const finding of parts.findings) {
      finding.target = parts.target;
      if (parts.type !== undefined) finding.packageType = parts.type;
      findings.push(finding);
    }
  }
  return {
    ok: true,
    report: {
      artifactName: header.ArtifactName,
      ...(metadata ? { metadata } : {}),
      ...(version !== undefined ? { trivyVersion: version } : {}),
      findings: findings.sort(compareFindings),
    },
  };
}

function describeIssue(path: string, error: z.ZodError): string {
  const issue = error.issues[0];
  const where = [path, ...(issue?.path ?? []).map(String)].join('.');
  return `${where}: ${issue?.message ?? 'invalid'}`;
}

function isWhitespace(chunk: Uint8Array): boolean {
  return chunk.every((byte) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09);
}
