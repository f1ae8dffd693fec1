import { readFileSync } from 'node:fs';
import { repoPath } from '@sluice/test-utils';
import { Ajv } from 'ajv';
import yaml from 'js-yaml';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { describe, expect, it } from 'vitest';
import { parseTrivyIgnoreYaml } from '@sluice/core';
import { makeWorkload as k } from '../graph/test-workloads.js';
import { checkGate } from './check-gate.js';
import { generateGate } from './generate-gate.js';
import { DEFAULT_TRIVY_IMAGE } from './gate-options.js';
import { serializeManifests } from './serialize.js';

interface CrdVersion {
  name: string;
  schema: { openAPIV3Schema: Record<string, unknown> };
}

const ajv = new Ajv({ strict: false, allErrors: true });

function crdValidator(file: string, version: string) {
  const crd = yaml.load(readFileSync(repoPath(`fixtures/flux-crds/${file}`), 'utf8')) as {
    spec: { versions: CrdVersion[] };
  };
  const found = crd.spec.versions.find((candidate) => candidate.name === version);
  if (!found) throw new Error(`${file} has no version ${version}`);
  return ajv.compile(stripKubernetesExtensions(found.schema.openAPIV3Schema) as object);
}

// CRD schemas are OpenAPI v3 with x-kubernetes-* keywords, which JSON Schema ignores.
function stripKubernetesExtensions(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(stripKubernetesExtensions);
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([key]) => !key.startsWith('x-kubernetes-'))
      .map(([key, value]) => [key, stripKubernetesExtensions(value)]),
  );
}

const kustomizationV1 = crdValidator('kustomize.toolkit.fluxcd.io_kustomizations.yaml', 'v1');

/**
 * Validates one generated object: Flux Kustomizations against the CRD's openAPIV3Schema (ajv),
 * Jobs and ConfigMaps with kubernetes-models. Returns the problems (empty when valid).
 */
