import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { repoPath } from '@sluice/test-utils';
import { Ajv } from 'ajv';
import yaml from 'js-yaml';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { describe, expect, it } from 'vitest';
import { parsePolicyConfig } from '@sluice/core';
import { makeWorkload as k } from '../graph/test-workloads.js';
import { parseImagesFile } from '../images-file/parse-images-file.js';
import { checkGate } from './check-gate.js';
import { generateGate } from './generate-gate.js';
import { generateGates } from './generate-gates.js';
import { DEFAULT_SLUICE_IMAGE } from './gate-options.js';
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
 * Jobs, ConfigMaps and PersistentVolumeClaims with kubernetes-models. Returns the problems (empty when valid).
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
    else if (object.apiVersion === 'v1' && object.kind === 'PersistentVolumeClaim')
      new PersistentVolumeClaim(object as never).validate();
    else return [`no schema for ${object.apiVersion} ${object.kind}`];
    return [];
  } catch (error) {
    return [(error as Error).message];
  }
}

const KS = (name: string) => `Kustomization/flux-system/${name}`;
const POLICY = { severity: 'HIGH' as const, ignoreUnfixed: true };

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

interface Container {
  name: string;
  image: string;
  args: string[];
  command?: string[];
  env: { name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }[];
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  terminationMessagePath: string;
  terminationMessagePolicy: string;
  securityContext: Record<string, unknown>;
  volumeMounts: { name: string; mountPath: string }[];
}

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
          automountServiceAccountToken: boolean;
          securityContext: Record<string, unknown>;
          initContainers?: unknown[];
          containers: Container[];
          volumes: Record<string, unknown>[];
        };
      };
    };
  };
}

function container(gate: ReturnType<typeof generateGate>): Container {
  const [only, ...rest] = scanJob(gate).spec.template.spec.containers;
  if (!only || rest.length > 0) throw new Error('expected one container');
  return only;
}

function inputs(gate: ReturnType<typeof generateGate>) {
  const configMap = gate.resources.find((resource) => resource.kind === 'ConfigMap') as unknown as {
    metadata: { name: string };
    data: { 'images.json': string; 'policy.json': string };
  };
  return {
    name: configMap.metadata.name,
    images: parseImagesFile(configMap.data['images.json'], 'images.json'),
    policy: parsePolicyConfig(JSON.parse(configMap.data['policy.json']), 'policy.json'),
  };
}

