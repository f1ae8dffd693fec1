import { SluiceError, compareStrings, matchGlob } from '@sluice/core';
import { buildDependencyGraph } from '../graph/build-dependency-graph.js';
import type { FluxGraphNode } from '../graph/types.js';
import type { FluxWorkload } from '../model.js';
import { normalizeRelative } from '../source/repo-files.js';
import { checkGate } from './check-gate.js';
import { resolveGateOptions } from './gate-options.js';
import { gatePatch } from './gate-patch.js';
import { buildGateInputs } from './gate-inputs.js';
import { chooseGateSource } from './gate-source.js';
import { buildScanJob } from './scan-job.js';
import { computeGateBudget } from './time-budget.js';
import { serializeManifests } from './serialize.js';
import type { GeneratedGate, GenerateGateOptions, KubernetesManifest } from './types.js';

/**
 * Generates the Flux objects that enforce the gate inside the cluster: a gate Kustomization
 * (`wait: true`, `force: true`, `prune: true`, a `timeout` sized to the scans) whose path holds
 * a ConfigMap with the images file of the cluster and the policy (named after their hash), and
 * one `batch/v1` Job running one container of the Sluice image, `sluice scan --images-from …`,
 * which decides with the same code and policy as `sluice scan` in CI (`restartPolicy: Never`, a
 * small `backoffLimit`, an `activeDeadlineSeconds` from the time budget, no
 * `ttlSecondsAfterFinished`, a hardened security context, no shell), named with a hash of its
 * spec so that every change is scanned by a new Job; and, for every gated Kustomization, the
 * `dependsOn` entry (as a full list and as a Flux patch for its parent) that makes it wait.
 *
 * HelmReleases cannot depend on Kustomizations: a HelmRelease is gated through the Kustomization
 * whose build creates it (the notes say so). The Kustomization that creates the gate, and those
 * above it, cannot be gated (that would deadlock the first install); the notes name them too.
 * The output is checked with {@link checkGate} before it is returned.
 *
 * @throws {SluiceError} `SLUICE_INVALID_GATE_OPTIONS` for bad options (name, durations, image),
 * `SLUICE_GATE_BUDGET_EXCEEDED` when the scans cannot fit in the time Flux gives the gate,
 * `SLUICE_GATE_INPUTS_TOO_LARGE` when the images file does not fit in a ConfigMap,
 * `SLUICE_CLUSTER_REQUIRED` when the workloads belong to several clusters and `cluster` is not
 * given (a gate runs in one cluster: see {@link generateGates}).
 * @example
 * ```ts
 * const { workloads } = await loadFluxRepository(root);
 * const gate = generateGate({ workloads, policy: { severity: 'HIGH', ignoreUnfixed: true } });
 * for (const file of gate.files) await writeFile(join(root, file.path), file.content);
 * gate.notes; // ['HelmRelease podinfo/podinfo is gated through its parent Kustomization/flux-system/apps …', …]
 * ```
 */
