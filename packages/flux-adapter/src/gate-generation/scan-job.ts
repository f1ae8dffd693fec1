import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { SluiceError } from '@sluice/core';
import type { GateInputs } from './gate-inputs.js';
import type { KubernetesManifest } from './types.js';

/** Where the ConfigMap's files are mounted in the scan container. */
export const INPUTS_DIR = '/etc/sluice';
/** Where the caches live in the scan container (an emptyDir, or the cache volume). */
export const CACHE_DIR = '/var/cache/sluice';
/** The file Kubernetes reads the container's termination message from. */
export const TERMINATION_LOG = '/dev/termination-log';
/** The most data a ConfigMap may hold (Kubernetes refuses more). */
export const MAX_CONFIGMAP_BYTES = 1024 * 1024;
/** Error code of a gate whose images file does not fit in a ConfigMap. */
export const GATE_INPUTS_TOO_LARGE = 'SLUICE_GATE_INPUTS_TOO_LARGE';

const DOCKER_DIR = '/var/run/sluice/docker';
const RUN_AS = 65532;

/** A key of a Kubernetes Secret. */
export interface SecretKey {
  readonly name: string;
  readonly key: string;
}

/** Where the in-cluster scan keeps its results between runs. */
export type ScanJobCache =
  | { readonly type: 'none' }
  | { readonly type: 'redis'; readonly url?: string; readonly secret?: SecretKey }
  | {
      readonly type: 'volume';
      readonly claimName: string;
      /** Set when Sluice generates the claim. */
      readonly claim?: { readonly size: string; readonly storageClassName?: string };
    };

/** What {@link buildScanJob} needs. */
export interface ScanJobSpec {
  readonly gateName: string;
  readonly namespace: string;
  /** The Sluice image (sluice, trivy), pinned. */
  readonly sluiceImage: string;
  readonly inputs: GateInputs;
  /** Scans at once. */
  readonly concurrency: number;
  readonly activeDeadlineSeconds: number;
  readonly backoffLimit: number;
  /** The time budget's formula with its numbers, for the Job's annotation. */
  readonly budget: string;
  readonly revision?: string;
  readonly registrySecret?: string;
  readonly serviceAccountName?: string;
  /** A Trivy server (client mode): no DB is downloaded in the Pod. */
  readonly server?: { readonly url: string; readonly tokenSecret?: SecretKey };
  readonly dbRepository: readonly string[];
  readonly javaDbRepository: readonly string[];
  readonly cache: ScanJobCache;
}

/** The gate's resources: the ConfigMap of inputs, the cache claim (when generated), and the Job. */
export interface ScanJobResources {
  readonly resources: KubernetesManifest[];
  readonly job: KubernetesManifest;
  readonly jobName: string;
  readonly configMapName: string;
}

/**
 * Builds the scan Job and what it reads. The Pod runs one container of the Sluice image, never a
 * shell: `sluice scan --images-from /etc/sluice/images.json --config /etc/sluice/policy.json`,
 * which scans the images in a pool (`--concurrency`), downloads the vulnerability DB once (or
 * asks a Trivy server), judges with the same code and policy as CI, prints the JSON report to
 * the log, writes the verdict line to the termination message, and exits 1 when something is
 * blocked (3 when the scanner could not run). Both files are in a ConfigMap named after their
 * hash (the images file gzip-compressed when it would not fit as text), so a change of images or policy makes a new ConfigMap, and so a new Job; the Job is named
 * after a hash of its whole spec.
 *
 * @throws {SluiceError} `SLUICE_GATE_INPUTS_TOO_LARGE` when the files exceed a ConfigMap's 1 MiB.
 */
