import { isSluiceError } from '@sluice/core';
import type { ScanError } from '@sluice/core';
import type { BatchState } from './batch.js';
import type { ResolvedRunnerOptions } from './options.js';
import { redactSecrets } from './redact.js';
import { isDbStale, queryTrivyVersion, SCANNER_MISSING } from './scanner-info.js';
import type { TrivyVersionDetails } from './scanner-info.js';
import { DbUpdateError, updateTrivyDb } from './update-db.js';

/** The scanner a batch runs, or why no scan can run at all. */
export type PreparedScanner =
  | { readonly ok: true; readonly details: TrivyVersionDetails; readonly dbReady: boolean }
  | { readonly ok: false; readonly error: ScanError };

/**
 * Reads the Trivy and DB versions (they decide the cache keys) and, in standalone mode, brings
 * the DB up to date once when it is missing or past its `NextUpdate`, so that every scan of
 * the batch can run with `--skip-db-update`. In client mode the server owns the DB.
 */
export async function prepareScanner(
  options: ResolvedRunnerOptions,
  state: BatchState,
): Promise<PreparedScanner> {
  const { signal } = state;
  try {
    let details = await queryTrivyVersion({ ...options, signal });
    if (options.server !== undefined || options.skipDbUpdate) return { ok: true, details, dbReady: false };
    if (isDbStale(details.db)) {
      state.emit({ type: 'db-update', phase: 'started' });
      await updateTrivyDb(options, state.secrets, signal);
      state.emit({ type: 'db-update', phase: 'done' });
      details = await queryTrivyVersion({ ...options, signal });
    }
    return { ok: true, details, dbReady: true };
  } catch (error) {
    if (signal.aborted) return { ok: false, error: state.stopError() };
    if (isSluiceError(error, SCANNER_MISSING))
      return { ok: false, error: { code: 'scanner-missing', message: error.message } };
    if (error instanceof DbUpdateError) {
      state.emit({ type: 'db-update', phase: 'failed', message: error.scanError.message });
      return { ok: false, error: error.scanError };
    }
    return {
      ok: false,
      error: { code: 'unknown', message: redactSecrets((error as Error).message, state.secrets) },
    };
  }
}
