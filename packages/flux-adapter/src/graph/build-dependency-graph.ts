import type { DependencyGraph, Diagnostic } from '@sluice/core';
import { compareDiagnostics, compareStrings } from '@sluice/core';
import type { FluxWorkload, WorkloadKind } from '../model.js';
import { workloadId } from '../model.js';
import { findCyclicComponents, shortestCycleThrough } from './cycles.js';
import type { FluxDependencyGraph, FluxGraphNode } from './types.js';

interface MutableNode {
  /** The first definition. */
  readonly workload: FluxWorkload;
  /** Every definition, the first included. */
  readonly definitions: FluxWorkload[];
  readonly dependsOn: Set<string>;
  readonly images: Set<string>;
  readonly manages: Set<string>;
  parent?: string;
}

/** Options of {@link buildDependencyGraph}. */
export interface BuildDependencyGraphOptions {
  /**
   * Only the objects of this cluster (an entry folder such as `clusters/production`; objects
   * without a cluster are always kept).
   * @default every cluster, objects with the same id merged
   */
  readonly cluster?: string;
}

const OTHER_KIND: Readonly<Record<WorkloadKind, WorkloadKind>> = {
  Kustomization: 'HelmRelease',
  HelmRelease: 'Kustomization',
};

/**
 * Builds the Flux dependency graph of a repository's Kustomizations and HelmReleases.
 *
 * - Nodes are identified by `kind/namespace/name`. An object defined twice is one node: the
 *   first definition (by file and line) gives its location, the images and dependencies of both
 *   are merged (so nothing escapes the gate). Defined twice for the same cluster, it also gets a
 *   `duplicate-object` warning naming both; defined once per cluster (a multi-cluster
 *   repository) it is normal, and the node lists its `clusters`. Pass `cluster` for the graph
 *   of one cluster.
 * - `dependsOn` edges follow Flux: the namespace defaults to the dependent's own, and a
 *   Kustomization depends only on Kustomizations, a HelmRelease only on HelmReleases. An entry
 *   naming nothing becomes a `missing-dependency` error; one naming an object of the other kind
 *   (and no object of its own kind) a `cross-kind-depends-on` error. Neither becomes an edge.
 * - `manages` edges go from a parent Kustomization to the objects its build produced.
 * - Waves are Kahn's topological layers, each sorted. Cycles (found without recursion) are
 *   listed and reported as `depends-on-cycle` errors; their objects, and every object that
 *   depends on them, are left out of the waves (Flux never applies them) and listed in
 *   `unscheduled`, the latter with a `behind-cycle` warning.
 *
 * @example
 * ```ts
 * const { workloads } = await loadFluxRepository(root);
 * const graph = buildDependencyGraph(workloads);
 * graph.waves; // [['Kustomization/flux-system/infra'], ['Kustomization/flux-system/apps']]
 * graph.diagnostics; // [{ code: 'missing-dependency', file: 'clusters/prod/apps.yaml', line: 9, … }]
 * ```
 */
export function buildDependencyGraph(
  workloads: readonly FluxWorkload[],
  options: BuildDependencyGraphOptions = {},
): FluxDependencyGraph {
  const diagnostics: Diagnostic[] = [];
  const selected =
    options.cluster === undefined
      ? workloads
      : workloads.filter(
          (workload) => workload.cluster === undefined || workload.cluster === options.cluster,
        );
  const byId = collectNodes(selected, diagnostics);
  const ids = [...byId.keys()].sort(compareStrings);

  for (const id of ids) {
    const node = byId.get(id)!;
    const { workload } = node;
    for (const entry of node.definitions.flatMap((definition) => definition.dependsOn)) {
      const namespace = entry.namespace || workload.namespace;
      const target = workloadId(workload.kind, namespace, entry.name);
      if (byId.has(target)) {
        node.dependsOn.add(target);
        continue;
      }
      const other = workloadId(OTHER_KIND[workload.kind], namespace, entry.name);
      const at = { file: entry.file ?? workload.file, line: entry.line ?? workload.line };
      diagnostics.push(
        byId.has(other)
          ? {
              ...at,
              severity: 'error',
              code: 'cross-kind-depends-on',
              object: id,
              message: `${id} depends on "${namespace}/${entry.name}", which is a ${OTHER_KIND[workload.kind]} (${other}); a ${workload.kind} can only depend on ${workload.kind}s, so Flux will wait for a ${target} that does not exist.`,
            }
          : {
              ...at,
              severity: 'error',
              code: 'missing-dependency',
              object: id,
              message: `${id} depends on ${target}, which is not defined in the repository; Flux will not apply it until that object exists and is Ready.`,
            },
      );
    }
    const parent = workload.parent;
    if (parent !== undefined) {
      const parentNode = byId.get(parent);
      if (parentNode) {
        parentNode.manages.add(id);
        node.parent = parent;
      } else {
        diagnostics.push({
          file: workload.file,
          line: workload.line,
          severity: 'info',
          code: 'unknown-parent',
          object: id,
          message: `${id} is produced by ${parent}, which is not in the graph; the manages edge is left out.`,
        });
      }
    }
  }

  const nodes: FluxGraphNode[] = ids.map((id) => toGraphNode(byId.get(id)!));
  const { waves, cycles, unscheduled } = orderNodes(nodes, diagnostics);
  return { nodes, waves, cycles, unscheduled, diagnostics: dedupe(diagnostics.sort(compareDiagnostics)) };
}

/**
 * The graph in the shape of the core report (`{nodes: [{id, dependsOn, manages, images,
 * suspended}], waves}`), dropping locations and diagnostics.
 */
