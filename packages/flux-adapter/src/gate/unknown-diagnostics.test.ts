import { describe, expect, it } from 'vitest';
import type { Diagnostic, ImageEntry } from '@sluice/core';
import { GateReport } from '@sluice/core';
import { makeWorkload as k } from '../graph/test-workloads.js';
import { buildGateReport } from './build-gate-report.js';

const NGINX = 'docker.io/library/nginx:1';
const clean = [{ ref: NGINX, outcome: 'ok' as const, findings: [] }];
const image: ImageEntry = {
  ref: NGINX,
  locations: [
    { file: 'apps/web.yaml', line: 7, column: 16, raw: 'nginx:1', kind: 'Deployment', name: 'web' },
  ],
};
const remote: Diagnostic = {
  file: 'apps/kustomization.yaml',
  line: 4,
  column: 5,
  severity: 'error',
  code: 'remote-resource',
  message: 'Remote resource https://github.com/x/y//deploy is not fetched',
  object: 'Kustomization/flux-system/apps',
};

describe('diagnostics that make an object unknown (unknown, never empty)', () => {
  const workloads = [k('infra'), k('apps', { images: [NGINX] }), k('web', { dependsOn: ['apps'] })];

  it('a Flux object named by an unknown-effect diagnostic is unknown with the diagnostic as reason, and its dependents are blocked', () => {
    const report = buildGateReport({
      images: [image],
      outcomes: clean,
      workloads,
      diagnostics: [remote],
      tool: { version: '0' },
    });
    expect(GateReport.parse(report)).toEqual(report);
    expect(report.verdict).toBe('blocked');
    const byId = new Map(report.objects.map((object) => [object.id, object]));
    expect(byId.get('Kustomization/flux-system/apps')).toMatchObject({
      status: 'unknown',
      reasons: [
        'Its build could not be reproduced exactly (apps/kustomization.yaml:4: Remote resource https://github.com/x/y//deploy is not fetched); failing closed, it blocks (onScanError: block).',
      ],
    });
    expect(byId.get('Kustomization/flux-system/web')?.status).toBe('blocked-upstream');
    expect(byId.get('Kustomization/flux-system/infra')?.status).toBe('pass');
  });

  it('a diagnostic with no effect, or naming no object of the graph, changes nothing', () => {
    const { object: _object, ...withoutObject } = remote;
    const report = buildGateReport({
      images: [image],
      outcomes: clean,
      workloads,
      diagnostics: [
        { ...remote, code: 'flux-object-unreached', severity: 'warning' },
        { ...remote, object: 'Kustomization/flux-system/not-in-graph' },
        withoutObject,
      ],
      tool: { version: '0' },
    });
    expect(report.verdict).toBe('pass');
    expect(report.objects.every((object) => object.status === 'pass')).toBe(true);
  });

  it('with onScanError: warn the object is unknown but blocks nothing', () => {
    const report = buildGateReport({
      images: [image],
      outcomes: clean,
      workloads,
      diagnostics: [remote],
      policy: { onScanError: 'warn' },
      tool: { version: '0' },
    });
    expect(report.verdict).toBe('pass');
    const apps = report.objects.find((object) => object.id === 'Kustomization/flux-system/apps');
    expect(apps?.status).toBe('unknown');
    expect(apps?.reasons.join(' ')).toContain('it blocks nothing (onScanError: warn)');
    expect(report.objects.find((object) => object.id === 'Kustomization/flux-system/web')?.status).toBe(
      'pass',
    );
  });

  it('plain mode: the manifest object (or the file) that cannot be read exactly is an unknown object that blocks the run', () => {
    const report = buildGateReport({
      images: [image],
      outcomes: clean,
      diagnostics: [
        {
          file: 'apps/web.yaml',
          line: 9,
          column: 16,
          severity: 'error',
          code: 'invalid-image-reference',
          message: '"alpine-39 #x" in Deployment/web container app: invalid reference format',
          object: 'Deployment/web',
        },
        {
          file: 'apps/big.yaml',
          severity: 'error',
          code: 'file-too-large',
          message: 'apps/big.yaml is 11000000 bytes, more than the limit of 10485760; not read',
        },
        { file: 'values.yaml', severity: 'info', code: 'not-kubernetes', message: 'not a Kubernetes object' },
      ],
      tool: { version: '0' },
    });
    expect(GateReport.parse(report)).toEqual(report);
    expect(report.verdict).toBe('blocked');
    expect(report.objects.map((object) => [object.id, object.status, object.file, object.line])).toEqual([
      ['Deployment/web', 'unknown', 'apps/web.yaml', 9],
      ['apps/big.yaml', 'unknown', 'apps/big.yaml', undefined],
    ]);
    expect(report.objects[0]?.reasons).toEqual([
      'Sluice could not read it exactly (apps/web.yaml:9: "alpine-39 #x" in Deployment/web container app: invalid reference format); failing closed, it blocks (onScanError: block).',
    ]);
    const warned = buildGateReport({
      images: [image],
      outcomes: clean,
      diagnostics: report.diagnostics,
      policy: { onScanError: 'warn' },
      tool: { version: '0' },
    });
    expect(warned.verdict).toBe('pass');
    expect(warned.objects.map((object) => object.status)).toEqual(['unknown', 'unknown']);
  });
});
