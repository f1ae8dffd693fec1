import { join } from 'node:path';
import pLimit from 'p-limit';
import { compareStrings } from '@sluice/core';
import type { ScanError, ScannerInfo } from '@sluice/core';
import { hasRegistryCredentials, knownSecrets, mayReceiveCredentials } from './args.js';
import { createBatchState } from './batch.js';
import type { BatchState } from './batch.js';
import type { Cache, CachedScan } from './cache.js';
import { createCache } from './create-cache.js';
import type { ScanEventHandler } from './events.js';
import type { TrivyReportSet } from './load-reports.js';
import { loadTrivyReports, outcomeFromReport } from './load-reports.js';
import { resolveOptions } from './options.js';
import type { ResolvedRunnerOptions, TrivyRunnerOptions } from './options.js';
import type { ImageScanOutcome } from './outcome.js';
import { planScans } from './plan.js';
import type { ImageInput, ScanGroup } from './plan.js';
import { prepareScanner } from './prepare-scanner.js';
import { secretValues } from './redact.js';
import { createResultStore } from './result-store.js';
import { scanGroup } from './scan-group.js';
import type { GroupScanFailure, GroupScanResult } from './scan-group.js';
import { queryTrivyVersion } from './scanner-info.js';
import { updateTrivyDb } from './update-db.js';

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
  readonly onEvent?: ScanEventHandler;
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
  /** Closes the result cache when the runner created it (a Redis connection, for example). */
  close(): Promise<void>;
}

/** Collects the outcomes of a batch: one per caller reference of each group. */
class Outcomes {
  private readonly list: ImageScanOutcome[] = [];

  constructor(private readonly state: BatchState) {}

  answer(group: ScanGroup, make: (ref: string) => ImageScanOutcome): void {
    for (const image of group.images) this.list.push(make(image.ref));
  }

  fail(group: ScanGroup, error: ScanError, attempts: number): void {
    this.state.emit({ type: 'failed', ref: group.target.ref, error, attempts });
    this.answer(group, (ref) => ({ ref, status: 'error', error, attempts }));
  }

  push(outcome: ImageScanOutcome): void {
    this.list.push(outcome);
  }

  sorted(): ImageScanOutcome[] {
    return this.list.sort((a, b) => compareStrings(a.ref, b.ref));
  }
}

async function answerFromReports(
  groups: readonly ScanGroup[],
  batch: ScanBatchOptions,
  outcomes: Outcomes,
  state: BatchState,
  maxBytes: number,
): Promise<ScanGroup[]> {
  if (batch.reports === undefined) return [...groups];
  const set =
    typeof batch.reports === 'string' ? await loadTrivyReports(batch.reports, { maxBytes }) : batch.reports;
  const unmatched: ScanGroup[] = [];
  for (const group of groups) {
    const match = group.images
      .map((image) => set.find(image.ref, image.digest))
      .find((found) => found !== undefined);
    if (match) {
      const outcome = outcomeFromReport(group.target.ref, match);
      const findings = outcome.status === 'ok' ? outcome.findings.length : 0;
      outcomes.answer(group, (ref) => outcomeFromReport(ref, match));
      state.emit({ type: 'done', ref: group.target.ref, findings, source: 'report', durationMs: 0 });
    } else if (batch.scanUnmatched === false) {
      const message = 'No Trivy report matches this image (by ArtifactName, RepoTags or RepoDigests).';
      outcomes.fail(group, { code: 'not-found', message }, 0);
    } else {
      unmatched.push(group);
    }
  }
  return unmatched;
}