export function buildScanJob(spec: ScanJobSpec): ScanJobResources {
  const labels = {
    'app.kubernetes.io/name': 'sluice-gate',
    'app.kubernetes.io/managed-by': 'sluice',
    'sluice.dev/gate': spec.gateName,
  };
  const files = encodeInputs(spec.inputs);
  const configMapName = `${spec.gateName}-inputs-${spec.inputs.hash.slice(0, 10)}`;
  const configMap: KubernetesManifest = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: configMapName,
      namespace: spec.namespace,
      labels,
      // The images file holds image texts as written, `${VAR}` included: never substitute them.
      annotations: { 'kustomize.toolkit.fluxcd.io/substitute': 'disabled' },
    },
    immutable: true,
    data: files.data,
    ...(files.binaryData ? { binaryData: files.binaryData } : {}),
  };

  const { cache } = spec;
  const args = [
    'scan',
    '--images-from',
    `${INPUTS_DIR}/${files.imagesName}`,
    '--config',
    `${INPUTS_DIR}/policy.json`,
    '--format',
    'json',
    '--concurrency',
    String(spec.concurrency),
    '--termination-log',
    TERMINATION_LOG,
    '--cache-dir',
    `${CACHE_DIR}/trivy`,
    ...(spec.server
      ? ['--server', spec.server.url]
      : spec.dbRepository.flatMap((repository) => ['--db-repository', repository])),
    ...spec.javaDbRepository.flatMap((repository) => ['--java-db-repository', repository]),
    ...(cache.type === 'none'
      ? ['--no-cache']
      : cache.type === 'volume'
        ? ['--cache', `${CACHE_DIR}/results`]
        : []),
  ];
  const env = [
    { name: 'HOME', value: '/tmp' },
    { name: 'TMPDIR', value: '/tmp' },
    ...(spec.registrySecret ? [{ name: 'DOCKER_CONFIG', value: DOCKER_DIR }] : []),
    ...(spec.server?.tokenSecret ? [secretEnv('TRIVY_TOKEN', spec.server.tokenSecret)] : []),
    ...(cache.type === 'redis'
      ? [
          cache.secret
            ? secretEnv('SLUICE_CACHE', cache.secret)
            : { name: 'SLUICE_CACHE', value: cache.url ?? '' },
        ]
      : []),
  ];
  const container = {
    name: 'scan',
    image: spec.sluiceImage,
    imagePullPolicy: 'IfNotPresent',
    args,
    env,
    resources: sizeResources(spec.concurrency),
    securityContext: {
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    },
    terminationMessagePath: TERMINATION_LOG,
    terminationMessagePolicy: 'FallbackToLogsOnError',
    volumeMounts: [
      { name: 'inputs', mountPath: INPUTS_DIR, readOnly: true },
      { name: 'cache', mountPath: CACHE_DIR },
      { name: 'tmp', mountPath: '/tmp' },
      ...(spec.registrySecret ? [{ name: 'docker-config', mountPath: DOCKER_DIR, readOnly: true }] : []),
    ],
  };
  const podSpec = {
    restartPolicy: 'Never',
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    ...(spec.serviceAccountName ? { serviceAccountName: spec.serviceAccountName } : {}),
    securityContext: {
      runAsNonRoot: true,
      runAsUser: RUN_AS,
      runAsGroup: RUN_AS,
      fsGroup: RUN_AS,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    containers: [container],
    volumes: [
      { name: 'inputs', configMap: { name: configMapName } },
      cache.type === 'volume'
        ? { name: 'cache', persistentVolumeClaim: { claimName: cache.claimName } }
        : { name: 'cache', emptyDir: {} },
      { name: 'tmp', emptyDir: {} },
      ...(spec.registrySecret
        ? [
            {
              name: 'docker-config',
              secret: {
                secretName: spec.registrySecret,
                items: [{ key: '.dockerconfigjson', path: 'config.json' }],
              },
            },
          ]
        : []),
    ],
  };
  const jobSpec = {
    backoffLimit: spec.backoffLimit,
    activeDeadlineSeconds: spec.activeDeadlineSeconds,
    template: { metadata: { labels }, spec: podSpec },
  };
  const hash = createHash('sha256')
    .update(JSON.stringify({ jobSpec, revision: spec.revision ?? null }))
    .digest('hex');
  const jobName = `${spec.gateName}-${hash.slice(0, 10)}`;
  const job: KubernetesManifest = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobName,
      namespace: spec.namespace,
      labels,
      annotations: {
        'kustomize.toolkit.fluxcd.io/force': 'enabled',
        'kustomize.toolkit.fluxcd.io/substitute': 'disabled',
        'sluice.dev/hash': hash,
        'sluice.dev/images': String(spec.inputs.images.length),
        'sluice.dev/time-budget': spec.budget,
        ...(spec.revision === undefined ? {} : { 'sluice.dev/revision': spec.revision }),
      },
    },
    spec: jobSpec,
  };
  const claim =
    cache.type === 'volume' && cache.claim
      ? [
          {
            apiVersion: 'v1',
            kind: 'PersistentVolumeClaim',
            metadata: { name: cache.claimName, namespace: spec.namespace, labels },
            spec: {
              accessModes: ['ReadWriteOnce'],
              ...(cache.claim.storageClassName ? { storageClassName: cache.claim.storageClassName } : {}),
              resources: { requests: { storage: cache.claim.size } },
            },
          } satisfies KubernetesManifest,
        ]
      : [];
  return { resources: [configMap, ...claim, job], job, jobName, configMapName };
}

