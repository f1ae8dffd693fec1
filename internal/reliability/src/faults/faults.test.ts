import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScanErrorCode } from '@sluice/core';
import { buildGateReport } from '@sluice/flux-adapter';
import type { FluxWorkload, ImageOutcome } from '@sluice/flux-adapter';
import { createTrivyRunner } from '@sluice/trivy-runner';
import type { ImageScanOutcome, ScanEvent } from '@sluice/trivy-runner';
import { isProcessAlive } from '@sluice/test-utils';
import { createTrivySandbox, FAKE_TRIVY } from '../support/fake-trivy.js';
import type { TrivyLogEntry, TrivySandbox } from '../support/fake-trivy.js';
import { faultSpec, HARMLESS_FAULTS, SCAN_FAULTS } from './fault-kinds.js';

const IMAGES = Array.from({ length: 1000 }, (_, index) => `registry.example.com/fault/app-${index}:1.0`);
const SEED = 8;

let sandbox: TrivySandbox;
let outcomes: ImageScanOutcome[];
let events: ScanEvent[];
let byImage: Map<string, TrivyLogEntry[]>;

beforeAll(async () => {
  // Every name replays a report with one MEDIUM finding: it passes the default policy, so only
  // scan failures can block.
  sandbox = await createTrivySandbox({ '*': 'alpine-distroless.json.golden' });
  events = [];
  const runner = createTrivyRunner({
    trivyPath: FAKE_TRIVY,
    trivyCacheDir: sandbox.trivyCacheDir,
    cache: false,
    concurrency: 16,
    // Small enough that the hang fault costs little, large enough for a loaded CI machine.
    scanTimeoutMs: 8000,
    retries: 2,
    retryDelayMs: 1,
    env: sandbox.env({ FAKE_TRIVY_FAULTS: faultSpec(0.2, SEED), FAKE_TRIVY_SLOW_START_MS: '300' }),
    onEvent: (event) => events.push(event),
  });
  outcomes = await runner.scan(IMAGES);
  await runner.close();
  // One run per process: a hung stand-in logs once when it starts hanging and once when killed.
  const runs = new Map<number, TrivyLogEntry>();
  for (const entry of await sandbox.scans()) {
    const known = runs.get(entry.pid);
    runs.set(entry.pid, known ? { ...entry, ...known, fault: known.fault ?? entry.fault } : entry);
  }
  byImage = new Map();
  for (const entry of runs.values()) byImage.set(entry.image!, [...(byImage.get(entry.image!) ?? []), entry]);
}, 600_000);
afterAll(async () => {
  await sandbox.cleanup();
});

describe(`1,000 scans with 20% injected faults (seed ${SEED})`, () => {
  it('gives every image exactly one outcome: none lost, none duplicated', () => {
    expect(outcomes).toHaveLength(IMAGES.length);
    expect(new Set(outcomes.map((outcome) => outcome.ref))).toEqual(new Set(IMAGES));
    const finals = events
      .filter((event) => event.type === 'done' || event.type === 'failed')
      .map((event) => event.ref);
    expect(finals.sort()).toEqual([...IMAGES].sort());
  });

  it('classifies every failure by what really happened on the last attempt', () => {
    const seen = new Set<string>();
    for (const outcome of outcomes) {
      const runs = byImage.get(outcome.ref) ?? [];
      const last = runs[runs.length - 1];
      const fault = last?.fault;
      if (outcome.status === 'ok') {
        expect(fault === undefined || HARMLESS_FAULTS.includes(fault), `${outcome.ref}: ${fault}`).toBe(true);
        continue;
      }
      expect(ScanErrorCode.options).toContain(outcome.error.code);
      expect(fault, outcome.ref).toBeDefined();
      expect(outcome.error.code, `${outcome.ref} (${fault})`).toBe(SCAN_FAULTS[fault!]!.code);
      expect(outcome.error.message).not.toBe('');
      seen.add(fault!);
    }
    // The run exercised many kinds of final failure, not just one.
    expect(seen.size).toBeGreaterThanOrEqual(5);
  });

  it('retries transient faults and only them, and counts every attempt', () => {
    let retried = 0;
    for (const outcome of outcomes) {
      const runs = byImage.get(outcome.ref) ?? [];
      expect(runs.length).toBeGreaterThanOrEqual(1);
      expect(runs.length).toBeLessThanOrEqual(3);
      runs.slice(0, -1).forEach((run) => {
        // Every attempt but the last failed with a transient fault.
        expect(run.fault && SCAN_FAULTS[run.fault]?.transient, `${outcome.ref}: ${run.fault}`).toBe(true);
      });
      const first = runs[0]?.fault;
      if (first && SCAN_FAULTS[first]?.transient) {
        expect(runs.length).toBeGreaterThan(1);
        retried += 1;
      }
      if (outcome.status === 'error') expect(outcome.attempts).toBe(runs.length);
    }
    expect(retried).toBeGreaterThan(50);
  });

  it('blocks, failing closed, every Flux object with an image that ended unknown, and nothing else', () => {
    // 100 Kustomizations of 10 images each, in a chain: each depends on the one before.
    const workloads: FluxWorkload[] = Array.from({ length: 100 }, (_, index) => ({
      id: `Kustomization/flux-system/k${index}`,
      kind: 'Kustomization',
      namespace: 'flux-system',
      name: `k${index}`,
      file: `clusters/k${index}.yaml`,
      line: 1,
      dependsOn: index === 0 ? [] : [{ name: `k${index - 1}` }],
      suspended: false,
      images: IMAGES.slice(index * 10, index * 10 + 10).map((ref) => ({ ref, locations: [] })),
      method: 'rendered',
    }));
    const report = buildGateReport({
      images: IMAGES.map((ref) => ({ ref, locations: [] })),
      outcomes: outcomes.map((outcome): ImageOutcome =>
        outcome.status === 'ok'
          ? { ref: outcome.ref, outcome: 'ok', findings: [...outcome.findings] }
          : { ref: outcome.ref, outcome: 'error', error: outcome.error },
      ),
      workloads,
      tool: { version: '0.0.0' },
    });
    const failed = new Set(
      outcomes.filter((outcome) => outcome.status === 'error').map((outcome) => outcome.ref),
    );
    expect(failed.size).toBeGreaterThan(0);
    for (const image of report.images) expect(image.verdict).toBe(failed.has(image.ref) ? 'unknown' : 'pass');
    const firstUnknown = workloads.findIndex((workload) =>
      workload.images.some((image) => failed.has(image.ref)),
    );
    for (const [index, object] of report.objects.map(
      (object) => [Number(object.id.split('/k')[1]), object] as const,
    )) {
      const own = workloads[index]!.images.some((image) => failed.has(image.ref));
      if (own) expect(object.status, object.id).toBe('unknown');
      else if (index > firstUnknown) expect(object.status, object.id).toBe('blocked-upstream');
      else expect(object.status, object.id).toBe('pass');
    }
    expect(report.verdict).toBe('blocked');
  });

  it('leaves no Trivy process behind, hung ones included', async () => {
    const log = await sandbox.log();
    expect(log.some((entry) => entry.hanging)).toBe(true);
    const alive = [...new Set(log.map((entry) => entry.pid))].filter(isProcessAlive);
    expect(alive).toEqual([]);
  });
});
