import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { compareStrings } from '@sluice/core';
import type { Diagnostic, ScannerInfo } from '@sluice/core';
import { extractFindings } from './findings.js';
import { normalizeImageName } from './image-argument.js';
import type { ImageScanOutcome } from './outcome.js';
import { reportDigest } from './report-digest.js';
import { TrivyReport } from './trivy-report.js';

/** One Trivy JSON report read from disk. */
export interface LoadedTrivyReport {
  /** Path relative to the folder, with forward slashes. */
  readonly file: string;
  readonly report: TrivyReport;
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
 * diagnostics, never errors. Reports are matched to images by `ArtifactName`, `RepoTags` and
 * `RepoDigests`; when several match, the first file in path order wins.
 */
export async function loadTrivyReports(directory: string): Promise<TrivyReportSet> {
  const reports: LoadedTrivyReport[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const path of await listJsonFiles(directory)) {
    const file = relative(directory, path).split(sep).join('/');
    let parsed;
    try {
      parsed = TrivyReport.safeParse(JSON.parse(await readFile(path, 'utf8')));
    } catch (error) {
      diagnostics.push({
        file,
        severity: 'warning',
        code: 'invalid-trivy-report',
        message: `Not JSON: ${(error as Error).message}`,
      });
      continue;
    }
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      diagnostics.push({
        file,
        severity: 'warning',
        code: 'invalid-trivy-report',
        message: `Not a Trivy JSON report (SchemaVersion 2): ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}`,
      });
      continue;
    }
    reports.push({ file, report: parsed.data });
  }
  const byName = new Map<string, LoadedTrivyReport>();
  const byDigest = new Map<string, LoadedTrivyReport>();
  const remember = (map: Map<string, LoadedTrivyReport>, key: string, entry: LoadedTrivyReport): void => {
    if (!map.has(key)) map.set(key, entry);
  };
  for (const entry of reports) {
    const { report } = entry;
    for (const name of [report.ArtifactName, ...(report.Metadata?.RepoTags ?? [])]) {
      const normalized = normalizeImageName(name)?.normalized;
      if (normalized) remember(byName, normalized, entry);
    }
    for (const pinned of report.Metadata?.RepoDigests ?? []) {
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
  const digest = reportDigest(loaded.report, ref);
  const version = loaded.report.Trivy?.Version;
  const scanner: ScannerInfo = { name: 'trivy', ...(version ? { version } : {}) };
  return {
    ref,
    status: 'ok',
    findings: extractFindings(loaded.report),
    source: 'report',
    scanner,
    ...(digest ? { digest } : {}),
  };
}
