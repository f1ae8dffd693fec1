import { setTimeout as sleep } from 'node:timers/promises';
import type { ScanError, ScannerInfo } from '@sluice/core';
import { buildScanArgs, buildTrivyEnv } from './args.js';
import { classifyTrivyFailure } from './classify-error.js';
import type { ClassifiedError } from './classify-error.js';
import type { ScanEvent } from './events.js';
import { extractFindings } from './findings.js';
import type { ResolvedRunnerOptions } from './options.js';
import type { ScanGroup } from './plan.js';
import { redactSecrets } from './redact.js';
import { reportDigest } from './report-digest.js';
import { runTrivy } from './run-trivy.js';
import { TrivyReport } from './trivy-report.js';
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

function parseReport(stdout: string): TrivyReport | ClassifiedError {
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    return {
      code: 'invalid-output',
      transient: true,
      message: `Trivy printed no valid JSON (${stdout.length} bytes on stdout).`,
    };
  }
  const parsed = TrivyReport.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  return {
    code: 'invalid-output',
    transient: false,
    message: `Trivy's JSON is not a SchemaVersion 2 report: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}.`,
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
    const result = await runTrivy({
      trivyPath: options.trivyPath,
      args: buildScanArgs(ref, options, context.dbReady),
      env: buildTrivyEnv(options),
      timeoutMs: options.scanTimeoutMs + killDelay(options.scanTimeoutMs),
      signal,
    });
    let failure: ClassifiedError;
    if (result.aborted) {
      failure = { ...context.stopError(), transient: false };
    } else if (!result.notFound && result.exitCode === 0) {
      const report = parseReport(result.stdout);
      if ('SchemaVersion' in report) {
        const digest = reportDigest(report, ref) ?? group.digest;
        return { status: 'ok', findings: extractFindings(report), ...(digest ? { digest } : {}) };
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
