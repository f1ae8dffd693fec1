import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Finding, ImageEntry } from '@sluice/core';
import { GateReport } from '@sluice/core';
import { makeWorkload as k } from '../graph/test-workloads.js';
import { buildDependencyGraph } from '../graph/build-dependency-graph.js';
import { buildGateReport } from './build-gate-report.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const critical: Finding = {
  id: 'CVE-1',
  severity: 'CRITICAL',
  package: 'openssl',
  installedVersion: '1',
  fixedVersion: '2',
};
const entry = (ref: string, file = 'apps/web.yaml'): ImageEntry => ({
  ref,
  locations: [{ file, line: 7, column: 16, raw: ref, kind: 'Deployment', name: 'web' }],
});

describe('buildGateReport', () => {
  const workloads = [
    k('infra', { images: ['docker.io/library/redis:7'] }),
    k('apps', { dependsOn: ['infra', 'missing'], images: ['docker.io/library/nginx:1'] }),
  ];
  const images = [entry('docker.io/library/redis:7'), entry('docker.io/library/nginx:1')];

  it('assembles a schema-valid, sorted report with the gate, the graph and every diagnostic', () => {
    const report = buildGateReport({
      images,
      outcomes: [
        {
          ref: 'docker.io/library/redis:7',
          outcome: 'ok',
          findings: [critical],
          source: 'scan',
          digest: 'sha256:abc',
        },
        { ref: 'docker.io/library/nginx:1', outcome: 'ok', findings: [] },
      ],
      workloads,
      policy: {
        ignores: [{ id: 'CVE-9', expires: '2026-01-01', source: { file: '.trivyignore', line: 3 } }],
      },
      diagnostics: [{ file: 'z.yaml', severity: 'warning', code: 'x', message: 'from the adapter' }],
      tool: { version: '0.1.0' },
      scanner: { name: 'trivy', version: '0.67.0' },
      now: NOW,
    });
    expect(GateReport.parse(report)).toEqual(report);
    expect(report.verdict).toBe('blocked');
    expect(report.policy).toEqual({
      severities: ['CRITICAL', 'HIGH'],
      ignoreUnfixed: false,
      onScanError: 'block',
    });
    expect(report.images.map((image) => [image.ref, image.verdict, image.source, image.digest])).toEqual([
      ['docker.io/library/nginx:1', 'pass', undefined, undefined],
      ['docker.io/library/redis:7', 'fail', 'scan', 'sha256:abc'],
    ]);
    expect(report.objects.map((object) => [object.id, object.status, object.chain])).toEqual([
      [
        'Kustomization/flux-system/apps',
        'blocked-upstream',
        ['Kustomization/flux-system/apps', 'Kustomization/flux-system/infra'],
      ],
      ['Kustomization/flux-system/infra', 'blocked', undefined],
    ]);
    expect(report.objects[1]?.reasons).toEqual([
      'docker.io/library/redis:7 fails the policy: 1 finding at CRITICAL/HIGH: CVE-1 (CRITICAL, openssl).',
    ]);
    expect(report.graph?.waves).toEqual([
      ['Kustomization/flux-system/infra'],
      ['Kustomization/flux-system/apps'],
    ]);
    expect(report.diagnostics.map((diagnostic) => diagnostic.code)).toEqual([
      'expired-ignore',
      'missing-dependency',
      'x',
    ]);
  });

  it('adds the diagnostics of a graph passed in, once', () => {
    const graph = buildDependencyGraph(workloads);
    const report = buildGateReport({
      images,
      outcomes: [],
      workloads,
      graph,
      diagnostics: graph.diagnostics,
      tool: { version: '0.1.0' },
      now: NOW,
    });
    expect(report.diagnostics.map((diagnostic) => diagnostic.code)).toEqual(['missing-dependency']);
  });

  it('decides on images alone without Flux objects, and counts a missing outcome as not scanned', () => {
    const pass = buildGateReport({
      images,
      outcomes: new Map(
        images.map((image) => [image.ref, { ref: image.ref, outcome: 'ok' as const, findings: [] }]),
      ),
      tool: { version: '0.1.0' },
      now: NOW,
    });
    expect(pass.verdict).toBe('pass');
    expect(pass.objects).toEqual([]);
    expect(pass.graph).toBeUndefined();

    const missing = buildGateReport({ images, outcomes: [], tool: { version: '0.1.0' }, now: NOW });
    expect(missing.verdict).toBe('blocked');
    expect(missing.images[0]).toMatchObject({
      outcome: 'error',
      verdict: 'unknown',
      error: { code: 'unknown' },
    });
    const warned = buildGateReport({
      images,
      outcomes: [],
      policy: { onScanError: 'warn' },
      tool: { version: '0' },
      now: NOW,
    });
    expect(warned.verdict).toBe('pass');
  });

  it('states once, per object, what an image that could not be scanned does', () => {
    const report = buildGateReport({
      images,
      outcomes: [
        { ref: 'docker.io/library/redis:7', outcome: 'ok', findings: [] },
        {
          ref: 'docker.io/library/nginx:1',
          outcome: 'error',
          error: { code: 'not-found', message: 'No report matches (by RepoDigests).' },
        },
      ],
      workloads,
      policy: { onScanError: 'warn' },
      tool: { version: '0' },
      now: NOW,
    });
    const apps = report.objects.find((object) => object.id === 'Kustomization/flux-system/apps');
    expect(apps).toMatchObject({ status: 'unknown', blocking: false });
    expect(apps?.reasons).toEqual([
      'docker.io/library/nginx:1 could not be scanned; it blocks nothing (onScanError: warn): The scan failed (not-found): No report matches (by RepoDigests).',
    ]);
  });

  it('blocks on a failing image deployed outside every Flux object', () => {
    const report = buildGateReport({
      images: [...images, entry('docker.io/library/loose:1', 'plain/pod.yaml')],
      outcomes: [
        { ref: 'docker.io/library/redis:7', outcome: 'ok', findings: [] },
        { ref: 'docker.io/library/nginx:1', outcome: 'ok', findings: [] },
        { ref: 'docker.io/library/loose:1', outcome: 'ok', findings: [critical] },
      ],
      workloads,
      tool: { version: '0.1.0' },
      now: NOW,
    });
    expect(report.objects.every((object) => object.status === 'pass')).toBe(true);
    expect(report.verdict).toBe('blocked');
  });

  it('judges an image per object when object overrides differ, and reports the worst', () => {
    const shared = [
      k('prod', { images: ['docker.io/library/redis:7'] }),
      k('dev', { images: ['docker.io/library/redis:7'] }),
    ];
    const report = buildGateReport({
      images: [entry('docker.io/library/redis:7')],
      outcomes: [{ ref: 'docker.io/library/redis:7', outcome: 'ok', findings: [critical] }],
      workloads: shared,
      policy: {
        overrides: [{ objects: ['Kustomization/*/dev'], ignores: [{ id: 'CVE-1', reason: 'dev only' }] }],
      },
      tool: { version: '0.1.0' },
      now: NOW,
    });
    expect(report.objects.map((object) => [object.id, object.status])).toEqual([
      ['Kustomization/flux-system/dev', 'pass'],
      ['Kustomization/flux-system/prod', 'blocked'],
    ]);
    expect(report.images[0]?.verdict).toBe('fail');
    expect(report.images[0]?.findings[0]?.suppressed).toBeUndefined();
  });

  it('is byte-identical for the same input in any order', () => {
    const input = {
      images,
      outcomes: [
        { ref: 'docker.io/library/redis:7', outcome: 'ok' as const, findings: [critical] },
        {
          ref: 'docker.io/library/nginx:1',
          outcome: 'error' as const,
          error: { code: 'timeout' as const, message: 'slow' },
        },
      ],
      workloads,
      tool: { version: '0.1.0' },
      now: NOW,
    };
    const first = JSON.stringify(buildGateReport(input));
    const second = JSON.stringify(
      buildGateReport({
        ...input,
        images: [...images].reverse(),
        workloads: [...workloads].reverse(),
        outcomes: [...input.outcomes].reverse(),
      }),
    );
    expect(second).toBe(first);
  });
});