/**
 * The ConfigMap's files: `images.json` as readable text when it fits, else gzip-compressed as
 * `images.json.gz` in `binaryData` (JSON compresses about tenfold; `sluice scan --images-from`
 * reads both). The compressed bytes do not depend on the machine (gzip's OS byte is fixed).
 *
 * @throws {SluiceError} `SLUICE_GATE_INPUTS_TOO_LARGE` when even the compressed file does not fit.
 */
function encodeInputs(inputs: GateInputs): {
  data: Record<string, string>;
  binaryData?: Record<string, string>;
  imagesName: string;
} {
  const policySize = Buffer.byteLength(inputs.policyJson);
  const plainSize = Buffer.byteLength(inputs.imagesJson) + policySize;
  if (plainSize <= MAX_CONFIGMAP_BYTES) {
    return {
      data: { 'images.json': inputs.imagesJson, 'policy.json': inputs.policyJson },
      imagesName: 'images.json',
    };
  }
  const compressed = gzipSync(inputs.imagesJson, { level: 9 });
  compressed[9] = 0xff; // OS "unknown": the same bytes on every platform.
  const encoded = compressed.toString('base64');
  if (encoded.length + policySize > MAX_CONFIGMAP_BYTES) {
    throw new SluiceError(
      GATE_INPUTS_TOO_LARGE,
      `The gate's images file takes ${plainSize} bytes (${inputs.images.length} images), ${encoded.length} compressed, more than the ${MAX_CONFIGMAP_BYTES} bytes a ConfigMap holds: generate one gate per cluster.`,
    );
  }
  return {
    data: { 'policy.json': inputs.policyJson },
    binaryData: { 'images.json.gz': encoded },
    imagesName: 'images.json.gz',
  };
}

/**
 * Requests and limits for `concurrency` scans at once: each Trivy process decompresses image
 * layers (CPU) and holds a package index (memory, 200 to 700 MiB for large images).
 */
export function sizeResources(concurrency: number): {
  requests: { cpu: string; memory: string };
  limits: { memory: string };
} {
  return {
    requests: { cpu: `${100 + 200 * concurrency}m`, memory: `${256 + 256 * concurrency}Mi` },
    limits: { memory: `${512 + 768 * concurrency}Mi` },
  };
}

function secretEnv(name: string, secret: SecretKey) {
  return { name, valueFrom: { secretKeyRef: { name: secret.name, key: secret.key } } };
}
