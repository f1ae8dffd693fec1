import { SluiceError } from '@sluice/core';
import type { ScannerInfo } from '@sluice/core';
import { buildTrivyEnv, buildVersionArgs, knownSecrets } from './args.js';
import { classifyTrivyFailure } from './classify-error.js';
import { resolveOptions } from './options.js';
import type { ResolvedRunnerOptions, TrivyRunnerOptions } from './options.js';
import { redactSecrets, secretValues } from './redact.js';
import { runTrivy } from './run-trivy.js';
import type { TrivyDbMetadata } from './trivy-report.js';
import { TrivyVersionInfo } from './trivy-report.js';

/** Error code when the trivy executable does not exist. */
export const SCANNER_MISSING = 'SLUICE_SCANNER_MISSING';
/** Error code when `trivy version` fails or prints something unexpected. */
export const SCANNER_FAILED = 'SLUICE_SCANNER_FAILED';

/** What the runner learns from `trivy version --format json` (and, in client mode, the server). */
export interface TrivyVersionDetails {
  readonly info: ScannerInfo;
  /** The vulnerability DB metadata, when a DB is present. */
  readonly db?: TrivyDbMetadata;
}

/** Formats a DB version as `<schema>@<UpdatedAt>`, such as `2@2022-03-02T06:07:07.99504083Z`. */
export function formatDbVersion(db: TrivyDbMetadata | undefined): string | undefined {
  if (!db) return undefined;
  return db.UpdatedAt ? `${db.Version}@${db.UpdatedAt}` : String(db.Version);
}

async function serverDb(options: ResolvedRunnerOptions): Promise<TrivyDbMetadata | undefined> {
  if (options.server === undefined) return undefined;
  try {
    const response = await fetch(new URL('/version', options.server), {
      headers: { ...options.customHeaders },
      signal: AbortSignal.timeout(5000),
    });
    if (!response.ok) return undefined;
    const parsed = TrivyVersionInfo.safeParse(await response.json());
    return parsed.success ? parsed.data.VulnerabilityDB : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs `trivy version --format json` and, in client mode, asks the server's `/version` for its
 * DB. Throws SluiceError `SLUICE_SCANNER_MISSING` when trivy is not installed.
 */
export async function queryTrivyVersion(options: ResolvedRunnerOptions): Promise<TrivyVersionDetails> {
  const result = await runTrivy({
    trivyPath: options.trivyPath,
    args: buildVersionArgs(options),
    env: buildTrivyEnv(options),
    timeoutMs: 30_000,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const secrets = [...knownSecrets(options), ...secretValues(options.env), ...secretValues(process.env)];
  if (result.notFound || result.exitCode !== 0) {
    const failure = classifyTrivyFailure(result);
    throw new SluiceError(
      result.notFound ? SCANNER_MISSING : SCANNER_FAILED,
      redactSecrets(failure.message, secrets),
    );
  }
  let parsed: TrivyVersionInfo;
  try {
    parsed = TrivyVersionInfo.parse(JSON.parse(result.stdout));
  } catch (error) {
    throw new SluiceError(SCANNER_FAILED, '`trivy version --format json` printed no valid version JSON.', {
      cause: error,
    });
  }
  const db = options.server !== undefined ? await serverDb(options) : parsed.VulnerabilityDB;
  const dbVersion = formatDbVersion(db);
  const info: ScannerInfo = { name: 'trivy', version: parsed.Version, ...(dbVersion ? { dbVersion } : {}) };
  return { info, ...(db ? { db } : {}) };
}

/**
 * The scanner Sluice runs: `{ name: 'trivy', version, dbVersion }` from
 * `trivy version --format json` (in client mode, the DB of the server).
 *
 * @throws SluiceError `SLUICE_SCANNER_MISSING` when the trivy executable is not found,
 *   `SLUICE_SCANNER_FAILED` when it fails.
 */
export async function getScannerInfo(options: TrivyRunnerOptions = {}): Promise<ScannerInfo> {
  return (await queryTrivyVersion(resolveOptions(options))).info;
}

/** True when the DB is missing or its `NextUpdate` has passed (Trivy would download it again). */
export function isDbStale(db: TrivyDbMetadata | undefined, now: number = Date.now()): boolean {
  if (!db?.NextUpdate) return true;
  const next = Date.parse(db.NextUpdate);
  return Number.isNaN(next) || next <= now;
}