describe('buildGateReport properties', () => {
  const severities = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'] as const;
  const scenario = fc.integer({ min: 1, max: 15 }).chain((size) =>
    fc.record({
      deps: fc.array(fc.array(fc.nat({ max: 100 }), { maxLength: 3 }), { minLength: size, maxLength: size }),
      images: fc.array(fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 2 }), {
        minLength: size,
        maxLength: size,
      }),
      findings: fc.array(fc.array(fc.constantFrom(...severities), { maxLength: 3 }), {
        minLength: 5,
        maxLength: 5,
      }),
      extra: fc.record({ image: fc.integer({ min: 0, max: 4 }), severity: fc.constantFrom(...severities) }),
    }),
  );
  const run = (
    workloads: ReturnType<typeof k>[],
    findings: readonly (readonly (typeof severities)[number][])[],
  ) =>
    buildGateReport({
      images: [],
      outcomes: findings.map((list, image) => ({
        ref: `img${image}:1`,
        outcome: 'ok' as const,
        findings: list.map((severity, index) => ({ ...critical, id: `CVE-${index}`, severity })),
      })),
      workloads,
      tool: { version: '0' },
      now: NOW,
    });
  const toWorkloads = (deps: number[][], images: number[][]) =>
    deps.map((targets, index) =>
      k(`n${index}`, {
        dependsOn: index === 0 ? [] : targets.map((target) => `n${target % index}`),
        images: images[index]!.map((image) => `img${image}:1`),
      }),
    );
  const blocking = (report: GateReport) =>
    new Set(report.objects.filter((object) => object.status !== 'pass').map((object) => object.id));

  it('blocks nothing once every finding is removed', () => {
    fc.assert(
      fc.property(scenario, ({ deps, images, findings }) => {
        const report = run(
          toWorkloads(deps, images),
          findings.map(() => []),
        );
        return report.verdict === 'pass' && blocking(report).size === 0;
      }),
    );
  });

  it('never unblocks anything when a finding is added', () => {
    fc.assert(
      fc.property(scenario, ({ deps, images, findings, extra }) => {
        const workloads = toWorkloads(deps, images);
        const before = run(workloads, findings);
        const worse = findings.map((list, image) =>
          image === extra.image ? [...list, extra.severity] : list,
        );
        const after = run(workloads, worse);
        const stillBlocked = blocking(after);
        return (
          [...blocking(before)].every((id) => stillBlocked.has(id)) &&
          (before.verdict === 'pass' || after.verdict === 'blocked')
        );
      }),
    );
  });
});