describe('generateGate', () => {
  const gate = generateGate({ workloads, policy: POLICY });

  it('validates every generated object against the Flux CRD and Kubernetes schemas', () => {
    expect(gate.objects.map((object) => object.kind)).toEqual(['Kustomization', 'ConfigMap', 'Job']);
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
    expect(gate.notes).toContain(
      `HelmRelease/podinfo/podinfo is gated through its parent ${KS('apps')}: a HelmRelease can only depend on HelmReleases, so the parent waits for the gate before it applies the HelmRelease.`,
    );
    expect(gate.notes.some((note) => note.startsWith(`${KS('flux-system')} cannot be gated`))).toBe(true);
    expect(gate.notes.some((note) => note.startsWith('HelmRelease/x/loose cannot be gated'))).toBe(true);
  });

  it('runs one Sluice container on every image of the repository, judged as in CI', () => {
    // Every image is judged, also those of objects that cannot wait for the gate: the verdict is CI's.
    expect(gate.images).toEqual([
      'docker.io/library/busybox:1.36',
      'docker.io/library/redis:7.2',
      'ghcr.io/fluxcd/source-controller:v1.9.0',
      'ghcr.io/stefanprodan/podinfo:6.9.0',
    ]);
    const scan = container(gate);
    expect(scanJob(gate).spec.template.spec.initContainers).toBeUndefined();
    expect(scan.image).toBe(DEFAULT_SLUICE_IMAGE);
    expect(scan.command).toBeUndefined();
    expect(scan.args).toEqual([
      'scan',
      '--images-from',
      '/etc/sluice/images.json',
      '--config',
      '/etc/sluice/policy.json',
      '--format',
      'json',
      '--concurrency',
      '4',
      '--termination-log',
      '/dev/termination-log',
      '--cache-dir',
      '/var/cache/sluice/trivy',
      '--no-cache',
    ]);
    expect(scan.terminationMessagePath).toBe('/dev/termination-log');
    expect(scan.terminationMessagePolicy).toBe('FallbackToLogsOnError');
    const { images, policy, name } = inputs(gate);
    expect(images.images.map((image) => image.ref)).toEqual(gate.images);
    expect(policy).toEqual(POLICY);
    expect(name).toMatch(/^sluice-gate-inputs-[0-9a-f]{10}$/);
    expect(scanJob(gate).spec.template.spec.volumes).toContainEqual({ name: 'inputs', configMap: { name } });
  });

  it('writes the repository as it will be once the gate is wired in', () => {
    const { images } = inputs(gate);
    const byId = new Map(images.workloads.map((workload) => [workload.id, workload]));
    // The gate itself, without the scanner image its Job runs.
    expect(byId.get(KS('sluice-gate'))).toEqual({
      id: KS('sluice-gate'),
      kind: 'Kustomization',
      namespace: 'flux-system',
      name: 'sluice-gate',
      parent: KS('flux-system'),
      file: 'sluice-gate.yaml',
      line: 1,
      dependsOn: [],
      suspended: false,
      method: 'rendered',
      source: 'GitRepository/flux-system/flux-system',
      path: 'sluice-gate',
      images: [],
    });
    expect(byId.get(KS('apps'))?.dependsOn).toEqual([
      { name: 'infra' },
      { name: 'sluice-gate', namespace: 'flux-system' },
    ]);
    expect(byId.get(KS('infra'))?.dependsOn).toEqual([{ name: 'sluice-gate', namespace: 'flux-system' }]);
    expect(byId.get(KS('flux-system'))?.dependsOn).toEqual([]);
    // Generating again from the wired repository gives the same files.
    const wired = generateGate({
      workloads: [
        ...workloads.map((workload) =>
          gate.gated.includes(workload.id)
            ? {
                ...workload,
                dependsOn: [...workload.dependsOn, { name: 'sluice-gate', namespace: 'flux-system' }],
              }
            : workload,
        ),
        {
          ...k('sluice-gate', {
            parent: KS('flux-system'),
            file: 'sluice-gate.yaml',
            images: [DEFAULT_SLUICE_IMAGE],
          }),
          source: 'GitRepository/flux-system/flux-system',
          path: 'sluice-gate',
        },
      ],
      policy: POLICY,
    });
    expect(wired.files).toEqual(gate.files);
  });

  it('sets every field that makes the gate block, with a time budget sized to the images', () => {
    expect(gate.kustomization?.spec).toEqual({
      interval: '10m',
      retryInterval: '1m',
      // 120 s start-up + 300 s DB + ceil(4 / 4) × 60 s = 480 s, + 60 s margin: 9 minutes.
      timeout: '9m',
      path: './sluice-gate',
      prune: true,
      wait: true,
      force: true,
      sourceRef: { kind: 'GitRepository', name: 'flux-system' },
    });
    const job = scanJob(gate);
    expect(job.spec.activeDeadlineSeconds).toBe(480);
    expect(gate.budget).toMatchObject({ rounds: 1, neededSeconds: 480, timeoutSeconds: 540 });
    expect(job.metadata.annotations['sluice.dev/time-budget']).toBe(gate.budget?.explanation);
    expect(job.spec.backoffLimit).toBe(0);
    expect(job.spec.ttlSecondsAfterFinished).toBeUndefined();
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    expect(job.spec.template.spec.automountServiceAccountToken).toBe(false);
    expect(job.spec.template.spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container(gate).securityContext).toEqual({
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(job.metadata.name).toMatch(/^sluice-gate-[0-9a-f]{10}$/);
    expect(job.metadata.annotations['kustomize.toolkit.fluxcd.io/force']).toBe('enabled');
  });

  it('sizes requests, limits and time for the concurrency', () => {
    const wide = generateGate({ workloads, policy: POLICY, concurrency: 2, perImageSeconds: 90 });
    expect(container(wide).args).toContain('2');
    expect(container(wide).resources).toEqual({
      requests: { cpu: '500m', memory: '768Mi' },
      limits: { memory: '2048Mi' },
    });
    expect(container(gate).resources.requests).toEqual({ cpu: '900m', memory: '1280Mi' });
    // 120 + 300 + ceil(4 / 2) × 90 = 600 s; + 60 s margin = 11 minutes.
    expect(scanJob(wide).spec.activeDeadlineSeconds).toBe(600);
    expect(wide.kustomization?.['spec']).toMatchObject({ timeout: '11m' });
  });

  it('refuses a gate that cannot fit, with the numbers', () => {
    expect(() => generateGate({ workloads, timeout: '5m' })).toThrow(
      /timeout 5m cannot fit its scans: 120s start-up \+ 300s DB download \+ 1 rounds \(4 images, 4 at once\) × 60s per image = 480s/,
    );
    expect(() =>
      generateGate({ workloads, perImageSeconds: 900, concurrency: 1, maxTimeout: '30m' }),
    ).toThrow(/cannot fit in 30m: .* = 4020s, .* a 1h8m timeout/);
    // A chosen timeout that fits gives the Job all of it but the margin.
    const roomy = generateGate({ workloads, timeout: '20m' });
    expect(scanJob(roomy).spec.activeDeadlineSeconds).toBe(1140);
  });

  it('names the ConfigMap after its files and the Job after its spec, so a change is scanned by a new Job', () => {
    const same = generateGate({ workloads, policy: POLICY });
    expect(scanJob(same).metadata.name).toBe(scanJob(gate).metadata.name);
    expect(inputs(same).name).toBe(inputs(gate).name);
    const moved = workloads.map((workload) =>
      workload.name === 'infra'
        ? { ...workload, images: [{ ref: 'docker.io/library/redis:7.4', locations: [] }] }
        : workload,
    );
    const others = [
      generateGate({ workloads: moved, policy: POLICY }),
      generateGate({ workloads, policy: { ...POLICY, severity: 'CRITICAL' } }),
    ];
    for (const other of others) {
      expect(inputs(other).name).not.toBe(inputs(gate).name);
      expect(scanJob(other).metadata.name).not.toBe(scanJob(gate).metadata.name);
    }
    const rescans = [
      generateGate({ workloads, policy: POLICY, revision: 'main@sha1:abc' }),
      generateGate({ workloads, policy: POLICY, sluiceImage: 'ghcr.io/sluice-dev/sluice:0.2.0' }),
    ];
    for (const other of rescans) {
      expect(inputs(other).name).toBe(inputs(gate).name);
      expect(scanJob(other).metadata.name).not.toBe(scanJob(gate).metadata.name);
    }
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

  it('hands the whole policy to the scan: overrides by object, ignores with their sources', () => {
    const policy = {
      severity: 'CRITICAL' as const,
      ignores: [
        { id: 'CVE-1', expires: '2026-12-31', reason: 'no fix', source: { file: '.trivyignore', line: 3 } },
        { id: 'CVE-4', packages: ['openssl'] },
      ],
      overrides: [{ objects: [KS('infra')], severity: ['CRITICAL', 'HIGH'] as ('CRITICAL' | 'HIGH')[] }],
    };
    const withPolicy = generateGate({ workloads, policy });
    expect(inputs(withPolicy).policy).toEqual({
      ...policy,
      ignores: [policy.ignores[0], { ...policy.ignores[1], source: { file: 'policy.json' } }],
    });
    expect(withPolicy.notes.some((note) => note.includes('do not apply in the cluster'))).toBe(false);
  });

  it('scans through a Trivy server with its token from a Secret, or with DB mirrors', () => {
    const server = generateGate({
      workloads,
      server: 'http://trivy.trivy-system:4954',
      serverTokenSecret: { name: 'trivy-token' },
      javaDbRepository: ['mirror.example/trivy-java-db:1'],
    });
    for (const object of server.objects) expect(validateManifest(object)).toEqual([]);
    const scan = container(server);
    expect(scan.args.join(' ')).toContain('--server http://trivy.trivy-system:4954');
    expect(scan.args.join(' ')).toContain('--java-db-repository mirror.example/trivy-java-db:1');
    expect(scan.env).toContainEqual({
      name: 'TRIVY_TOKEN',
      valueFrom: { secretKeyRef: { name: 'trivy-token', key: 'token' } },
    });
    // No DB download with a server: 120 + 0 + 60 = 180 s.
    expect(scanJob(server).spec.activeDeadlineSeconds).toBe(180);
    const mirrored = generateGate({ workloads, dbRepository: ['mirror.example/trivy-db:2'] });
    expect(container(mirrored).args.join(' ')).toContain('--db-repository mirror.example/trivy-db:2');
    expect(() =>
      generateGate({ workloads, server: 'http://trivy:4954', dbRepository: ['mirror.example/trivy-db:2'] }),
    ).toThrow(/downloads its own DB/);
    expect(() => generateGate({ workloads, serverTokenSecret: { name: 'x' } })).toThrow(/needs a server/);
  });

  it('keeps results between runs in Redis (URL in clear or from a Secret) or in a volume', () => {
    const redis = generateGate({ workloads, cache: { type: 'redis', url: 'redis://redis.sluice:6379/0' } });
    expect(container(redis).env).toContainEqual({
      name: 'SLUICE_CACHE',
      value: 'redis://redis.sluice:6379/0',
    });
    expect(container(redis).args).not.toContain('--no-cache');
    expect(() =>
      generateGate({ workloads, cache: { type: 'redis', url: 'redis://:s3cret@redis.sluice:6379/0' } }),
    ).toThrow(/in clear/);
    const secret = generateGate({ workloads, cache: { type: 'redis', secret: { name: 'sluice-redis' } } });
    expect(container(secret).env).toContainEqual({
      name: 'SLUICE_CACHE',
      valueFrom: { secretKeyRef: { name: 'sluice-redis', key: 'url' } },
    });
    expect(JSON.stringify(secret.objects)).not.toContain('redis://');

    const volume = generateGate({
      workloads,
      cache: { type: 'volume', size: '10Gi', storageClassName: 'fast' },
    });
    expect(volume.resources.map((resource) => resource.kind)).toEqual([
      'ConfigMap',
      'PersistentVolumeClaim',
      'Job',
    ]);
    for (const object of volume.objects) expect(validateManifest(object)).toEqual([]);
    expect(volume.resources[1]).toMatchObject({
      metadata: { name: 'sluice-gate-cache' },
      spec: {
        accessModes: ['ReadWriteOnce'],
        storageClassName: 'fast',
        resources: { requests: { storage: '10Gi' } },
      },
    });
    expect(container(volume).args.slice(-2)).toEqual(['--cache', '/var/cache/sluice/results']);
    expect(scanJob(volume).spec.template.spec.volumes).toContainEqual({
      name: 'cache',
      persistentVolumeClaim: { claimName: 'sluice-gate-cache' },
    });
    const existing = generateGate({ workloads, cache: { type: 'volume', claimName: 'scans' } });
    expect(existing.resources.map((resource) => resource.kind)).toEqual(['ConfigMap', 'Job']);
    expect(JSON.stringify(scanJob(existing))).toContain('"claimName":"scans"');
  });

  it('compresses an images file too large for a ConfigMap as text, and refuses one too large even so', () => {
    const fleet = [
      k('flux-system'),
      ...Array.from({ length: 2500 }, (_, index) =>
        k(`team-${index}`, {
          parent: KS('flux-system'),
          file: `clusters/fleet/apps/team-${index}/kustomization-with-a-long-name.yaml`,
          images: [`registry.example.com/platform/team-${index}/service:1.${index}.0`],
        }),
      ),
    ];
    const options = { workloads: fleet, concurrency: 64, perImageSeconds: 1, maxTimeout: '3h' };
    const large = generateGate(options);
    for (const object of large.objects) expect(validateManifest(object)).toEqual([]);
    const configMap = large.resources[0] as unknown as {
      data: Record<string, string>;
      binaryData: Record<string, string>;
    };
    expect(Object.keys(configMap.data)).toEqual(['policy.json']);
    const text = gunzipSync(Buffer.from(configMap.binaryData['images.json.gz']!, 'base64')).toString('utf8');
    expect(text.length).toBeGreaterThan(1024 * 1024);
    expect(parseImagesFile(text, 'images.json').images).toHaveLength(2500);
    expect(container(large).args.slice(1, 3)).toEqual(['--images-from', '/etc/sluice/images.json.gz']);
    // The same bytes every time.
    expect(generateGate(options).files).toEqual(large.files);
    const huge = Array.from({ length: 40000 }, (_, index) =>
      k(`t-${index}`, {
        parent: KS('flux-system'),
        images: [`r.example/${index.toString(36)}-${(index * 7919).toString(36)}:1`],
      }),
    );
    expect(() =>
      generateGate({ ...options, workloads: [k('flux-system'), ...huge], maxTimeout: '24h' }),
    ).toThrow(/compressed, more than the 1048576 bytes a ConfigMap holds/);
  });

  it('mounts registry credentials as the Docker config when asked, never as arguments', () => {
    const withSecret = generateGate({
      workloads,
      registrySecret: 'regcred',
      serviceAccountName: 'scanner',
    });
    for (const object of withSecret.objects) expect(validateManifest(object)).toEqual([]);
    const text = JSON.stringify(scanJob(withSecret));
    expect(text).toContain('"secretName":"regcred"');
    expect(container(withSecret).env).toContainEqual({
      name: 'DOCKER_CONFIG',
      value: '/var/run/sluice/docker',
    });
    expect(container(withSecret).args.join(' ')).not.toContain('regcred');
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
    const chosen = generateGate({ workloads: withSources });
    expect(chosen.kustomization?.['spec']).toMatchObject({
      sourceRef: { kind: 'GitRepository', name: 'flux-system' },
    });
    expect(chosen.notes).toContain(
      `The gate reads GitRepository/flux-system/flux-system; ${KS('c')} reads another source, so Flux does not check that the gate applied the same revision before it applies.`,
    );
    const oci = generateGate({ workloads: withSources, objects: [KS('c')] });
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
    expect(() => generateGate({ workloads, timeout: 'soon' })).toThrow(/not a duration/);
    expect(() => generateGate({ workloads, backoffLimit: 6 })).toThrow(/backoffLimit/);
    expect(() => generateGate({ workloads, name: 'Bad_Name' })).toThrow(/DNS label/);
    expect(() => generateGate({ workloads, path: '../outside' })).toThrow(/inside the source/);
    expect(() => generateGate({ workloads, sluiceImage: 'ghcr.io/sluice-dev/sluice:latest' })).toThrow(
      /pinned/,
    );
    expect(() => generateGate({ workloads, sluiceImage: 'ghcr.io/sluice-dev/sluice' })).toThrow(/pinned/);
    expect(() => generateGate({ workloads, concurrency: 0 })).toThrow(/concurrency/);
    expect(() => generateGate({ workloads, cache: { type: 'volume', size: 'lots' } })).toThrow(/quantity/);
    expect(DEFAULT_SLUICE_IMAGE).toMatch(/^ghcr\.io\/sluice-dev\/sluice:\d+\.\d+\.\d+/);
  });
});

describe('generateGates', () => {
  const inCluster = (cluster: string) =>
    workloads.map((workload) => {
      const qualify = (id: string): string => `${cluster}:${id}`;
      return {
        ...workload,
        id: qualify(workload.id),
        cluster,
        ...(workload.parent === undefined ? {} : { parent: qualify(workload.parent) }),
      };
    });
  const both = [...inCluster('clusters/prod'), ...inCluster('clusters/staging')];

  it('makes one gate per cluster, each in its own folder, gating only its cluster', () => {
    const gates = generateGates({ workloads: both });
    expect(gates.map((gate) => [gate.cluster, gate.gated])).toEqual([
      [
        'clusters/prod',
        ['clusters/prod:Kustomization/flux-system/apps', 'clusters/prod:Kustomization/flux-system/infra'],
      ],
      [
        'clusters/staging',
        [
          'clusters/staging:Kustomization/flux-system/apps',
          'clusters/staging:Kustomization/flux-system/infra',
        ],
      ],
    ]);
    expect(gates.map((gate) => gate.files.map((file) => file.path))).toEqual([
      ['sluice-gate/prod/kustomization.yaml', 'sluice-gate/prod/scan-job.yaml', 'sluice-gate.yaml'],
      ['sluice-gate/staging/kustomization.yaml', 'sluice-gate/staging/scan-job.yaml', 'sluice-gate.yaml'],
    ]);
    expect(gates[0]?.kustomization?.spec).toMatchObject({ path: './sluice-gate/prod' });
  });

  it('refuses one gate for several clusters', () => {
    expect(() => generateGate({ workloads: both })).toThrow(
      'The repository has 2 clusters (clusters/prod, clusters/staging) and a gate runs in one',
    );
    expect(generateGates({ workloads: both, cluster: 'clusters/staging' })).toHaveLength(1);
  });
});
