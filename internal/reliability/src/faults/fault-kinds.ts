import type { ScanErrorCode } from '@sluice/core';

/**
 * Every fault the stand-in injects into a scan, with the error code an image must end with
 * when that fault hits its last attempt, and whether the runner must retry it.
 */
export const SCAN_FAULTS: Readonly<
  Record<string, { readonly code: ScanErrorCode; readonly transient: boolean }>
> = {
  crash: { code: 'crashed', transient: true },
  hang: { code: 'timeout', transient: false },
  garbage: { code: 'invalid-output', transient: true },
  truncated: { code: 'invalid-output', transient: true },
  'rate-limited': { code: 'rate-limited', transient: true },
  'server-error': { code: 'network', transient: true },
  'connection-reset': { code: 'network', transient: true },
  'not-found': { code: 'not-found', transient: false },
  unauthorized: { code: 'unauthorized', transient: false },
  denied: { code: 'unauthorized', transient: false },
  lock: { code: 'cache-locked', transient: true },
  timeout: { code: 'timeout', transient: false },
};

/** Faults that only slow a scan down: the scan still succeeds. */
export const HARMLESS_FAULTS: readonly string[] = ['slow-start'];

/** `FAKE_TRIVY_FAULTS` JSON: every fault kind, sharing `rate` of all scans between them. */
export function faultSpec(rate: number, seed: number): string {
  const kinds = [...Object.keys(SCAN_FAULTS), ...HARMLESS_FAULTS];
  return JSON.stringify({ seed, faults: kinds.map((kind) => ({ kind, rate: rate / kinds.length })) });
}
