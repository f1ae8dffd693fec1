import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pLimit from 'p-limit';
import { compareStrings, isSluiceError } from '@sluice/core';
import type { ScanError, ScannerInfo } from '@sluice/core';
import { buildDbUpdateArgs, buildTrivyEnv, dbUpdateTimeoutMs, knownSecrets } from './args.js';
import { createCacheKey } from './cache.js';
import type { Cache, CachedScan } from './cache.js';
import { classifyTrivyFailure } from './classify-error.js';
import { createCache } from './create-cache.js';
import type { ScanEvent } from './events.js';
import type { TrivyReportSet } from './load-reports.js';
import { loadTrivyReports, outcomeFromReport } from './load-reports.js';
import { resolveOptions } from './options.js';
import type { ResolvedRunnerOptions, TrivyRunnerOptions } from './options.js';
import type { ImageScanOutcome } from './outcome.js';
import { planScans } from './plan.js';
import type { ImageInput, ScanGroup } from './plan.js';
import { redactSecrets, secretValues } from './redact.js';
import { runTrivy } from './run-trivy.js';
import { isDbStale, queryTrivyVersion, SCANNER_MISSING } from './scanner-info.js';
import type { TrivyVersionDetails } from './scanner-info.js';
import { scanGroup } from './scan-group.js';
import type { ScanContext } from './scan-group.js';

/** Per-call options of {@link TrivyRunner.scan}. */
export interface ScanBatchOptions {
  /**
   * Cancels this batch (in addition to the runner's signal).
   * @default undefined
   */
  readonly signal?: AbortSignal;
  /**
   * Receives this batch's events (in addition to the runner's handler).
   * @default undefined
   */
  readonly onEvent?: (event: ScanEvent) => void;
  /**
   * Existing Trivy JSON reports (a folder, or a set from {@link loadTrivyReports}): images they
   * match are answered from them with `source: 'report'`.
   * @default undefined
   */
  readonly reports?: string | TrivyReportSet;
  /**
   * With `reports`: scan images no report matches (else they fail with `not-found`).
   * @default true
   */
  readonly scanUnmatched?: boolean;
}

/** Runs `trivy image` for batches of images; see {@link createTrivyRunner}. */
export interface TrivyRunner {
  /** The options in effect, defaults applied. */
  readonly options: ResolvedRunnerOptions;
  /**
   * Scans images: one outcome per unique image (normalized reference), sorted by reference. A
   * failing image never affects the others, and the promise does not reject for scan
   * failures: an aborted batch resolves with `aborted` (or, for the batch timeout, `timeout`)
   * outcomes for the images that did not finish.
   */
  scan(images: readonly ImageInput[], options?: ScanBatchOptions): Promise<ImageScanOutcome[]>;
  /** `{ name: 'trivy', version, dbVersion }`; see {@link getScannerInfo}. */
  getScannerInfo(): Promise<ScannerInfo>;
  /** Downloads or updates the vulnerability DB once (`trivy image --download-db-only`). */
  updateDb(signal?: AbortSignal): Promise<void>;
  /** Closes the result cache (a Redis connection, for example). */
  close(): Promise<void>;
}

interface BatchState {
  /** Cache problems already reported in this batch (one warning per kind of problem). */
  readonly warned: Set<string>;
  readonly signal: AbortSignal;
  readonly timedOut: () => boolean;
  readonly emit: (event: ScanEvent) => void;
  readonly secrets: readonly string[];
}

function stopError(state: BatchState, options: ResolvedRunnerOptions): ScanError {
  return state.timedOut()
    ? { code: 'timeout', message: `The batch did not finish within ${options.batchTimeoutMs} ms.` }
    : { code: 'aborted', message: 'The scan was aborted.' };
}

async function resultOptions(options: ResolvedRunnerOptions): Promise<Record<string, unknown>> {
  let ignoreFile: string | undefined;
  if (options.ignoreFile !== undefined) {
    try {
      ignoreFile = createHash('sha256')
        .update(await readFile(options.ignoreFile))
        .digest('hex');
    } catch {
      ignoreFile = 'unreadable';
    }
  }
  return {
    scanners: 'vuln',
    severities: options.severities ? [...options.severities].sort() : 'all',
    ignoreUnfixed: options.ignoreUnfixed,
    ignoreFile,
    platform: options.platform,
    extraArgs: options.extraArgs,
  };
}

