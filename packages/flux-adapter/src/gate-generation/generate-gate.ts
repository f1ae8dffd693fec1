import { createHash } from 'node:crypto';
import type { IgnoreRule } from '@sluice/core';
import {
  SluiceError,
  compareStrings,
  isIgnoreExpired,
  matchGlob,
  matchImage,
  resolvePolicy,
} from '@sluice/core';
import yaml from 'js-yaml';
import { buildDependencyGraph } from '../graph/build-dependency-graph.js';
import type { FluxGraphNode } from '../graph/types.js';
import type { FluxWorkload } from '../model.js';
import { checkGate } from './check-gate.js';
import { parseFluxDuration } from './duration.js';
import type { ScanTarget } from './scan-job.js';
import { buildScanJob } from './scan-job.js';
import { serializeManifests } from './serialize.js';
import type { GatePatch, GeneratedGate, GenerateGateOptions, KubernetesManifest } from './types.js';

/** The Trivy image the gate runs by default, pinned by version. Pin a digest for stronger guarantees. */
export const DEFAULT_TRIVY_IMAGE = 'ghcr.io/aquasecurity/trivy:0.74.0';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Generates the Flux objects that enforce the gate inside the cluster: a gate Kustomization
 * (`wait: true`, `force: true`, `prune: true`, a `timeout`) whose path holds one `batch/v1`
 * Job running Trivy on exactly the images of the gated objects (`restartPolicy: Never`, a small
 * `backoffLimit`, an `activeDeadlineSeconds` shorter than the timeout, no
 * `ttlSecondsAfterFinished`, a hardened security context, no shell), named with a hash of the
 * images, policy and Trivy image so that every change is scanned by a new Job; and, for every
 * gated Kustomization, the `dependsOn` entry (as a full list and as a Flux patch for its parent)
 * that makes it wait for the gate.
 *
 * HelmReleases cannot depend on Kustomizations: a HelmRelease is gated through the Kustomization
 * whose build creates it (the notes say so). The Kustomization that creates the gate, and those
 * above it, cannot be gated (that would deadlock the first install); the notes name them too.
 * The output is checked with {@link checkGate} before it is returned.
 *
 * @throws {SluiceError} `SLUICE_INVALID_GATE_OPTIONS` for bad options (name, durations, image).
 * @example
 * ```ts
 * const { workloads } = await loadFluxRepository(root);
 * const gate = generateGate({ workloads, policy: { severity: 'HIGH', ignoreUnfixed: true } });
 * for (const file of gate.files) await writeFile(join(root, file.path), file.content);
 * gate.notes; // ['HelmRelease podinfo/podinfo is gated through its parent Kustomization/flux-system/apps …', …]
 * ```
 */
