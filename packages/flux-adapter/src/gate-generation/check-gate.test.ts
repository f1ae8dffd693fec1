import { describe, expect, it } from 'vitest';
import { makeWorkload as k } from '../graph/test-workloads.js';
import { checkGate, checkScanJob } from './check-gate.js';
import { generateGate } from './generate-gate.js';

const workloads = [
  k('flux-system'),
  k('apps', { parent: 'Kustomization/flux-system/flux-system', images: ['docker.io/library/redis:7.2'] }),
];

function scanJob(gate: ReturnType<typeof generateGate>): unknown {
  const job = gate.resources.find((resource) => resource.kind === 'Job');
  if (!job) throw new Error('no Job');
  return job;
}

interface MutableContainer {
  image: string;
  command?: string[];
  args: string[];
}

interface MutableJob {
  spec: {
    ttlSecondsAfterFinished?: number;
    backoffLimit?: number;
    activeDeadlineSeconds?: number;
    suspend?: boolean;
    template: { spec: { restartPolicy: string; containers: MutableContainer[] } };
  };
}

function scanner(job: MutableJob): MutableContainer {
  const container = job.spec.template.spec.containers[0];
  if (!container) throw new Error('no scan container');
  return container;
}

describe('checkScanJob', () => {
  const good = () => structuredClone(scanJob(generateGate({ workloads }))) as unknown as MutableJob;

  it('accepts the generated Job', () => {
    expect(checkScanJob(good(), 900)).toEqual([]);
  });

  it('rejects a bare Pod, which Flux reports healthy after it exits 1', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'scan' },
      spec: good().spec.template.spec,
    };
    expect(checkScanJob(pod)[0]).toMatch(/^kind must be Job \(batch\/v1\), not Pod/);
  });

  it('rejects ttlSecondsAfterFinished, restartPolicy Always or OnFailure, a default backoffLimit, no or a too long deadline, suspend', () => {
    const cases: [(job: MutableJob) => void, RegExp][] = [
      [(job) => (job.spec.ttlSecondsAfterFinished = 60), /ttlSecondsAfterFinished/],
      [(job) => (job.spec.template.spec.restartPolicy = 'Always'), /restartPolicy must be Never, not Always/],
      [
        (job) => (job.spec.template.spec.restartPolicy = 'OnFailure'),
        /restartPolicy must be Never, not OnFailure/,
      ],
      [(job) => delete job.spec.backoffLimit, /backoffLimit/],
      [(job) => delete job.spec.activeDeadlineSeconds, /activeDeadlineSeconds must be set/],
      [(job) => (job.spec.activeDeadlineSeconds = 900), /shorter than the Kustomization timeout/],
      [(job) => (job.spec.suspend = true), /suspend/],
      [(job) => (scanner(job).image = 'ghcr.io/sluice-dev/sluice:latest'), /pinned/],
      [(job) => (scanner(job).command = ['/bin/sh', '-c']), /shell/],
      [(job) => scanner(job).args.push('--fail-on', 'never'), /never fails/],
      [(job) => scanner(job).args.push('--fail-on=never'), /never fails/],
      [(job) => (scanner(job).args = ['scan', '.']), /needs --images-from/],
      [(job) => (scanner(job).args = ['version']), /scans no image/],
      [(job) => (job.spec.template.spec.containers = []), /scans no image/],
    ];
    for (const [mutate, expected] of cases) {
      const job = good();
      mutate(job);
      expect(checkScanJob(job, 900).join(' ')).toMatch(expected);
    }
  });

  it('checks a hand-written Trivy Job too: a scan needs a non-zero --exit-code', () => {
    const job = good();
    job.spec.template.spec.containers = [
      {
        image: 'ghcr.io/aquasecurity/trivy:0.74.0',
        args: ['image', '--exit-code', '1', '--severity', 'CRITICAL', 'docker.io/library/redis:7.2'],
      },
    ];
    expect(checkScanJob(job, 900)).toEqual([]);
    scanner(job).args[2] = '0';
    expect(checkScanJob(job, 900).join(' ')).toMatch(/exit-code/);
  });

  it('rejects a gate Kustomization without wait or force', () => {
    const gate = generateGate({ workloads });
    for (const field of ['wait', 'force'] as const) {
      const kustomization = structuredClone(gate.kustomization) as unknown as {
        spec: Record<string, unknown>;
      };
      kustomization.spec[field] = false;
      expect(checkGate(kustomization, scanJob(gate)).join(' ')).toMatch(
        new RegExp(`spec.${field} must be true`),
      );
    }
  });
});