/** Says once per batch which registries are scanned without the environment's registry credentials. */
function warnAboutWithheldCredentials(
  groups: readonly ScanGroup[],
  options: ResolvedRunnerOptions,
  state: BatchState,
): void {
  if (!hasRegistryCredentials(options)) return;
  const withheld = [...new Set(groups.map((group) => group.target.name.registry))]
    .filter((registry) => !mayReceiveCredentials(options, registry))
    .sort(compareStrings);
  if (withheld.length === 0) return;
  state.emit({
    type: 'warning',
    code: 'registry-credentials-withheld',
    message:
      `registry credentials (TRIVY_USERNAME, TRIVY_PASSWORD, TRIVY_REGISTRY_TOKEN) are not given to Trivy for images of ` +
      `${withheld.join(', ')}: only the registries named in registryCredentials (--registry-credentials) receive them`,
  });
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
  const secrets = [...knownSecrets(resolved), ...secretValues(resolved.env), ...secretValues(process.env)];
  // Beside a directory result cache, remember each Trivy binary's version across processes.
  const memoDir =
    typeof resolved.cache === 'string' && !/^rediss?:\/\//i.test(resolved.cache)
      ? join(resolved.cache, 'trivy-versions')
      : undefined;

  async function scan(
    images: readonly ImageInput[],
    batch: ScanBatchOptions = {},
  ): Promise<ImageScanOutcome[]> {
    const state = createBatchState(resolved, batch, secrets);
    const outcomes = new Outcomes(state);
    const plan = planScans(images);
    for (const { ref, error } of plan.invalid) {
      state.emit({ type: 'failed', ref, error, attempts: 0 });
      outcomes.push({ ref, status: 'error', error, attempts: 0 });
    }

    const pending = await answerFromReports(plan.groups, batch, outcomes, state, resolved.maxReportBytes);
    if (pending.length === 0) return outcomes.sorted();
    for (const group of pending) state.emit({ type: 'queued', ref: group.target.ref });

    const prepared = await prepareScanner(resolved, state, memoDir);
    if (!prepared.ok) {
      for (const group of pending) outcomes.fail(group, prepared.error, 0);
      return outcomes.sorted();
    }
    const scanner = prepared.details.info;
    const store = await createResultStore(cache, resolved, scanner, state);

    const misses: ScanGroup[] = [];
    for (const group of pending) {
      const hit = await store.lookup(group);
      if (!hit) {
        misses.push(group);
        continue;
      }
      const findings = hit.findings.length;
      state.emit({ type: 'cached', ref: group.target.ref, findings });
      state.emit({ type: 'done', ref: group.target.ref, findings, source: 'cache', durationMs: 0 });
      const digest = hit.digest ?? group.digest;
      outcomes.answer(group, (ref) => ({
        ref,
        status: 'ok',
        findings: hit.findings,
        source: 'cache',
        scanner: hit.scanner,
        ...(digest ? { digest } : {}),
      }));
    }

    warnAboutWithheldCredentials(misses, resolved, state);
    const context = {
      options: resolved,
      scanner,
      dbReady: prepared.dbReady,
      signal: state.signal,
      stopError: state.stopError,
      secrets,
      emit: state.emit,
    };
    // Aborting clears the queue: queued scans reject at once and never start a process.
    const limit = pLimit({ concurrency: resolved.concurrency, rejectOnClear: true });
    const clearQueue = (): void => limit.clearQueue();
    state.signal.addEventListener('abort', clearQueue, { once: true });
    try {
      await Promise.all(
        misses.map(async (group) => {
          let result: GroupScanResult | GroupScanFailure;
          let durationMs = 0;
          try {
            result = await limit(async () => {
              const started = performance.now();
              const scanned = await scanGroup(group, context);
              durationMs = performance.now() - started;
              return scanned;
            });
          } catch {
            result = { status: 'error', error: state.stopError(), attempts: 0 };
          }
          if (result.status === 'error') return outcomes.fail(group, result.error, result.attempts);
          const { findings, digest } = result;
          const value: CachedScan = {
            ref: group.target.ref,
            findings,
            scanner,
            scannedAt: new Date().toISOString(),
            ...(digest ? { digest } : {}),
          };
          await store.store(group, value);
          state.emit({
            type: 'done',
            ref: group.target.ref,
            findings: findings.length,
            source: 'scan',
            durationMs,
          });
          outcomes.answer(group, (ref) => ({
            ref,
            status: 'ok',
            findings,
            source: 'scan',
            scanner,
            ...(digest ? { digest } : {}),
          }));
        }),
      );
    } finally {
      state.signal.removeEventListener('abort', clearQueue);
    }
    return outcomes.sorted();
  }

  return {
    options: resolved,
    scan,
    getScannerInfo: async () => (await queryTrivyVersion(resolved)).info,
    updateDb: (signal) => updateTrivyDb(resolved, secrets, signal),
    close: async () => {
      if (typeof resolved.cache === 'string') await cache?.close?.();
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