export function generateGate(options: GenerateGateOptions): GeneratedGate {
  const settings = resolveOptions(options);
  const inCluster = (workload: FluxWorkload): boolean =>
    options.cluster === undefined || workload.cluster === undefined || workload.cluster === options.cluster;
  const graph =
    options.graph ??
    buildDependencyGraph(
      options.workloads,
      options.cluster === undefined ? {} : { cluster: options.cluster },
    );
  const nodes = new Map(graph.nodes.map((node) => [node.id, node]));
  const workloads = new Map<string, FluxWorkload>();
  for (const workload of options.workloads) {
    if (inCluster(workload) && !workloads.has(workload.id)) workloads.set(workload.id, workload);
  }
  const notes: string[] = [];
  const clusters = [...new Set(options.workloads.flatMap((workload) => workload.cluster ?? []))].sort(
    compareStrings,
  );
  if (options.cluster === undefined && clusters.length > 1) {
    notes.push(
      `The repository has ${clusters.length} clusters (${clusters.join(', ')}); this gate covers the images of all of them. Pass a cluster to generate one gate per cluster.`,
    );
  }

  const placement = options.placement ?? defaultPlacement(graph.nodes);
  const excluded = new Set<string>();
  for (let id = placement; id !== undefined && !excluded.has(id); id = nodes.get(id)?.parent)
    excluded.add(id);

  const wanted = (id: string): boolean =>
    options.objects === undefined || options.objects.some((pattern) => matchGlob(pattern, id));
  const gatedImages = new Map<string, Set<string>>();
  const addImages = (id: string, images: readonly string[]): void => {
    const set = gatedImages.get(id) ?? new Set<string>();
    for (const image of images) set.add(image);
    gatedImages.set(id, set);
  };
  for (const node of graph.nodes) {
    if (node.images.length === 0 || !wanted(node.id)) continue;
    if (node.kind === 'Kustomization') {
      if (excluded.has(node.id)) {
        notes.push(
          `${node.id} cannot be gated: its build creates the gate (directly or through its children), so waiting for the gate would deadlock the first install. Its images are not scanned by the gate.`,
        );
      } else addImages(node.id, node.images);
      continue;
    }
    const parent = node.parent === undefined ? undefined : nodes.get(node.parent);
    if (parent && parent.kind === 'Kustomization' && !excluded.has(parent.id)) {
      addImages(parent.id, node.images);
      notes.push(
        `${node.id} is gated through its parent ${parent.id}: a HelmRelease can only depend on HelmReleases, so the parent waits for the gate before it applies the HelmRelease.`,
      );
    } else {
      notes.push(
        parent
          ? `${node.id} cannot be gated: its parent ${parent.id} creates the gate. Move it under a Kustomization that can depend on the gate.`
          : `${node.id} cannot be gated: a HelmRelease can only depend on HelmReleases, and no Kustomization in the repository creates it.`,
      );
    }
  }

  const gated = [...gatedImages.keys()].sort(compareStrings);
  const images = [...new Set(gated.flatMap((id) => [...gatedImages.get(id)!]))].sort(compareStrings);
  if (images.length === 0) {
    notes.push('Nothing to gate: no gated object deploys an image that Sluice found.');
    return { resources: [], objects: [], patches: [], gated: [], images: [], notes, files: [] };
  }

  const skippedRules = new Set<IgnoreRule>();
  const targets: ScanTarget[] = images.map((ref) => {
    const effective = resolvePolicy(settings.policy, { image: ref });
    const ignores = effective.ignores.filter((rule) => {
      if (isIgnoreExpired(rule, settings.now)) return false;
      if (rule.images && rule.images.length > 0 && !rule.images.some((pattern) => matchImage(pattern, ref)))
        return false;
      if (rule.packages && rule.packages.length > 0) {
        skippedRules.add(rule);
        return false;
      }
      return true;
    });
    return { ref, severities: effective.severities, ignoreUnfixed: effective.ignoreUnfixed, ignores };
  });
  for (const rule of skippedRules) {
    notes.push(
      `The ignore for ${rule.id ?? 'a scope'} is limited to packages by name, which Trivy's ignore file cannot express; the in-cluster scan does not apply it (stricter than Sluice in CI).`,
    );
  }
  if ((settings.policy.overrides ?? []).some((override) => override.objects && override.objects.length > 0)) {
    notes.push(
      'Policy overrides by Flux object do not apply in the cluster: the Job judges each image by the base policy and image overrides.',
    );
  }

  const hash = createHash('sha256')
    .update(
      JSON.stringify({
        trivyImage: settings.trivyImage,
        targets,
        revision: options.revision ?? null,
        deadline: settings.activeDeadlineSeconds,
        backoffLimit: settings.backoffLimit,
      }),
    )
    .digest('hex');
  const jobName = `${settings.name}-${hash.slice(0, 10)}`;
  const resources = buildScanJob({
    jobName,
    gateName: settings.name,
    namespace: settings.namespace,
    trivyImage: settings.trivyImage,
    targets,
    activeDeadlineSeconds: settings.activeDeadlineSeconds,
    backoffLimit: settings.backoffLimit,
    hash,
    ...(options.revision === undefined ? {} : { revision: options.revision }),
    ...(options.registrySecret === undefined ? {} : { registrySecret: options.registrySecret }),
    ...(options.serviceAccountName === undefined ? {} : { serviceAccountName: options.serviceAccountName }),
  });
  const kustomization: KubernetesManifest = {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: {
      name: settings.name,
      namespace: settings.namespace,
      labels: { 'app.kubernetes.io/name': 'sluice-gate', 'app.kubernetes.io/managed-by': 'sluice' },
    },
    spec: {
      interval: settings.interval,
      retryInterval: '1m',
      timeout: settings.timeout,
      path: `./${settings.path}`,
      prune: true,
      wait: true,
      force: true,
      sourceRef: { ...settings.sourceRef },
    },
  };
  const job = resources.find((resource) => resource.kind === 'Job');
  const problems = checkGate(kustomization, job);
  if (problems.length > 0) {
    throw new SluiceError(
      'SLUICE_INVALID_GATE_OPTIONS',
      `The generated gate would not block: ${problems.join(' ')}`,
    );
  }

  const patches = gated.map((id) =>
    gatePatch(nodes.get(id)!, workloads.get(id), settings.name, settings.namespace, nodes),
  );
  const sourceRef = settings.sourceRef;
  notes.push(
    `Commit ${settings.path}/ at that path of the ${sourceRef.kind} ${sourceRef.namespace ?? settings.namespace}/${sourceRef.name} (the gate's spec.path), outside every other Kustomization's path so that only the gate applies the Job.`,
    `Put ${settings.kustomizationFile} where ${placement ?? 'your root Kustomization'} builds it (its spec.path, listed in its kustomization.yaml if it has one).`,
    `Keep the gate on the same source as the gated Kustomizations: Flux's dependsOn then also waits until the gate has applied the same source revision.`,
    `One gate for ${gated.length} Kustomization${gated.length === 1 ? '' : 's'}: a failing image holds back all of them until it is fixed or ignored.`,
    'HelmReleases already in the cluster can still change images without a Kustomization apply (floating chart versions, mutable tags): pin chart versions and image digests.',
  );
  for (const patch of patches) {
    notes.push(
      patch.parent
        ? `${patch.target}: add the gate to spec.dependsOn at ${patch.file}:${patch.line}, or add the patch to spec.patches of ${patch.parent}.`
        : `${patch.target}: add the gate to spec.dependsOn at ${patch.file}:${patch.line}.`,
    );
  }

  const files = [
    {
      path: `${settings.path}/kustomization.yaml`,
      content: serializeManifests([
        {
          apiVersion: 'kustomize.config.k8s.io/v1beta1',
          kind: 'Kustomization',
          resources: ['scan-job.yaml'],
        },
      ]),
    },
    { path: `${settings.path}/scan-job.yaml`, content: serializeManifests(resources) },
    { path: settings.kustomizationFile, content: serializeManifests([kustomization]) },
  ];
  return {
    kustomization,
    resources,
    objects: [kustomization, ...resources],
    patches,
    gated,
    images,
    notes,
    files,
  };
}