export function toDependencyGraph(graph: FluxDependencyGraph): DependencyGraph {
  return {
    nodes: graph.nodes.map((node) => ({
      id: node.id,
      dependsOn: [...node.dependsOn],
      manages: [...node.manages],
      images: [...node.images],
      ...(node.suspended ? { suspended: true } : {}),
    })),
    waves: graph.waves.map((wave) => [...wave]),
  };
}

function collectNodes(
  workloads: readonly FluxWorkload[],
  diagnostics: Diagnostic[],
): Map<string, MutableNode> {
  const ordered = [...workloads].sort(
    (a, b) => compareStrings(a.id, b.id) || compareStrings(a.file, b.file) || a.line - b.line,
  );
  const byId = new Map<string, MutableNode>();
  for (const workload of ordered) {
    const existing = byId.get(workload.id);
    if (!existing) {
      byId.set(workload.id, {
        workload,
        definitions: [workload],
        dependsOn: new Set(),
        images: new Set(workload.images.map((image) => image.ref)),
        manages: new Set(),
      });
      continue;
    }
    for (const image of workload.images) existing.images.add(image.ref);
    const sameCluster = existing.definitions.find((definition) => definition.cluster === workload.cluster);
    existing.definitions.push(workload);
    if (!sameCluster) continue;
    diagnostics.push({
      file: workload.file,
      line: workload.line,
      severity: 'warning',
      code: 'duplicate-object',
      object: workload.id,
      message: `${workload.id} is also defined at ${sameCluster.file}:${sameCluster.line}${workload.cluster === undefined ? '' : ` for ${workload.cluster}`}; Sluice treats both as one object and gates the images and dependencies of both.`,
    });
  }
  return byId;
}

function toGraphNode(node: MutableNode): FluxGraphNode {
  const { workload } = node;
  const clusters = [
    ...new Set(
      node.definitions.flatMap((definition) =>
        definition.cluster === undefined ? [] : [definition.cluster],
      ),
    ),
  ].sort(compareStrings);
  return {
    id: workload.id,
    kind: workload.kind,
    namespace: workload.namespace,
    name: workload.name,
    file: workload.file,
    line: workload.line,
    dependsOn: [...node.dependsOn].sort(compareStrings),
    manages: [...node.manages].sort(compareStrings),
    images: [...node.images].sort(compareStrings),
    suspended: workload.suspended,
    ...(node.parent === undefined ? {} : { parent: node.parent }),
    ...(workload.synthetic === true ? { synthetic: true } : {}),
    ...(clusters.length > 0 ? { clusters } : {}),
    ...(workload.method === 'unresolved'
      ? { unresolvedReason: workload.unresolvedReason ?? 'the adapter could not find its images' }
      : {}),
  };
}

function orderNodes(
  nodes: readonly FluxGraphNode[],
  diagnostics: Diagnostic[],
): Pick<FluxDependencyGraph, 'waves' | 'cycles' | 'unscheduled'> {
  const indexOf = new Map(nodes.map((node, index) => [node.id, index]));
  // Edges point from a dependent to its dependencies; nodes are sorted, so are the lists.
  const dependencies = nodes.map((node) => node.dependsOn.map((id) => indexOf.get(id)!));
  const dependents: number[][] = nodes.map(() => []);
  dependencies.forEach((targets, source) => {
    for (const target of targets) dependents[target]!.push(source);
  });

  const remaining = Int32Array.from(dependencies, (targets) => targets.length);
  const waves: string[][] = [];
  let current: number[] = [];
  for (let index = 0; index < nodes.length; index += 1) if (remaining[index] === 0) current.push(index);
  const placed = new Uint8Array(nodes.length);
  while (current.length > 0) {
    waves.push(current.map((index) => nodes[index]!.id));
    const next: number[] = [];
    for (const index of current) {
      placed[index] = 1;
      for (const dependent of dependents[index]!) {
        remaining[dependent]! -= 1;
        if (remaining[dependent] === 0) next.push(dependent);
      }
    }
    current = next.sort((a, b) => a - b);
  }

  const cycles: string[][] = [];
  const inCycle = new Uint8Array(nodes.length);
  const components = findCyclicComponents(dependencies).sort((a, b) => a[0]! - b[0]!);
  for (const component of components) {
    const members = new Set(component);
    for (const member of component) inCycle[member] = 1;
    const start = component[0]!;
    const path = shortestCycleThrough(start, dependencies, (node) => members.has(node)).map(
      (index) => nodes[index]!.id,
    );
    cycles.push(path);
    const first = nodes[start]!;
    const others =
      component.length > path.length
        ? ` ${component.length} objects are caught in it: ${component.map((index) => nodes[index]!.id).join(', ')}.`
        : '';
    diagnostics.push({
      file: first.file,
      line: first.line,
      severity: 'error',
      code: 'depends-on-cycle',
      object: first.id,
      message: `dependsOn cycle: ${[...path, path[0]].join(' → ')}. Flux never applies these objects.${others}`,
    });
  }

  const unscheduled: string[] = [];
  nodes.forEach((node, index) => {
    if (placed[index]) return;
    unscheduled.push(node.id);
    if (inCycle[index]) return;
    const blocker = dependencies[index]!.find((target) => !placed[target]);
    diagnostics.push({
      file: node.file,
      line: node.line,
      severity: 'warning',
      code: 'behind-cycle',
      object: node.id,
      message: `${node.id} depends on ${blocker === undefined ? 'a cycle' : nodes[blocker]!.id}, which is in or behind a dependsOn cycle; Flux never applies it.`,
    });
  });
  return { waves, cycles, unscheduled };
}

// The same dependsOn entry read once per cluster gives the same diagnostic: keep one.
function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((diagnostic, index) => {
    const previous = diagnostics[index - 1];
    return !previous || compareDiagnostics(previous, diagnostic) !== 0;
  });
}
