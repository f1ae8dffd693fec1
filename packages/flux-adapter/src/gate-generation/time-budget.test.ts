import { isSluiceError } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { GATE_BUDGET_EXCEEDED, computeGateBudget, formatDuration } from './time-budget.js';

describe('computeGateBudget', () => {
  it('sizes the Job from the image count, the concurrency and the per-image time', () => {
    // The home-ops corpus: 134 images, 4 at once.
    expect(computeGateBudget({ images: 134 })).toMatchObject({
      rounds: 34,
      neededSeconds: 120 + 300 + 34 * 60,
      activeDeadlineSeconds: 2460,
      timeoutSeconds: 2520,
      timeout: '42m',
    });
    // Eight at once, through a Trivy server (no DB), with a warm cache (10 s an image).
    expect(
      computeGateBudget({ images: 134, concurrency: 8, dbDownloadSeconds: 0, perImageSeconds: 10 }),
    ).toMatchObject({ rounds: 17, neededSeconds: 290, timeout: '6m' });
    expect(computeGateBudget({ images: 0 })).toMatchObject({ rounds: 0, neededSeconds: 420 });
  });

  it('keeps a chosen timeout when the scans fit, and gives the Job all of it but the margin', () => {
    expect(computeGateBudget({ images: 3, timeout: '15m' })).toMatchObject({
      activeDeadlineSeconds: 840,
      timeoutSeconds: 900,
      timeout: '15m',
    });
  });

  it('refuses what cannot fit, with the formula and its numbers', () => {
    const refused = (options: Parameters<typeof computeGateBudget>[0]): string => {
      try {
        computeGateBudget(options);
      } catch (error) {
        expect(isSluiceError(error, GATE_BUDGET_EXCEEDED)).toBe(true);
        return (error as Error).message;
      }
      throw new Error('expected a refusal');
    };
    expect(refused({ images: 134, timeout: '15m' })).toBe(
      "The gate's timeout 15m cannot fit its scans: 120s start-up + 300s DB download + 34 rounds (134 images, 4 at once) × 60s per image = 2460s, plus 60s before the Kustomization timeout, 42m in all. Leave the timeout to Sluice, raise the concurrency, or lower the per-image budget if most results come from the cache.",
    );
    expect(refused({ images: 500 })).toMatch(
      /^The gate cannot fit in 1h: .* 125 rounds \(500 images, 4 at once\) × 60s per image = 7920s, .* a 2h13m timeout\. Raise the concurrency/,
    );
    expect(computeGateBudget({ images: 500, maxTimeout: '3h' }).timeout).toBe('2h13m');
    expect(() => computeGateBudget({ images: 1, concurrency: 0 })).toThrow(
      /concurrency must be a whole number/,
    );
  });
});

describe('formatDuration', () => {
  it('writes Flux durations', () => {
    expect([0, 45, 60, 540, 3600, 3900, 3725].map(formatDuration)).toEqual([
      '0s',
      '45s',
      '1m',
      '9m',
      '1h',
      '1h5m',
      '1h2m5s',
    ]);
  });
});
