import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Finding } from '@sluice/core';
import { buildGateReport } from '@sluice/flux-adapter';
import type { FluxWorkload, ImageOutcome } from '@sluice/flux-adapter';

// What flux-adapter's own gate properties do not cover: the whole report (findings → policy →
// verdicts → gate), graphs with dependsOn cycles, self-dependencies, missing targets, and
// HelmReleases next to Kustomizations.

const NUM_RUNS = Number(process.env.SLUICE_FC_RUNS ?? 200);
const POOL = 8;
const image = (index: number): string => `registry.example.com/pool/img-${index}:1`;

type Result = 'clean' | 'critical' | 'medium' | 'error';
const CRITICAL: Finding = {
  id: 'CVE-2099-0001',
  severity: 'CRITICAL',
  package: 'libc',
  installedVersion: '1',
  fixedVersion: '2',
};
const MEDIUM: Finding = { id: 'CVE-2099-0002', severity: 'MEDIUM', package: 'zlib', installedVersion: '1' };

function outcomeOf(ref: string, result: Result): ImageOutcome {
  if (result === 'error')
    return { ref, outcome: 'error', error: { code: 'network', message: 'connection reset by peer' } };
  return {
    ref,
    outcome: 'ok',
    findings: result === 'critical' ? [CRITICAL] : result === 'medium' ? [MEDIUM] : [],
  };
}

/** Random Flux graphs: any dependsOn, cycles, self-loops and dangling names included. */
const workloadsArbitrary = fc
  .integer({ min: 1, max: 20 })
  .chain((size) =>
    fc.array(
      fc.record({
        helm: fc.boolean(),
        dependsOn: fc.array(fc.integer({ min: 0, max: size + 2 }), { maxLength: 3 }),
        images: fc.array(fc.integer({ min: 0, max: POOL - 1 }), { maxLength: 3 }),
        suspended: fc.boolean(),
      }),
      { minLength: size, maxLength: size },
    ),
  )
  .map((specs) =>
    specs.map((spec, index): FluxWorkload => {
      const kind = spec.helm ? 'HelmRelease' : 'Kustomization';
      return {
        id: `${kind}/flux-system/n${index}`,
        kind,
        namespace: 'flux-system',
        name: `n${index}`,
        file: `clusters/n${index}.yaml`,
        line: 1,
        // Targets past the end name objects that do not exist.
        dependsOn: [...new Set(spec.dependsOn)].map((target) => ({ name: `n${target}` })),
        suspended: spec.suspended,
        images: [...new Set(spec.images)].map((at) => ({ ref: image(at), locations: [] })),
        method: 'rendered',
      };
    }),
  );
const resultsArbitrary = fc.array(fc.constantFrom<Result>('clean', 'critical', 'medium', 'error'), {
  minLength: POOL,
  maxLength: POOL,
});

function report(
  workloads: readonly FluxWorkload[],
  results: readonly Result[],
  onScanError: 'block' | 'warn' = 'block',
) {
  const refs = Array.from({ length: POOL }, (_, index) => image(index));
  return buildGateReport({
    images: refs.map((ref) => ({ ref, locations: [] })),
    outcomes: refs.map((ref, index) => outcomeOf(ref, results[index]!)),
    workloads,
    policy: { onScanError },
    tool: { version: '0.0.0' },
    now: new Date('2026-01-01T00:00:00Z'),
  });
}
const blocking = (gate: ReturnType<typeof report>): Set<string> =>
  new Set(
    gate.objects
      .filter(
        (object) =>
          ['blocked', 'blocked-upstream'].includes(object.status) ||
          (object.status === 'unknown' && object.reasons.some((reason) => reason.includes('failing closed'))),
      )
      .map((object) => object.id),
  );

describe('buildGateReport properties', () => {
  it('is monotone: turning any image into a failing one never unblocks anything', () => {
    fc.assert(
      fc.property(workloadsArbitrary, resultsArbitrary, fc.nat(POOL - 1), (workloads, results, at) => {
        const before = report(workloads, results);
        const worse = [...results];
        worse[at] = 'critical';
        const after = report(workloads, worse);
        const still = blocking(after);
        for (const id of blocking(before)) expect(still.has(id), id).toBe(true);
        if (before.verdict === 'blocked') expect(after.verdict).toBe('blocked');
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('is monotone in scan errors when failing closed: an image that could not be scanned never unblocks anything', () => {
    fc.assert(
      fc.property(workloadsArbitrary, resultsArbitrary, fc.nat(POOL - 1), (workloads, results, at) => {
        const before = blocking(report(workloads, results));
        const worse = [...results];
        worse[at] = results[at] === 'critical' ? 'critical' : 'error';
        const after = blocking(report(workloads, worse));
        for (const id of before) expect(after.has(id), id).toBe(true);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('blocks nothing when no image has a finding, cycles and dangling dependsOn included', () => {
    fc.assert(
      fc.property(workloadsArbitrary, (workloads) => {
        const gate = report(
          workloads,
          Array.from({ length: POOL }, () => 'clean'),
        );
        expect(gate.verdict).toBe('pass');
        expect(gate.images.every((entry) => entry.verdict === 'pass')).toBe(true);
        expect(
          gate.objects.filter((object) => object.status !== 'pass' && object.status !== 'suspended'),
        ).toEqual([]);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('with onScanError: warn, scan errors alone block nothing', () => {
    fc.assert(
      fc.property(
        workloadsArbitrary,
        fc.array(fc.constantFrom<Result>('clean', 'medium', 'error'), { minLength: POOL, maxLength: POOL }),
        (workloads, results) => {
          const gate = report(workloads, results, 'warn');
          expect(gate.verdict).toBe('pass');
          expect(blocking(gate)).toEqual(new Set());
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('says blocked exactly when an object blocks or an image deployed by no object fails', () => {
    fc.assert(
      fc.property(workloadsArbitrary, resultsArbitrary, (workloads, results) => {
        const gate = report(workloads, results);
        const deployed = new Set(workloads.flatMap((workload) => workload.images.map((entry) => entry.ref)));
        const looseBad = gate.images.some((entry) => !deployed.has(entry.ref) && entry.verdict !== 'pass');
        expect(gate.verdict === 'blocked').toBe(blocking(gate).size > 0 || looseBad);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
