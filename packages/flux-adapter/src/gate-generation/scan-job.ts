import type { IgnoreRule, Severity } from '@sluice/core';
import yaml from 'js-yaml';
import type { KubernetesManifest } from './types.js';

/** Where the Trivy cache (vulnerability DB) lives inside the scan Pod. */
export const CACHE_DIR = '/var/cache/trivy';
const IGNORE_DIR = '/etc/sluice/ignores';
const DOCKER_DIR = '/etc/sluice/docker';
const RUN_AS = 65532;

/** One image the Job scans, with the settings that apply to it. */
export interface ScanTarget {
  readonly ref: string;
  readonly severities: readonly Severity[];
  readonly ignoreUnfixed: boolean;
  /** Ignore rules to hand to Trivy (already reduced to what Trivy can express). */
  readonly ignores: readonly IgnoreRule[];
}

/** What {@link buildScanJob} needs. */
export interface ScanJobSpec {
  readonly jobName: string;
  readonly gateName: string;
  readonly namespace: string;
  readonly trivyImage: string;
  readonly targets: readonly ScanTarget[];
  readonly activeDeadlineSeconds: number;
  readonly backoffLimit: number;
  readonly hash: string;
  readonly revision?: string;
  readonly registrySecret?: string;
  readonly serviceAccountName?: string;
}

/**
 * Builds the scan Job (and the ConfigMap of ignore files, when there are ignores). The Pod runs
 * Trivy only, never a shell: an init container downloads the vulnerability DB once, then one
 * init container per image scans it from that cache (`--skip-db-update`; init containers run
 * one after the other, so the cache lock is never contended) and exits 1 on a finding; the
 * last container prints Trivy's version and DB info. The first failing init container fails the
 * Pod (`restartPolicy: Never`), and so the Job.
 */
export function buildScanJob(spec: ScanJobSpec): KubernetesManifest[] {
  const labels = {
    'app.kubernetes.io/name': 'sluice-gate',
    'app.kubernetes.io/managed-by': 'sluice',
    'sluice.dev/gate': spec.gateName,
  };
  const configMapName = `${spec.jobName}-ignores`;
  const ignoreFiles = new Map<number, string>();
  spec.targets.forEach((target, index) => {
    if (target.ignores.length > 0) ignoreFiles.set(index, trivyIgnoreYaml(target.ignores));
  });

  const mounts = [
    { name: 'cache', mountPath: CACHE_DIR },
    { name: 'tmp', mountPath: '/tmp' },
    ...(ignoreFiles.size > 0 ? [{ name: 'ignores', mountPath: IGNORE_DIR, readOnly: true }] : []),
    ...(spec.registrySecret ? [{ name: 'docker-config', mountPath: DOCKER_DIR, readOnly: true }] : []),
  ];
  const container = (name: string, args: string[]) => ({
    name,
    image: spec.trivyImage,
    imagePullPolicy: 'IfNotPresent',
    args,
    env: [
      { name: 'HOME', value: '/tmp' },
      ...(spec.registrySecret ? [{ name: 'DOCKER_CONFIG', value: DOCKER_DIR }] : []),
    ],
    resources: { requests: { cpu: '100m', memory: '512Mi' }, limits: { memory: '2Gi' } },
    securityContext: {
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    },
    volumeMounts: mounts,
  });

  const scans = spec.targets.map((target, index) =>
    container(scanContainerName(index), [
      'image',
      '--skip-db-update',
      '--cache-dir',
      CACHE_DIR,
      '--no-progress',
      '--scanners',
      'vuln',
      '--exit-code',
      '1',
      '--severity',
      target.severities.join(','),
      ...(target.ignoreUnfixed ? ['--ignore-unfixed'] : []),
      ...(ignoreFiles.has(index) ? ['--ignorefile', `${IGNORE_DIR}/${scanContainerName(index)}.yaml`] : []),
      target.ref,
    ]),
  );

  const job: KubernetesManifest = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: spec.jobName,
      namespace: spec.namespace,
      labels,
      annotations: {
        'kustomize.toolkit.fluxcd.io/force': 'enabled',
        'kustomize.toolkit.fluxcd.io/substitute': 'disabled',
        'sluice.dev/hash': spec.hash,
        'sluice.dev/images': spec.targets.map((target) => target.ref).join('\n'),
        ...(spec.revision === undefined ? {} : { 'sluice.dev/revision': spec.revision }),
      },
    },
    spec: {
      backoffLimit: spec.backoffLimit,
      activeDeadlineSeconds: spec.activeDeadlineSeconds,
      template: {
        metadata: { labels },
        spec: {
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
          initContainers: [
            container('download-db', [
              'image',
              '--download-db-only',
              '--cache-dir',
              CACHE_DIR,
              '--no-progress',
            ]),
            ...scans,
          ],
          containers: [container('done', ['version', '--cache-dir', CACHE_DIR])],
          volumes: [
            { name: 'cache', emptyDir: {} },
            { name: 'tmp', emptyDir: {} },
            ...(ignoreFiles.size > 0 ? [{ name: 'ignores', configMap: { name: configMapName } }] : []),
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
        },
      },
    },
  };
  if (ignoreFiles.size === 0) return [job];
  const configMap: KubernetesManifest = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: configMapName, namespace: spec.namespace, labels },
    data: Object.fromEntries(
      [...ignoreFiles].map(([index, content]) => [`${scanContainerName(index)}.yaml`, content]),
    ),
  };
  return [configMap, job];
}

/** The name of the init container that scans the image at `index` (0-based). */
export function scanContainerName(index: number): string {
  return `scan-${String(index + 1).padStart(3, '0')}`;
}

/** Writes ignore rules in Trivy's `.trivyignore.yaml` format. */
export function trivyIgnoreYaml(rules: readonly IgnoreRule[]): string {
  const vulnerabilities = rules.map((rule) => ({
    ...(rule.id === undefined ? {} : { id: rule.id }),
    ...(rule.paths && rule.paths.length > 0 ? { paths: [...rule.paths] } : {}),
    ...(rule.purls && rule.purls.length > 0 ? { purls: [...rule.purls] } : {}),
    // A Date is written as an unquoted timestamp, which Trivy (Go yaml) reads as a time.
    ...(rule.expires === undefined ? {} : { expired_at: new Date(Date.parse(rule.expires)) }),
    ...(rule.reason === undefined ? {} : { statement: rule.reason }),
  }));
  return yaml.dump({ vulnerabilities }, { lineWidth: -1, noRefs: true, quotingType: '"' });
}