interface ResolvedGateOptions {
  readonly name: string;
  readonly namespace: string;
  readonly path: string;
  readonly trivyImage: string;
  readonly interval: string;
  readonly timeout: string;
  readonly activeDeadlineSeconds: number;
  readonly backoffLimit: number;
  readonly sourceRef: NonNullable<GenerateGateOptions['sourceRef']>;
  readonly kustomizationFile: string;
  readonly policy: NonNullable<GenerateGateOptions['policy']>;
  readonly now: Date;
}

function resolveOptions(options: GenerateGateOptions): ResolvedGateOptions {
  const invalid = (message: string): never => {
    throw new SluiceError('SLUICE_INVALID_GATE_OPTIONS', message);
  };
  const name = options.name ?? 'sluice-gate';
  if (!DNS_LABEL.test(name) || name.length > 40)
    invalid(`name "${name}" must be a DNS label of at most 40 characters.`);
  const namespace = options.namespace ?? 'flux-system';
  if (!DNS_LABEL.test(namespace) || namespace.length > 63)
    invalid(`namespace "${namespace}" is not a DNS label.`);
  const path = (options.path ?? 'sluice-gate').replace(/^\.\//, '').replace(/\/+$/, '');
  if (path === '' || path.startsWith('/') || path.split('/').includes('..')) {
    invalid(`path "${options.path}" must be a folder inside the source, such as sluice-gate.`);
  }
  const interval = options.interval ?? '10m';
  parseFluxDuration(interval, 'interval');
  const timeout = options.timeout ?? '15m';
  const timeoutSeconds = parseFluxDuration(timeout, 'timeout');
  const margin = options.deadlineMarginSeconds ?? 60;
  const activeDeadlineSeconds = Math.floor(timeoutSeconds - margin);
  if (!(margin > 0) || activeDeadlineSeconds < 60) {
    invalid(`timeout ${timeout} leaves less than a minute for the scans after a ${margin}s margin.`);
  }
  const backoffLimit = options.backoffLimit ?? 0;
  if (!Number.isInteger(backoffLimit) || backoffLimit < 0 || backoffLimit > 3)
    invalid('backoffLimit must be 0, 1, 2 or 3.');
  const trivyImage = options.trivyImage ?? DEFAULT_TRIVY_IMAGE;
  return {
    name,
    namespace,
    path,
    trivyImage,
    interval,
    timeout,
    activeDeadlineSeconds,
    backoffLimit,
    sourceRef: options.sourceRef ?? { kind: 'GitRepository', name: 'flux-system' },
    kustomizationFile: options.kustomizationFile ?? 'sluice-gate.yaml',
    policy: options.policy ?? {},
    now: options.now ?? new Date(),
  };
}

function defaultPlacement(nodes: readonly FluxGraphNode[]): string | undefined {
  const roots = nodes.filter((node) => node.kind === 'Kustomization' && node.parent === undefined);
  return (roots.find((node) => node.name === 'flux-system') ?? (roots.length === 1 ? roots[0] : undefined))
    ?.id;
}

function gatePatch(
  node: FluxGraphNode,
  workload: FluxWorkload | undefined,
  gateName: string,
  gateNamespace: string,
  nodes: ReadonlyMap<string, FluxGraphNode>,
): GatePatch {
  const existing = (workload?.dependsOn ?? []).map((entry) => ({
    name: entry.name,
    ...(entry.namespace ? { namespace: entry.namespace } : {}),
  }));
  const entry = { name: gateName, namespace: gateNamespace };
  const already = existing.some(
    (item) => item.name === gateName && (item.namespace ?? node.namespace) === gateNamespace,
  );
  const operations = already
    ? []
    : existing.length > 0
      ? [{ op: 'add', path: '/spec/dependsOn/-', value: entry }]
      : [{ op: 'add', path: '/spec/dependsOn', value: [entry] }];
  const parentNode = node.parent === undefined ? undefined : nodes.get(node.parent);
  const parentWorkloadSynthetic = parentNode?.synthetic === true;
  return {
    target: node.id,
    file: node.file,
    line: node.line,
    dependsOn: already ? existing : [...existing, entry],
    ...(parentNode && !parentWorkloadSynthetic ? { parent: parentNode.id } : {}),
    fluxPatch: {
      patch: yaml.dump(operations, { lineWidth: -1, noRefs: true }),
      target: { group: 'kustomize.toolkit.fluxcd.io', version: 'v1', kind: 'Kustomization', name: node.name },
    },
  };
}