export function generateGate(options: GenerateGateOptions): GeneratedGate {
  const settings = resolveGateOptions(options);
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
  const clusters = clustersOf(options.workloads);
  if (options.cluster === undefined && clusters.length > 1) {
    throw new SluiceError(
      'SLUICE_CLUSTER_REQUIRED',
      `The repository has ${clusters.length} clusters (${clusters.join(', ')}) and a gate runs in one: pass the cluster, or use generateGates for one gate per cluster.`,
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
  // Once committed, the gate is itself a Kustomization in the repository: it never gates itself.
  const isGate = (node: FluxGraphNode): boolean =>
    node.kind === 'Kustomization' && node.namespace === settings.namespace && node.name === settings.name;
  for (const node of graph.nodes) {
    if (node.images.length === 0 || !wanted(node.id) || isGate(node)) continue;
    if (node.kind === 'Kustomization') {
      if (excluded.has(node.id)) {
        notes.push(
          `${node.id} cannot be gated: its build creates the gate (directly or through its children), so waiting for the gate would deadlock the first install. Its images are still judged by the gate's scan, as in CI.`,
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
  if (gated.length === 0) {
    notes.push('Nothing to gate: no gated object deploys an image that Sluice found.');
    return {
      ...(options.cluster === undefined ? {} : { cluster: options.cluster }),
      resources: [],
      objects: [],
      patches: [],
      gated: [],
      images: [],
      notes,
      files: [],
    };
  }

  const chosenSource = options.sourceRef
    ? { sourceRef: options.sourceRef }
    : chooseGateSource(
        gated.flatMap((id) => workloads.get(id) ?? []),
        settings.namespace,
      );
  if (chosenSource.note) notes.push(chosenSource.note);
  const sourceRef = chosenSource.sourceRef;
  const kustomizationFile = options.kustomizationFile ?? defaultKustomizationFile(placement, workloads);

  // The gate lives in the cluster of the Kustomization that creates it.
  const gateCluster = options.cluster ?? workloads.get(placement ?? '')?.cluster;
  const inputs = buildGateInputs(
    {
      workloads: options.workloads,
      ...(options.images === undefined ? {} : { images: options.images }),
      ...(options.diagnostics === undefined ? {} : { diagnostics: options.diagnostics }),
    },
    settings.policy,
    {
      name: settings.name,
      namespace: settings.namespace,
      file: kustomizationFile,
      path: settings.path,
      source: `${sourceRef.kind}/${sourceRef.namespace ?? settings.namespace}/${sourceRef.name}`,
      ...(placement === undefined ? {} : { parent: placement }),
      ...(gateCluster === undefined ? {} : { cluster: gateCluster }),
      gated,
    },
    options.cluster,
  );
  const budget = computeGateBudget({
    images: inputs.images.length,
    concurrency: settings.concurrency,
    dbDownloadSeconds: settings.dbDownloadSeconds,
    ...(options.perImageSeconds === undefined ? {} : { perImageSeconds: options.perImageSeconds }),
    ...(options.startupSeconds === undefined ? {} : { startupSeconds: options.startupSeconds }),
    ...(options.deadlineMarginSeconds === undefined
      ? {}
      : { deadlineMarginSeconds: options.deadlineMarginSeconds }),
    ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
    ...(options.maxTimeout === undefined ? {} : { maxTimeout: options.maxTimeout }),
  });
  const { resources, job } = buildScanJob({
    gateName: settings.name,
    namespace: settings.namespace,
    sluiceImage: settings.sluiceImage,
    inputs,
    concurrency: budget.concurrency,
    activeDeadlineSeconds: budget.activeDeadlineSeconds,
    backoffLimit: settings.backoffLimit,
    budget: budget.explanation,
    dbRepository: settings.dbRepository,
    javaDbRepository: settings.javaDbRepository,
    cache: settings.cache,
    ...(settings.server === undefined ? {} : { server: settings.server }),
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
      timeout: budget.timeout,
      path: `./${settings.path}`,
      prune: true,
      wait: true,
      force: true,
      sourceRef: { ...chosenSource.sourceRef },
    },
  };
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
  notes.push(
    `The Job scans ${inputs.images.length} images, ${budget.concurrency} at once, in at most ${budget.activeDeadlineSeconds}s (${budget.explanation}); the gate's timeout is ${budget.timeout}.`,
    `Commit ${settings.path}/ at that path of the ${sourceRef.kind} ${sourceRef.namespace ?? settings.namespace}/${sourceRef.name} (the gate's spec.path), outside every other Kustomization's path so that only the gate applies the Job.`,
    `${kustomizationFile} holds the gate Kustomization: ${placement ?? 'your root Kustomization'} must build it (it is in its spec.path; list it in the kustomization.yaml there, if there is one).`,
    `Keep the gate on the same source as the gated Kustomizations: Flux's dependsOn then also waits until the gate has applied the same source revision.`,
    `One gate for ${gated.length} Kustomization${gated.length === 1 ? '' : 's'}: a failing image holds back all of them until it is fixed or ignored.`,
    'HelmReleases already in the cluster can still change images without a Kustomization apply (floating chart versions, mutable tags): pin chart versions and image digests.',
  );
  for (const patch of patches.filter((item) => !item.satisfied)) {
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
    { path: kustomizationFile, content: serializeManifests([kustomization]) },
  ];
  return {
    ...(options.cluster === undefined ? {} : { cluster: options.cluster }),
    kustomization,
    resources,
    objects: [kustomization, ...resources],
    patches,
    gated,
    images: inputs.images,
    budget,
    notes,
    files,
  };
}

/** The clusters the workloads belong to, sorted. */
export function clustersOf(workloads: readonly FluxWorkload[]): string[] {
  return [...new Set(workloads.flatMap((workload) => workload.cluster ?? []))].sort(compareStrings);
}

function defaultPlacement(nodes: readonly FluxGraphNode[]): string | undefined {
  const roots = nodes.filter((node) => node.kind === 'Kustomization' && node.parent === undefined);
  return (roots.find((node) => node.name === 'flux-system') ?? (roots.length === 1 ? roots[0] : undefined))
    ?.id;
}

/** The file name of the gate Kustomization. */
const DEFAULT_KUSTOMIZATION_FILE = 'sluice-gate.yaml';

/**
 * Where the gate Kustomization goes by default: beside the objects the placement Kustomization
 * builds (its `spec.path`), so that its own build creates the gate; else the repository root.
 */
function defaultKustomizationFile(
  placement: string | undefined,
  workloads: ReadonlyMap<string, FluxWorkload>,
): string {
  const folder = normalizeRelative(workloads.get(placement ?? '')?.path ?? '');
  return folder ? `${folder}/${DEFAULT_KUSTOMIZATION_FILE}` : DEFAULT_KUSTOMIZATION_FILE;
}