/**
 * Creates a runner for `trivy image`. It scans each unique image once, in a pool of
 * `concurrency` Trivy processes that cannot collide on Trivy's cache lock (the vulnerability DB
 * is updated once per batch, then scans run with `--skip-db-update --cache-backend memory`, or
 * in client mode against a Trivy server), serves repeated scans from a result cache, retries
 * transient failures and reports progress as events.
 *
 * @example
 * ```ts
 * const runner = createTrivyRunner({ concurrency: 4, severities: ['HIGH', 'CRITICAL'] });
 * const outcomes = await runner.scan(['alpine:3.19', 'ghcr.io/org/app:1.2.3']);
 * for (const outcome of outcomes) {
 *   if (outcome.status === 'ok') console.log(outcome.ref, outcome.findings.length);
 *   else console.log(outcome.ref, outcome.error.code, outcome.error.message);
 * }
 * await runner.close();
 * ```
 */
export function createTrivyRunner(options: TrivyRunnerOptions = {}): TrivyRunner {
  const resolved = resolveOptions(options);
  const cache: Cache | undefined =
    resolved.cache === false
      ? undefined
      : typeof resolved.cache === 'string'
        ? createCache(resolved.cache)
        : resolved.cache;
  const ownsCache = typeof resolved.cache === 'string';
  const secrets = [...knownSecrets(resolved), ...secretValues(resolved.env), ...secretValues(process.env)];

  async function updateDb(signal?: AbortSignal): Promise<void> {
    const maxAttempts = resolved.retries + 1;
    for (let attempt = 1; ; attempt += 1) {
      const result = await runTrivy({
        trivyPath: resolved.trivyPath,
        args: buildDbUpdateArgs(resolved),
        env: buildTrivyEnv(resolved),
        timeoutMs: dbUpdateTimeoutMs(resolved) + 5000,
        ...(signal ? { signal } : {}),
      });
      if (!result.notFound && result.exitCode === 0) return;
      const failure = classifyTrivyFailure(result);
      if (!failure.transient || attempt >= maxAttempts || signal?.aborted) {
        throw Object.assign(new Error(redactSecrets(failure.message, secrets)), { scanError: failure });
      }
      await new Promise((resolve) =>
        setTimeout(resolve, Math.min(30_000, resolved.retryDelayMs * 2 ** (attempt - 1))),
      );
    }
  }

  function warnCache(state: BatchState, operation: 'read' | 'write', error: unknown): void {
    if (state.warned.has(operation)) return;
    state.warned.add(operation);
    const message = redactSecrets((error as Error).message, secrets);
    state.emit({
      type: 'warning',
      code: 'cache-unavailable',
      message: `The result cache could not ${operation} (${message}); scanning continues without it.`,
    });
  }

  async function cacheGet(key: string, state: BatchState): Promise<CachedScan | undefined> {
    if (!cache) return undefined;
    try {
      return await cache.get(key);
    } catch (error) {
      warnCache(state, 'read', error);
      return undefined;
    }
  }

  async function cacheSet(
    key: string,
    value: CachedScan,
    ttlMs: number | undefined,
    state: BatchState,
  ): Promise<void> {
    if (!cache) return;
    try {
      await cache.set(key, value, ttlMs);
    } catch (error) {
      warnCache(state, 'write', error);
    }
  }

  async function scan(
    images: readonly ImageInput[],
    batch: ScanBatchOptions = {},
  ): Promise<ImageScanOutcome[]> {
    const signals = [resolved.signal, batch.signal].filter(
      (signal): signal is AbortSignal => signal !== undefined,
    );
    const timeoutSignal =
      resolved.batchTimeoutMs !== undefined ? AbortSignal.timeout(resolved.batchTimeoutMs) : undefined;
    if (timeoutSignal) signals.push(timeoutSignal);
    const signal = signals.length > 0 ? AbortSignal.any(signals) : new AbortController().signal;
    const handlers = [resolved.onEvent, batch.onEvent].filter((handler) => handler !== undefined);
    const state: BatchState = {
      warned: new Set(),
      signal,
      timedOut: () =>
        timeoutSignal?.aborted === true && !signals.some((s) => s !== timeoutSignal && s.aborted),
      emit: (event) => {
        for (const handler of handlers) {
          try {
            handler(event);
          } catch {
            // A failing event handler must not break the batch.
          }
        }
      },
      secrets,
    };

    const plan = planScans(images);
    const outcomes: ImageScanOutcome[] = plan.invalid.map(({ ref, error }) => ({
      ref,
      status: 'error',
      error,
      attempts: 0,
    }));
    for (const { ref, error } of plan.invalid) state.emit({ type: 'failed', ref, error, attempts: 0 });
    const answer = (group: ScanGroup, make: (ref: string) => ImageScanOutcome): void => {
      for (const image of group.images) outcomes.push(make(image.ref));
    };
    const fail = (group: ScanGroup, error: ScanError, attempts: number): void => {
      state.emit({ type: 'failed', ref: group.target.ref, error, attempts });
      answer(group, (ref) => ({ ref, status: 'error', error, attempts }));
    };
    const finish = (): ImageScanOutcome[] => outcomes.sort((a, b) => compareStrings(a.ref, b.ref));

    // Existing reports first: they need no Trivy at all.
    let pending: ScanGroup[] = [...plan.groups];
    if (batch.reports !== undefined) {
      const set = typeof batch.reports === 'string' ? await loadTrivyReports(batch.reports) : batch.reports;
      const unmatched: ScanGroup[] = [];
      for (const group of pending) {
        const match = group.images
          .map((image) => set.find(image.ref, image.digest))
          .find((found) => found !== undefined);
        if (match) {
          const outcome = outcomeFromReport(group.target.ref, match);
          const findings = outcome.status === 'ok' ? outcome.findings.length : 0;
          answer(group, (ref) => outcomeFromReport(ref, match));
          state.emit({ type: 'done', ref: group.target.ref, findings, source: 'report', durationMs: 0 });
        } else if (batch.scanUnmatched === false) {
          fail(
            group,
            {
              code: 'not-found',
              message: 'No Trivy report matches this image (by ArtifactName, RepoTags or RepoDigests).',
            },
            0,
          );
        } else {
          unmatched.push(group);
        }
      }
      pending = unmatched;
    }
    if (pending.length === 0) return finish();
    for (const group of pending) state.emit({ type: 'queued', ref: group.target.ref });

    // The scanner and its DB decide the cache keys; bring the DB up to date first.
    let details: TrivyVersionDetails;
    let dbReady = false;
    try {
      details = await queryTrivyVersion({ ...resolved, signal });
      if (resolved.server === undefined && !resolved.skipDbUpdate) {
        if (isDbStale(details.db)) {
          state.emit({ type: 'db-update', phase: 'started' });
          await updateDb(signal);
          state.emit({ type: 'db-update', phase: 'done' });
          details = await queryTrivyVersion({ ...resolved, signal });
        }
        dbReady = true;
      }
    } catch (error) {
      let scanError: ScanError;
      if (signal.aborted) scanError = stopError(state, resolved);
      else if (isSluiceError(error, SCANNER_MISSING))
        scanError = { code: 'scanner-missing', message: error.message };
      else {
        const classified = (error as { scanError?: ScanError }).scanError;
        scanError = {
          code: classified ? classified.code : 'unknown',
          message: redactSecrets((error as Error).message, secrets),
        };
        if (classified) state.emit({ type: 'db-update', phase: 'failed', message: scanError.message });
      }
      for (const group of pending) fail(group, scanError, 0);
      return finish();
    }

    const scanner = details.info;
    const affecting = await resultOptions(resolved);
    const keyFor = (image: string): string =>
      createCacheKey({
        image,
        trivyVersion: scanner.version ?? 'unknown',
        dbVersion: scanner.dbVersion ?? 'unknown',
        options: affecting,
      });
    const digestKey = (group: ScanGroup, digest: string): string =>
      keyFor(`${group.target.name.repository}@${digest}`);
    const tagKey = (group: ScanGroup): string => keyFor(group.target.name.normalized);
    // Without a known DB version a result cannot be tied to the DB: give every entry the TTL.
    const pinnedTtl = scanner.dbVersion === undefined ? resolved.tagTtlMs : undefined;

    const misses: ScanGroup[] = [];
    for (const group of pending) {
      const stored = await cacheGet(group.digest ? digestKey(group, group.digest) : tagKey(group), state);
      // The reader's TTL counts too: a run with a shorter TTL does not accept older tag results.
      const ttl = group.digest ? pinnedTtl : resolved.tagTtlMs;
      const hit =
        stored && ttl !== undefined && !(Date.now() - Date.parse(stored.scannedAt) < ttl)
          ? undefined
          : stored;
      if (!hit) {
        misses.push(group);
        continue;
      }
      state.emit({ type: 'cached', ref: group.target.ref, findings: hit.findings.length });
      state.emit({
        type: 'done',
        ref: group.target.ref,
        findings: hit.findings.length,
        source: 'cache',
        durationMs: 0,
      });
      const digest = hit.digest ?? group.digest;
      answer(group, (ref) => ({
        ref,
        status: 'ok',
        findings: hit.findings,
        source: 'cache',
        scanner: hit.scanner,
        ...(digest ? { digest } : {}),
      }));
    }

    const context: ScanContext = {
      options: resolved,
      scanner,
      dbReady,
      signal,
      stopError: () => stopError(state, resolved),
      secrets,
      emit: state.emit,
    };
    const limit = pLimit({ concurrency: resolved.concurrency, rejectOnClear: true });
    const onAbort = (): void => limit.clearQueue();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await Promise.all(
        misses.map(async (group) => {
          let result;
          let durationMs = 0;
          try {
            result = await limit(async () => {
              const started = performance.now();
              const scanned = await scanGroup(group, context);
              durationMs = performance.now() - started;
              return scanned;
            });
          } catch {
            result = { status: 'error' as const, error: stopError(state, resolved), attempts: 0 };
          }
          if (result.status === 'error') {
            fail(group, result.error, result.attempts);
            return;
          }
          const value: CachedScan = {
            ref: group.target.ref,
            findings: result.findings,
            scanner,
            scannedAt: new Date().toISOString(),
            ...(result.digest ? { digest: result.digest } : {}),
          };
          if (group.digest) await cacheSet(digestKey(group, group.digest), value, pinnedTtl, state);
          else {
            await cacheSet(tagKey(group), value, resolved.tagTtlMs, state);
            if (result.digest) await cacheSet(digestKey(group, result.digest), value, pinnedTtl, state);
          }
          state.emit({
            type: 'done',
            ref: group.target.ref,
            findings: result.findings.length,
            source: 'scan',
            durationMs,
          });
          answer(group, (ref) => ({
            ref,
            status: 'ok',
            findings: result.findings,
            source: 'scan',
            scanner,
            ...(result.digest ? { digest: result.digest } : {}),
          }));
        }),
      );
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    return finish();
  }

  return {
    options: resolved,
    scan,
    getScannerInfo: async () => (await queryTrivyVersion(resolved)).info,
    updateDb,
    close: async () => {
      if (ownsCache) await cache?.close?.();
    },
  };
}

/**
 * Scans a batch of images with a one-off runner; see {@link createTrivyRunner}.
 *
 * @example
 * ```ts
 * const outcomes = await scanImages(['alpine:3.19'], { severities: ['CRITICAL'], signal });
 * ```
 */
export async function scanImages(
  images: readonly ImageInput[],
  options: TrivyRunnerOptions & ScanBatchOptions = {},
): Promise<ImageScanOutcome[]> {
  const { reports, scanUnmatched, ...runnerOptions } = options;
  const runner = createTrivyRunner(runnerOptions);
  try {
    return await runner.scan(images, {
      ...(reports !== undefined ? { reports } : {}),
      ...(scanUnmatched !== undefined ? { scanUnmatched } : {}),
    });
  } finally {
    await runner.close();
  }
}
