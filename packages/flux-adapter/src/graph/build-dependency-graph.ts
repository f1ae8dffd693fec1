import type { DependencyGraph, Diagnostic } from '@sluice/core';
import { compareDiagnostics, compareStrings } from '@sluice/core';
import type { FluxWorkload, WorkloadKind } from '../model.js';
import { workloadId } from '../model.js';
import { orderNodes } from './order-nodes.js';
import type { FluxDependencyGraph, FluxGraphNode } from './types.js';

interface MutableNode {
  /** The first definition. */
  readonly workload: FluxWorkload;
  /** Later definitions of the same id, if any. */
  more?: FluxWorkload[];
  readonly dependsOn: string[];
  manages?: string[];
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
  const index = indexNodes(byId);
  // The default sort orders strings by UTF-16 code units, exactly like compareStrings, without a
  // callback per comparison.
  const ids = [...byId.keys()].sort();

  for (const id of ids) {
    const node = byId.get(id)!;
    resolveDependsOn(id, node, node.workload, index, diagnostics);
    for (const definition of node.more ?? []) resolveDependsOn(id, node, definition, index, diagnostics);
    const parent = node.workload.parent;
    if (parent === undefined) continue;
    const parentNode = byId.get(parent);
    if (parentNode) {
      (parentNode.manages ??= []).push(id);
      node.parent = parent;
    } else {
      diagnostics.push({
        file: node.workload.file,
        line: node.workload.line,
        severity: 'info',
        code: 'unknown-parent',
        object: id,
        message: `${id} is produced by ${parent}, which is not in the graph; the manages edge is left out.`,
      });
    }
  }

  const nodes: FluxGraphNode[] = ids.map((id) => toGraphNode(byId.get(id)!));
  const { waves, cycles, unscheduled } = orderNodes(nodes, diagnostics);
  return { nodes, waves, cycles, unscheduled, diagnostics: dedupe(diagnostics.sort(compareDiagnostics)) };
}

// Nodes by kind, namespace and name: looking a dependency up by its parts reuses the strings
// already read from YAML, where building `kind/namespace/name` first would allocate (and hash) a
// new string per entry.
type NodeIndex = ReadonlyMap<string, ReadonlyMap<string, ReadonlyMap<string, MutableNode>>>;

function indexNodes(byId: ReadonlyMap<string, MutableNode>): NodeIndex {
  const index = new Map<string, Map<string, Map<string, MutableNode>>>();
  for (const node of byId.values()) {
    const { kind, namespace, name } = node.workload;
    let namespaces = index.get(kind);
    if (!namespaces) index.set(kind, (namespaces = new Map()));
    let names = namespaces.get(namespace);
    if (!names) namespaces.set(namespace, (names = new Map()));
    names.set(name, node);
  }
  return index;
}

function resolveDependsOn(
  id: string,
  node: MutableNode,
  workload: FluxWorkload,
  index: NodeIndex,
  diagnostics: Diagnostic[],
): void {
  for (const entry of workload.dependsOn) {
    const namespace = entry.namespace || workload.namespace;
    const found = index.get(workload.kind)?.get(namespace)?.get(entry.name);
    if (found) {
      const dependencyId = found.workload.id;
      if (!node.dependsOn.includes(dependencyId)) node.dependsOn.push(dependencyId);
      continue;
    }
    const target = workloadId(workload.kind, namespace, entry.name);
    const otherKind = OTHER_KIND[workload.kind];
    const other = workloadId(otherKind, namespace, entry.name);
    const file = entry.file ?? workload.file;
    const line = entry.line ?? workload.line;
    diagnostics.push(
      index.get(otherKind)?.get(namespace)?.has(entry.name)
        ? {
            file,
            line,
            severity: 'error',
            code: 'cross-kind-depends-on',
            object: id,
            message: `${id} depends on "${namespace}/${entry.name}", which is a ${OTHER_KIND[workload.kind]} (${other}); a ${workload.kind} can only depend on ${workload.kind}s, so Flux will wait for a ${target} that does not exist.`,
          }
        : {
            file,
            line,
            severity: 'error',
            code: 'missing-dependency',
            object: id,
            message: `${id} depends on ${target}, which is not defined in the repository; Flux will not apply it until that object exists and is Ready.`,
          },
    );
  }
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
  const byId = new Map<string, MutableNode>();
  for (const workload of workloads) {
    const existing = byId.get(workload.id);
    if (!existing) byId.set(workload.id, { workload, dependsOn: [] });
    else (existing.more ??= []).push(workload);
  }
  // An id defined more than once: the first definition by file and line leads, so that the
  // result does not depend on the input order.
  for (const node of byId.values()) {
    if (!node.more) continue;
    const definitions = [node.workload, ...node.more].sort(
      (a, b) => compareStrings(a.file, b.file) || a.line - b.line,
    );
    (node as { workload: FluxWorkload }).workload = definitions[0]!;
    node.more = definitions.slice(1);
    definitions.forEach((workload, index) => {
      const sameCluster = definitions.slice(0, index).find((earlier) => earlier.cluster === workload.cluster);
      if (!sameCluster) return;
      diagnostics.push({
        file: workload.file,
        line: workload.line,
        severity: 'warning',
        code: 'duplicate-object',
        object: workload.id,
        message: `${workload.id} is also defined at ${sameCluster.file}:${sameCluster.line}${workload.cluster === undefined ? '' : ` for ${workload.cluster}`}; Sluice treats both as one object and gates the images and dependencies of both.`,
      });
    });
  }
  return byId;
}

function toGraphNode(node: MutableNode): FluxGraphNode {
  const { workload, more } = node;
  let images: string[];
  let clusters: string[] | undefined;
  if (!more) {
    images = workload.images.map((image) => image.ref);
    clusters = workload.cluster === undefined ? undefined : [workload.cluster];
  } else {
    const definitions = [workload, ...more];
    images = definitions.flatMap((definition) => definition.images.map((image) => image.ref));
    const named = definitions.flatMap((definition) =>
      definition.cluster === undefined ? [] : [definition.cluster],
    );
    clusters = named.length > 0 ? uniqueSorted(named) : undefined;
  }
  const result: FluxGraphNode = {
    id: workload.id,
    kind: workload.kind,
    namespace: workload.namespace,
    name: workload.name,
    file: workload.file,
    line: workload.line,
    dependsOn: node.dependsOn.sort(),
    manages: node.manages ? node.manages.sort() : [],
    images: uniqueSorted(images),
    suspended: workload.suspended,
  };
  const extra = result as { -readonly [K in keyof FluxGraphNode]: FluxGraphNode[K] };
  if (node.parent !== undefined) extra.parent = node.parent;
  if (workload.synthetic === true) extra.synthetic = true;
  if (clusters) extra.clusters = clusters;
  if (workload.method === 'unresolved') {
    extra.unresolvedReason = workload.unresolvedReason ?? 'the adapter could not find its images';
  }
  return result;
}

function uniqueSorted(values: string[]): string[] {
  if (values.length < 2) return values;
  values.sort();
  return values.filter((value, index) => index === 0 || value !== values[index - 1]);
}

// The same dependsOn entry read once per cluster gives the same diagnostic: keep one.
function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((diagnostic, index) => {
    const previous = diagnostics[index - 1];
    return !previous || compareDiagnostics(previous, diagnostic) !== 0;
  });
}
