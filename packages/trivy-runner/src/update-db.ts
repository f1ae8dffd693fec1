import { setTimeout as sleep } from 'node:timers/promises';
import { SluiceError } from '@sluice/core';
import type { ScanError } from '@sluice/core';
import { buildDbUpdateArgs, buildTrivyEnv, dbRegistry, dbUpdateTimeoutMs } from './args.js';
import { classifyTrivyFailure } from './classify-error.js';
import type { ResolvedRunnerOptions } from './options.js';
import { redactSecrets } from './redact.js';
import { runTrivy } from './run-trivy.js';

/** Error code when the vulnerability DB could not be downloaded or updated. */
export const DB_UPDATE_FAILED = 'SLUICE_DB_UPDATE_FAILED';

/** A failed DB update, with the classified Trivy error. */
export class DbUpdateError extends SluiceError {
  readonly scanError: ScanError;

  constructor(scanError: ScanError) {
    super(DB_UPDATE_FAILED, scanError.message);
    this.name = 'DbUpdateError';
    this.scanError = scanError;
  }
}

/**
 * Runs `trivy image --download-db-only` once (with retries for transient failures such as a
 * rate-limited DB registry).
 *
 * @throws DbUpdateError with the classified, redacted error.
 */
export async function updateTrivyDb(
  options: ResolvedRunnerOptions,
  secrets: readonly string[],
  signal?: AbortSignal,
): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    const result = await runTrivy({
      trivyPath: options.trivyPath,
      args: buildDbUpdateArgs(options),
      // Registry credentials go to the DB registry only when it is one host the caller named.
      env: buildTrivyEnv(options, dbRegistry(options)),
      timeoutMs: dbUpdateTimeoutMs(options) + 5000,
      ...(signal ? { signal } : {}),
    });
    if (!result.notFound && result.exitCode === 0) return;
    const failure = classifyTrivyFailure(result);
    const error = new DbUpdateError({ code: failure.code, message: redactSecrets(failure.message, secrets) });
    if (!failure.transient || attempt > options.retries || signal?.aborted) throw error;
    try {
      await sleep(
        Math.min(30_000, options.retryDelayMs * 2 ** (attempt - 1)),
        undefined,
        signal ? { signal } : {},
      );
    } catch {
      throw error;
    }
  }
}
