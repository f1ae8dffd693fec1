import { isSluiceError } from '@sluice/core';
import type { ScanError, ScannerInfo } from '@sluice/core';
import type { BatchState } from './batch.js';
import { classifyTrivyFailure } from './classify-error.js';
import type { ResolvedRunnerOptions } from './options.js';
import { redactSecrets } from './redact.js';
import { formatDbVersion, isDbStale, queryTrivyVersion, SCANNER_MISSING } from './scanner-info.js';
import type { TrivyVersionDetails } from './scanner-info.js';
import type { TrivyDbMetadata } from './trivy-report.js';
import { DbUpdateError, updateTrivyDb } from './update-db.js';
import {
  locateExecutable,
  readDbMetadata,
  recallTrivyVersion,
  rememberTrivyVersion,
  trivyCacheDirectory,
} from './version-memo.js';

/** The scanner a batch runs, or why no scan can run at all. */
export type PreparedScanner =
  | { readonly ok: true; readonly details: TrivyVersionDetails; readonly dbReady: boolean }
  | { readonly ok: false; readonly error: ScanError };

function detailsOf(version: string, db: TrivyDbMetadata | undefined): TrivyVersionDetails {
  const dbVersion = formatDbVersion(db);
  const info: ScannerInfo = { name: 'trivy', version, ...(dbVersion ? { dbVersion } : {}) };
  return { info, ...(db ? { db } : {}) };
}

/**
 * Where the runner may read Trivy's DB metadata itself: a cache dir Trivy is told about
 * (`--cache-dir`, `TRIVY_CACHE_DIR`, else its default), unless a Trivy config file could point
 * Trivy elsewhere (`TRIVY_CONFIG`; Trivy runs in an empty folder, so no `trivy.yaml` there).
 */
function readableCacheDir(options: ResolvedRunnerOptions): string | undefined {
  if (options.trivyCacheDir !== undefined) return options.trivyCacheDir;
  if (options.env.TRIVY_CONFIG ?? process.env.TRIVY_CONFIG) return undefined;
  return trivyCacheDirectory(undefined, options.env);
}

/**
 * The Trivy and DB versions without starting Trivy when possible (a remembered version of the
 * same binary and the DB metadata file); else `trivy version --format json`.
 */
async function currentDetails(
  options: ResolvedRunnerOptions,
  binary: string,
  memoDir: string | undefined,
  signal: AbortSignal,
): Promise<TrivyVersionDetails> {
  const cacheDir = readableCacheDir(options);
  const version = await recallTrivyVersion(binary, memoDir);
  const db = cacheDir === undefined ? undefined : await readDbMetadata(cacheDir);
  if (version !== undefined && db !== undefined) return detailsOf(version, db);
  const details = await queryTrivyVersion({ ...options, signal });
  if (details.info.version) await rememberTrivyVersion(binary, details.info.version, memoDir);
  return details;
}

/**
 * Reads the Trivy and DB versions (they decide the cache keys) and, in standalone mode, brings
 * the DB up to date once when it is missing or past its `NextUpdate`, so that every scan of
 * the batch can run with `--skip-db-update`. In client mode the server owns the DB.
 * `memoDir` keeps the version of each Trivy binary across processes.
 */
export async function prepareScanner(
  options: ResolvedRunnerOptions,
  state: BatchState,
  memoDir?: string,
): Promise<PreparedScanner> {
  const { signal } = state;
  try {
    if (options.server !== undefined)
      return { ok: true, details: await queryTrivyVersion({ ...options, signal }), dbReady: false };
    const binary = await locateExecutable(options.trivyPath, { ...process.env, ...options.env });
    if (binary === undefined) {
      return {
        ok: false,
        error: {
          code: 'scanner-missing',
          message: classifyTrivyFailure({ notFound: true, stderr: '' }).message,
        },
      };
    }
    let details = await currentDetails(options, binary, memoDir, signal);
    if (options.skipDbUpdate) return { ok: true, details, dbReady: false };
    if (isDbStale(details.db)) {
      state.emit({ type: 'db-update', phase: 'started' });
      await updateTrivyDb(options, state.secrets, signal);
      state.emit({ type: 'db-update', phase: 'done' });
      details = await currentDetails(options, binary, memoDir, signal);
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
