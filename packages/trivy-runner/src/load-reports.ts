import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { compareStrings } from '@sluice/core';
import type { Diagnostic, ScannerInfo } from '@sluice/core';
import { normalizeImageName } from './image-argument.js';
import type { ImageScanOutcome } from './outcome.js';
import { readTrivyReport } from './read-report.js';
import type { ReadReportOptions, ReadTrivyReport } from './read-report.js';
import { reportDigest } from './report-digest.js';

/** One Trivy JSON report read from disk. */
export interface LoadedTrivyReport {
  /** Path relative to the folder, with forward slashes. */
  readonly file: string;
  /** What Sluice keeps of it: the image's names and the findings. */
  readonly report: ReadTrivyReport;
}

/** The reports of a folder, indexed for matching, and what could not be read. */
export interface TrivyReportSet {
  readonly reports: readonly LoadedTrivyReport[];
  /** Files that are not Trivy JSON reports (SchemaVersion 2), one diagnostic each. */
  readonly diagnostics: readonly Diagnostic[];
  /** The report for an image, by normalized name (ArtifactName, RepoTags) or digest (RepoDigests). */
  find(ref: string, digest?: string): LoadedTrivyReport | undefined;
}

async function listJsonFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort(compareStrings);
}

/**
 * Reads every `*.json` file below a folder as a Trivy report (made by
 * `trivy image --format json` in another CI step). Files that are not reports become
 * diagnostics, never errors. Each file is read as a stream, with the size cap of
 * {@link readTrivyReport} (`maxBytes`, 64 MiB by default). Reports are matched to images by
 * `ArtifactName`, `RepoTags` and `RepoDigests`; when several match, the first file in path order
 * wins.
 */
export async function loadTrivyReports(
  directory: string,
  options: ReadReportOptions = {},
): Promise<TrivyReportSet> {
  const reports: LoadedTrivyReport[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const path of await listJsonFiles(directory)) {
    const file = relative(directory, path).split(sep).join('/');
    let result;
    try {
      result = await readTrivyReport(createReadStream(path), options);
    } catch (error) {
      result = { ok: false, error: { message: `Cannot read it: ${(error as Error).message}` } } as const;
    }
    if (!result.ok) {
      diagnostics.push({
        file,
        severity: 'warning',
        code: 'invalid-trivy-report',
        message: result.error.message,
      });
      continue;
    }
    reports.push({ file, report: result.report });
  }
  const byName = new Map<string, LoadedTrivyReport>();
  const byDigest = new Map<string, LoadedTrivyReport>();
  const remember = (map: Map<string, LoadedTrivyReport>, key: string, entry: LoadedTrivyReport): void => {
    if (!map.has(key)) map.set(key, entry);
  };
  for (const entry of reports) {
    const { report } = entry;
    for (const name of [report.artifactName, ...(report.metadata?.RepoTags ?? [])]) {
      const normalized = normalizeImageName(name)?.normalized;
      if (normalized) remember(byName, normalized, entry);
    }
    for (const pinned of report.metadata?.RepoDigests ?? []) {
      const name = normalizeImageName(pinned);
      if (name) remember(byName, name.normalized, entry);
      if (name?.digest) remember(byDigest, name.digest, entry);
    }
  }
  return {
    reports,
    diagnostics,
    find(ref, digest) {
      const name = normalizeImageName(ref);
      const byRef = name ? byName.get(name.normalized) : undefined;
      return byRef ?? byDigest.get(digest ?? name?.digest ?? '');
    },
  };
}

/** Turns a matched report into an outcome with `source: 'report'`. */
export function outcomeFromReport(ref: string, loaded: LoadedTrivyReport): ImageScanOutcome {
  const digest = reportDigest(loaded.report.metadata, ref);
  const version = loaded.report.trivyVersion;
  const scanner: ScannerInfo = { name: 'trivy', ...(version ? { version } : {}) };
  return {
    ref,
    status: 'ok',
    findings: loaded.report.findings,
    source: 'report',
    scanner,
    ...(digest ? { digest } : {}),
  };
}
