import { SluiceError } from '@sluice/core';
import { parseFluxDuration } from './duration.js';

/** Error code of a gate whose scans cannot fit in the time Flux gives it. */
export const GATE_BUDGET_EXCEEDED = 'SLUICE_GATE_BUDGET_EXCEEDED';

/** The inputs of {@link computeGateBudget}, each with its default. */
export interface GateBudgetOptions {
  /** How many images the Job scans. */
  readonly images: number;
  /** Scans at once in the Job. @default 4 */
  readonly concurrency?: number;
  /** Seconds one image takes to pull and scan, on average (a cached result takes about none). @default 60 */
  readonly perImageSeconds?: number;
  /** Seconds the vulnerability DB download takes. @default 300 (0 with a Trivy server) */
  readonly dbDownloadSeconds?: number;
  /** Seconds to schedule the Pod, pull the Sluice image and start. @default 120 */
  readonly startupSeconds?: number;
  /** Seconds between the Job's deadline and the Kustomization's timeout. @default 60 */
  readonly deadlineMarginSeconds?: number;
  /** The Kustomization timeout, when chosen by hand: it must leave the scans their time. @default derived */
  readonly timeout?: string;
  /** The longest timeout a gate may have. @default '1h' */
  readonly maxTimeout?: string;
}

/** How long the gate may take, and why. */
export interface GateBudget {
  readonly images: number;
  readonly concurrency: number;
  /** `ceil(images / concurrency)`: scans one after the other in the slowest lane. */
  readonly rounds: number;
  readonly perImageSeconds: number;
  readonly dbDownloadSeconds: number;
  readonly startupSeconds: number;
  /** `startup + dbDownload + rounds × perImage`: what the scans need. */
  readonly neededSeconds: number;
  /** The Job's `spec.activeDeadlineSeconds`. */
  readonly activeDeadlineSeconds: number;
  /** The Kustomization's `spec.timeout` in seconds (whole minutes when derived). */
  readonly timeoutSeconds: number;
  /** The Kustomization's `spec.timeout`, such as `17m` or `1h5m`. */
  readonly timeout: string;
  /** The formula with its numbers, for notes and errors. */
  readonly explanation: string;
}

/**
 * Sizes the gate's time from what it scans: the Job needs `startup + dbDownload +
 * ceil(images / concurrency) × perImage` seconds (its `activeDeadlineSeconds`), and the
 * Kustomization's `timeout` is that plus a margin, rounded up to whole minutes, so that a stuck
 * scan fails the Job before Flux's health check times out. A chosen `timeout` must leave at
 * least that much (the Job then gets all of it but the margin).
 *
 * A gate longer than `maxTimeout` is refused: while the gate Kustomization waits for its Job,
 * kustomize-controller keeps one of its workers on it and every gated Kustomization waits too.
 *
 * @throws {SluiceError} `SLUICE_GATE_BUDGET_EXCEEDED` with the numbers, when the scans cannot fit;
 * `SLUICE_INVALID_GATE_OPTIONS` for a bad number or duration.
 * @example
 * ```ts
 * computeGateBudget({ images: 142, concurrency: 8 });
 * // { rounds: 18, neededSeconds: 1500, activeDeadlineSeconds: 1500, timeout: '27m', … }
 * ```
 */
export function computeGateBudget(options: GateBudgetOptions): GateBudget {
  const concurrency = wholeNumber(options.concurrency ?? 4, 'concurrency', 1, 64);
  const perImageSeconds = wholeNumber(options.perImageSeconds ?? 60, 'per-image budget', 1, 3600);
  const dbDownloadSeconds = wholeNumber(options.dbDownloadSeconds ?? 300, 'DB download budget', 0, 3600);
  const startupSeconds = wholeNumber(options.startupSeconds ?? 120, 'start-up budget', 0, 3600);
  const margin = wholeNumber(options.deadlineMarginSeconds ?? 60, 'deadline margin', 1, 3600);
  const maxTimeout = options.maxTimeout ?? '1h';
  const maxSeconds = parseFluxDuration(maxTimeout, 'maxTimeout');
  const images = Math.max(0, Math.floor(options.images));
  const rounds = Math.ceil(images / concurrency);
  const neededSeconds = startupSeconds + dbDownloadSeconds + rounds * perImageSeconds;
  const explanation =
    `${startupSeconds}s start-up + ${dbDownloadSeconds}s DB download + ${rounds} rounds ` +
    `(${images} images, ${concurrency} at once) × ${perImageSeconds}s per image = ${neededSeconds}s, ` +
    `plus ${margin}s before the Kustomization timeout`;

  let timeoutSeconds: number;
  let activeDeadlineSeconds: number;
  if (options.timeout === undefined) {
    timeoutSeconds = Math.ceil((neededSeconds + margin) / 60) * 60;
    activeDeadlineSeconds = neededSeconds;
  } else {
    timeoutSeconds = parseFluxDuration(options.timeout, 'timeout');
    activeDeadlineSeconds = Math.floor(timeoutSeconds - margin);
    if (activeDeadlineSeconds < neededSeconds) {
      throw new SluiceError(
        GATE_BUDGET_EXCEEDED,
        `The gate's timeout ${options.timeout} cannot fit its scans: ${explanation}, ${formatDuration(
          Math.ceil((neededSeconds + margin) / 60) * 60,
        )} in all. Leave the timeout to Sluice, raise the concurrency, or lower the per-image budget if most results come from the cache.`,
      );
    }
  }
  if (timeoutSeconds > maxSeconds) {
    throw new SluiceError(
      GATE_BUDGET_EXCEEDED,
      `The gate cannot fit in ${maxTimeout}: ${explanation}, a ${formatDuration(timeoutSeconds)} timeout. ` +
        'Raise the concurrency, use a Trivy server (no DB download) or a result cache (and a lower per-image budget), ' +
        'split the gate by cluster, or raise the maximum if kustomize-controller can spare a worker that long.',
    );
  }
  return {
    images,
    concurrency,
    rounds,
    perImageSeconds,
    dbDownloadSeconds,
    startupSeconds,
    neededSeconds,
    activeDeadlineSeconds,
    timeoutSeconds,
    timeout: options.timeout ?? formatDuration(timeoutSeconds),
    explanation,
  };
}

/** Formats whole seconds as a Flux duration: `45s`, `17m`, `1h5m`, `1h`. */
export function formatDuration(seconds: number): string {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  const text = `${hours > 0 ? `${hours}h` : ''}${minutes > 0 ? `${minutes}m` : ''}${rest > 0 ? `${rest}s` : ''}`;
  return text === '' ? '0s' : text;
}

function wholeNumber(value: number, what: string, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new SluiceError(
      'SLUICE_INVALID_GATE_OPTIONS',
      `${what} must be a whole number from ${min} to ${max}, not ${value}.`,
    );
  }
  return value;
}