function validateManifest(object: Record<string, unknown>): string[] {
  if (object.apiVersion === 'kustomize.toolkit.fluxcd.io/v1' && object.kind === 'Kustomization') {
    return kustomizationV1(object)
      ? []
      : (kustomizationV1.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
  }
  try {
    if (object.apiVersion === 'batch/v1' && object.kind === 'Job') new Job(object as never).validate();
    else if (object.apiVersion === 'v1' && object.kind === 'ConfigMap')
      new ConfigMap(object as never).validate();
    else return [`no schema for ${object.apiVersion} ${object.kind}`];
    return [];
  } catch (error) {
    return [(error as Error).message];
  }
}

const NOW = new Date('2026-06-01T00:00:00Z');
const KS = (name: string) => `Kustomization/flux-system/${name}`;

// A repository like flux2-kustomize-helm-example: the bootstrap root creates infra and apps;
// apps creates the podinfo HelmRelease; infra deploys an image of its own.
const workloads = [
  k('flux-system', {
    file: 'clusters/prod/flux-system/gotk-sync.yaml',
    images: ['ghcr.io/fluxcd/source-controller:v1.9.0'],
  }),
  k('infra', {
    parent: KS('flux-system'),
    file: 'clusters/prod/infrastructure.yaml',
    line: 2,
    images: ['docker.io/library/redis:7.2'],
  }),
  k('apps', { parent: KS('flux-system'), file: 'clusters/prod/apps.yaml', line: 2, dependsOn: ['infra'] }),
  k('podinfo', {
    kind: 'HelmRelease',
    namespace: 'podinfo',
    parent: KS('apps'),
    images: ['ghcr.io/stefanprodan/podinfo:6.9.0'],
  }),
  k('loose', { kind: 'HelmRelease', namespace: 'x', images: ['docker.io/library/busybox:1.36'] }),
];

function scanJob(gate: ReturnType<typeof generateGate>) {
  const job = gate.resources.find((resource) => resource.kind === 'Job');
  if (!job) throw new Error('no Job');
  return job as unknown as {
    metadata: { name: string; annotations: Record<string, string> };
    spec: {
      activeDeadlineSeconds: number;
      backoffLimit: number;
      ttlSecondsAfterFinished?: number;
      template: {
        spec: {
          restartPolicy: string;
          initContainers: { name: string; args: string[]; command?: string[] }[];
        };
      };
    };
  };
}

describe('generateGate', () => {
  const gate = generateGate({ workloads, policy: { severity: 'HIGH', ignoreUnfixed: true }, now: NOW });

  it('validates every generated object against the Flux CRD and Kubernetes schemas', () => {
    expect(gate.objects.map((object) => object.kind)).toEqual(['Kustomization', 'Job']);
    for (const object of gate.objects) expect(validateManifest(object)).toEqual([]);
    expect(checkGate(gate.kustomization, scanJob(gate))).toEqual([]);
    // The validators do reject wrong objects.
    const spec = gate.kustomization!['spec'] as Record<string, unknown>;
    expect(validateManifest({ ...gate.kustomization!, spec: { ...spec, prune: 'yes' } })).not.toEqual([]);
    expect(
      validateManifest({
        ...gate.kustomization!,
        spec: { ...spec, sourceRef: { kind: 'HelmRepository', name: 'x' } },
      }),
    ).not.toEqual([]);
    const job = scanJob(gate);
    expect(
      validateManifest({
        ...job,
        apiVersion: 'batch/v1',
        kind: 'Job',
        spec: { ...job.spec, ttlSecondsAfterFinished: 'never' },
      }),
    ).not.toEqual([]);
  });

  it('gates Kustomizations with images, HelmReleases through their parents, never the creator of the gate', () => {
    expect(gate.gated).toEqual([KS('apps'), KS('infra')]);
    expect(gate.images).toEqual(['docker.io/library/redis:7.2', 'ghcr.io/stefanprodan/podinfo:6.9.0']);
    expect(gate.notes).toContain(
      `HelmRelease/podinfo/podinfo is gated through its parent ${KS('apps')}: a HelmRelease can only depend on HelmReleases, so the parent waits for the gate before it applies the HelmRelease.`,
    );
    expect(gate.notes.some((note) => note.startsWith(`${KS('flux-system')} cannot be gated`))).toBe(true);
    expect(gate.notes.some((note) => note.startsWith('HelmRelease/x/loose cannot be gated'))).toBe(true);
  });

  it('sets every field that makes the gate block', () => {
    expect(gate.kustomization?.spec).toEqual({
      interval: '10m',
      retryInterval: '1m',
      timeout: '15m',
      path: './sluice-gate',
      prune: true,
      wait: true,
      force: true,
      sourceRef: { kind: 'GitRepository', name: 'flux-system' },
    });
    const job = scanJob(gate);
    expect(job.spec.activeDeadlineSeconds).toBe(840);
    expect(job.spec.backoffLimit).toBe(0);
    expect(job.spec.ttlSecondsAfterFinished).toBeUndefined();
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    const containers = job.spec.template.spec.initContainers;
    expect(containers.map((container) => container.name)).toEqual(['download-db', 'scan-001', 'scan-002']);
    expect(containers[1]?.args).toEqual([
      'image',
      '--skip-db-update',
      '--cache-dir',
      '/var/cache/trivy',
      '--no-progress',
      '--scanners',
      'vuln',
      '--exit-code',
      '1',
      '--severity',
      'CRITICAL,HIGH',
      '--ignore-unfixed',
      'docker.io/library/redis:7.2',
    ]);
    expect(containers.every((container) => container.command === undefined)).toBe(true);
    expect(job.metadata.name).toMatch(/^sluice-gate-[0-9a-f]{10}$/);
    expect(job.metadata.annotations['kustomize.toolkit.fluxcd.io/force']).toBe('enabled');
  });

  it('names the Job after a hash of what it scans, so a change is scanned by a new Job', () => {
    const same = generateGate({ workloads, policy: { severity: 'HIGH', ignoreUnfixed: true }, now: NOW });
    expect(scanJob(same).metadata.name).toBe(scanJob(gate).metadata.name);
    const moved = workloads.map((workload) =>
      workload.name === 'infra'
        ? { ...workload, images: [{ ref: 'docker.io/library/redis:7.4', locations: [] }] }
        : workload,
    );
    const names = [
      generateGate({ workloads: moved, policy: { severity: 'HIGH', ignoreUnfixed: true }, now: NOW }),
      generateGate({ workloads, policy: { severity: 'CRITICAL', ignoreUnfixed: true }, now: NOW }),
      generateGate({
        workloads,
        policy: { severity: 'HIGH', ignoreUnfixed: true },
        revision: 'main@sha1:abc',
        now: NOW,
      }),
      generateGate({
        workloads,
        policy: { severity: 'HIGH', ignoreUnfixed: true },
        trivyImage: 'ghcr.io/aquasecurity/trivy:0.73.0',
        now: NOW,
      }),
    ].map((other) => scanJob(other).metadata.name);
    expect(new Set([...names, scanJob(gate).metadata.name]).size).toBe(5);
  });

  it('adds the gate to each gated Kustomization’s dependsOn, as a full list and as a Flux patch', () => {
    expect(gate.patches.map((patch) => [patch.target, patch.parent, patch.dependsOn])).toEqual([
      [KS('apps'), KS('flux-system'), [{ name: 'infra' }, { name: 'sluice-gate', namespace: 'flux-system' }]],
      [KS('infra'), KS('flux-system'), [{ name: 'sluice-gate', namespace: 'flux-system' }]],
    ]);
    expect(gate.patches[0]?.fluxPatch.patch).toBe(
      '- op: add\n  path: /spec/dependsOn/-\n  value:\n    name: sluice-gate\n    namespace: flux-system\n',
    );
    expect(gate.patches[1]?.fluxPatch.patch).toBe(
      '- op: add\n  path: /spec/dependsOn\n  value:\n    - name: sluice-gate\n      namespace: flux-system\n',
    );
    // The patches are valid `spec.patches` entries of the parent Kustomization.
    const parent = {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'flux-system', namespace: 'flux-system' },
      spec: {
        interval: '10m',
        path: './clusters/prod',
        prune: true,
        sourceRef: { kind: 'GitRepository', name: 'flux-system' },
        patches: gate.patches.map((patch) => patch.fluxPatch),
      },
    };
    expect(validateManifest(parent)).toEqual([]);
  });

  it('writes the files to commit as YAML', () => {
    expect(gate.files.map((file) => file.path)).toEqual([
      'sluice-gate/kustomization.yaml',
      'sluice-gate/scan-job.yaml',
      'sluice-gate.yaml',
    ]);
    const loaded = gate.files.flatMap((file) => yaml.loadAll(file.content));
    expect(loaded.slice(1)).toEqual([...gate.resources, gate.kustomization]);
    expect(serializeManifests(gate.objects)).toContain('kind: Job');
  });

  it('hands ignores that Trivy can express to Trivy in a ConfigMap, per image', () => {
    const withIgnores = generateGate({
      workloads,
      policy: {
        ignores: [
          { id: 'CVE-1', expires: '2026-12-31', reason: 'no fix' },
          { id: 'CVE-2', images: ['docker.io/library/redis'] },
          { id: 'CVE-3', expires: '2026-01-01' },
          { id: 'CVE-4', packages: ['openssl'] },
        ],
      },
      now: NOW,
    });
    expect(withIgnores.resources.map((resource) => resource.kind)).toEqual(['ConfigMap', 'Job']);
    for (const object of withIgnores.objects) expect(validateManifest(object)).toEqual([]);
    const data = (withIgnores.resources[0] as unknown as { data: Record<string, string> }).data;
    const redis = parseTrivyIgnoreYaml(data['scan-001.yaml']!, 'scan-001.yaml');
    expect(redis.diagnostics).toEqual([]);
    expect(redis.ignores.map((rule) => [rule.id, rule.expires, rule.reason])).toEqual([
      ['CVE-1', '2026-12-31', 'no fix'],
      ['CVE-2', undefined, undefined],
    ]);
    expect(parseTrivyIgnoreYaml(data['scan-002.yaml']!, 'x').ignores.map((rule) => rule.id)).toEqual([
      'CVE-1',
    ]);
    expect(scanJob(withIgnores).spec.template.spec.initContainers[1]?.args).toContain(
      '/etc/sluice/ignores/scan-001.yaml',
    );
    expect(
      withIgnores.notes.some((note) => note.startsWith('The ignore for CVE-4 is limited to packages')),
    ).toBe(true);
  });

  it('mounts registry credentials as Trivy’s Docker config when asked', () => {
    const withSecret = generateGate({
      workloads,
      registrySecret: 'regcred',
      serviceAccountName: 'scanner',
      now: NOW,
    });
    for (const object of withSecret.objects) expect(validateManifest(object)).toEqual([]);
    const text = JSON.stringify(scanJob(withSecret));
    expect(text).toContain('"secretName":"regcred"');
    expect(text).toContain('"DOCKER_CONFIG"');
  });

  it('reads the source of the gated Kustomizations, and says which ones read another', () => {
    const withSources = [
      k('flux-system'),
      {
        ...k('a', { parent: KS('flux-system'), images: ['a:1'] }),
        source: 'GitRepository/flux-system/flux-system',
      },
      {
        ...k('b', { parent: KS('flux-system'), images: ['b:1'] }),
        source: 'GitRepository/flux-system/flux-system',
      },
      { ...k('c', { parent: KS('flux-system'), images: ['c:1'] }), source: 'OCIRepository/apps/manifests' },
    ];
    const chosen = generateGate({ workloads: withSources, now: NOW });
    expect(chosen.kustomization?.['spec']).toMatchObject({
      sourceRef: { kind: 'GitRepository', name: 'flux-system' },
    });
    expect(chosen.notes).toContain(
      `The gate reads GitRepository/flux-system/flux-system; ${KS('c')} reads another source, so Flux does not check that the gate applied the same revision before it applies.`,
    );
    const oci = generateGate({ workloads: withSources, objects: [KS('c')], now: NOW });
    expect(oci.kustomization?.['spec']).toMatchObject({
      sourceRef: { kind: 'OCIRepository', name: 'manifests', namespace: 'apps' },
    });
    for (const object of oci.objects) expect(validateManifest(object)).toEqual([]);
  });

  it('returns nothing to apply when no gated object has images', () => {
    const empty = generateGate({ workloads: [k('flux-system'), k('apps', { parent: KS('flux-system') })] });
    expect(empty).toMatchObject({ objects: [], gated: [], files: [] });
    expect(empty.notes).toEqual(['Nothing to gate: no gated object deploys an image that Sluice found.']);
  });

  it('rejects options that would make a gate that cannot block', () => {
    expect(() => generateGate({ workloads, timeout: '1m' })).toThrow(/less than a minute/);
    expect(() => generateGate({ workloads, timeout: 'soon' })).toThrow(/not a duration/);
    expect(() => generateGate({ workloads, backoffLimit: 6 })).toThrow(/backoffLimit/);
    expect(() => generateGate({ workloads, name: 'Bad_Name' })).toThrow(/DNS label/);
    expect(() => generateGate({ workloads, path: '../outside' })).toThrow(/inside the source/);
    expect(() => generateGate({ workloads, trivyImage: 'aquasec/trivy:latest' })).toThrow(/pinned/);
    expect(() => generateGate({ workloads, trivyImage: 'aquasec/trivy' })).toThrow(/pinned/);
    expect(DEFAULT_TRIVY_IMAGE).toMatch(/:\d+\.\d+\.\d+$/);
  });
});
