import { setTimeout as sleep } from 'node:timers/promises';
import type { ScanError, ScannerInfo } from '@sluice/core';
import { buildScanArgs, buildTrivyEnv } from './args.js';
import { classifyTrivyFailure } from './classify-error.js';
import type { ClassifiedError } from './classify-error.js';
import type { ScanEvent } from './events.js';
import { normalizeImageName } from './image-argument.js';
import type { ResolvedRunnerOptions } from './options.js';
import type { PlannedImage, ScanGroup } from './plan.js';
import { createTrivyReportReader } from './read-report.js';
import type { ReadTrivyReport, ReportReadResult } from './read-report.js';
import { redactSecrets } from './redact.js';
import { reportDigest } from './report-digest.js';
import { runTrivy } from './run-trivy.js';
import type { Finding } from '@sluice/core';

/** What scanning one group needs from the batch. */
export interface ScanContext {
  readonly options: ResolvedRunnerOptions;
  readonly scanner: ScannerInfo;
  /** The batch brought the DB up to date: scans pass `--skip-db-update`. */
  readonly dbReady: boolean;
  /** Aborted by the caller or by the batch timeout. */
  readonly signal: AbortSignal;
  /** The error of an aborted batch: `aborted`, or `timeout` for the batch timeout. */
  readonly stopError: () => ScanError;
  readonly secrets: readonly string[];
  readonly emit: (event: ScanEvent) => void;
}

/** A successful scan of a group. */
export interface GroupScanResult {
  readonly status: 'ok';
  readonly findings: Finding[];
  readonly digest?: string;
}

/** A failed scan of a group. */
export interface GroupScanFailure {
  readonly status: 'error';
  readonly error: ScanError;
  readonly attempts: number;
}

/** Grace period after `--timeout` before the runner kills a Trivy that did not stop itself. */
export function killDelay(scanTimeoutMs: number): number {
  return Math.min(5000, Math.max(250, Math.round(scanTimeoutMs * 0.2)));
}

/**
 * Whether a report is about the image that was asked for: its `ArtifactName` or one of its
 * `RepoTags` is the same image (Docker's canonical form), or one of its `RepoDigests` has the
 * requested digest. A report about anything else (a wrapper that answers from a stale file, a
 * scanner that resolved another name) would put one image's findings on another.
 */
export function reportNamesImage(report: ReadTrivyReport, target: PlannedImage): boolean {
  const wanted = target.name.normalized;
  const names = [report.artifactName, ...(report.metadata?.RepoTags ?? [])];
  if (names.some((name) => normalizeImageName(name)?.normalized === wanted)) return true;
  const digest = target.name.digest;
  return (
    digest !== undefined &&
    (report.metadata?.RepoDigests ?? []).some((pinned) => normalizeImageName(pinned)?.digest === digest)
  );
}

function checkReport(result: ReportReadResult, target: PlannedImage): ReadTrivyReport | ClassifiedError {
  if (!result.ok) {
    // Garbled or cut-short output is often a crash mid-write: worth another try. A report past
    // the cap, or JSON that is not a report, will be the same next time.
    return {
      code: 'invalid-output',
      transient: result.error.reason === 'not-json',
      message: result.error.message,
    };
  }
  if (reportNamesImage(result.report, target)) return result.report;
  return {
    code: 'invalid-output',
    transient: false,
    message: `Trivy's report is about ${JSON.stringify(result.report.artifactName)}, not ${target.name.normalized}; its findings are not used.`,
  };
}

/**
 * Scans one group with retries: a transient failure (rate limit, 5xx, reset, cache lock,
 * crash, garbled output) is retried after `retryDelayMs`, doubling each time (at most 30 s).
 * Messages are redacted. Never throws.
 */
export async function scanGroup(
  group: ScanGroup,
  context: ScanContext,
): Promise<GroupScanResult | GroupScanFailure> {
  const { options, signal, emit } = context;
  const ref = group.target.ref;
  const maxAttempts = options.retries + 1;
  for (let attempt = 1; ; attempt += 1) {
    if (signal.aborted) return { status: 'error', error: context.stopError(), attempts: attempt - 1 };
    emit({ type: 'started', ref, attempt });
    const reader = createTrivyReportReader({ maxBytes: options.maxReportBytes });
    const result = await runTrivy({
      trivyPath: options.trivyPath,
      args: buildScanArgs(ref, options, context.dbReady),
      env: buildTrivyEnv(options, group.target.name.registry),
      timeoutMs: options.scanTimeoutMs + killDelay(options.scanTimeoutMs),
      signal,
      onStdout: (chunk) => reader.write(chunk),
    });
    let failure: ClassifiedError;
    if (result.aborted) {
      failure = { ...context.stopError(), transient: false };
    } else if (result.stdoutRefused || (!result.notFound && result.exitCode === 0)) {
      // Past the size cap the reader says so, whatever the process did after it was stopped.
      const report = checkReport(reader.end(), group.target);
      if ('findings' in report) {
        const digest = reportDigest(report.metadata, ref) ?? group.digest;
        return { status: 'ok', findings: report.findings, ...(digest ? { digest } : {}) };
      }
      failure = report;
    } else {
      failure = classifyTrivyFailure(result);
    }
    const error: ScanError = { code: failure.code, message: redactSecrets(failure.message, context.secrets) };
    if (!failure.transient || attempt >= maxAttempts || signal.aborted) {
      return { status: 'error', error, attempts: attempt };
    }
    const delayMs = Math.min(30_000, options.retryDelayMs * 2 ** (attempt - 1));
    emit({ type: 'retrying', ref, attempt, delayMs, error });
    try {
      await sleep(delayMs, undefined, { signal });
    } catch {
      return { status: 'error', error: context.stopError(), attempts: attempt };
    }
  }
}
