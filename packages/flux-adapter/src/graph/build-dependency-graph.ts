import type { DependencyGraph, Diagnostic } from '@sluice/core';
import { compareDiagnostics, compareStrings } from '@sluice/core';
import type { FluxWorkload, WorkloadKind } from '../model.js';
import { whyRefused, workloadId } from '../model.js';
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
   * no cluster reaches are always kept).
   * @default every cluster, side by side
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
 * - Nodes are the workloads, by id. In a repository with several clusters the ids carry the
 *   cluster (`clusters/staging:Kustomization/flux-system/apps`) and each node its `cluster`: the
 *   graph is one graph per cluster, side by side. An id defined twice (objects no cluster
 *   reaches, or a hand-made list) is one node: the first definition (by file and line) gives
 *   its location, the images and dependencies of both are merged (so nothing escapes the gate),
 *   with a `duplicate-object` warning. Pass `cluster` for the graph of one cluster.
 * - `dependsOn` edges follow Flux: the namespace defaults to the dependent's own, a
 *   Kustomization depends only on Kustomizations, a HelmRelease only on HelmReleases, and an
 *   entry names an object of the same cluster (then, failing that, one no cluster reaches; an
 *   object no cluster reaches looks in every cluster). An entry naming nothing becomes a
 *   `missing-dependency` error; one naming an object of the other kind (and no object of its own
 *   kind) a `cross-kind-depends-on` error. Neither becomes an edge.
 * - `manages` edges go from a parent Kustomization to the objects its build produced.
 * - Waves are Kahn's topological layers, each sorted (clusters never share an edge, so wave `n`
 *   holds wave `n` of every cluster). Cycles (found without recursion) are listed and reported as
 *   `depends-on-cycle` errors; their objects, and every object that depends on them, are left
 *   out of the waves (Flux never applies them) and listed in `unscheduled`, the latter with a
 *   `behind-cycle` warning.
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
  const clusterOrder = [...index.keys()].filter((cluster) => cluster !== undefined).sort();
  // The default sort orders strings by UTF-16 code units, exactly like compareStrings, without a
  // callback per comparison.
  const ids = [...byId.keys()].sort();

  for (const id of ids) {
    const node = byId.get(id)!;
    const scopes = lookupScopes(node.workload.cluster, index, clusterOrder);
    resolveDependsOn(id, node, node.workload, scopes, diagnostics);
    for (const definition of node.more ?? []) {
      const more = lookupScopes(definition.cluster, index, clusterOrder);
      resolveDependsOn(id, node, definition, more, diagnostics);
    }
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

// Nodes by cluster, kind, namespace and name: looking a dependency up by its parts reuses the
// strings already read from YAML, where building `kind/namespace/name` first would allocate (and
// hash) a new string per entry.
type KindIndex = ReadonlyMap<string, ReadonlyMap<string, ReadonlyMap<string, MutableNode>>>;
type NodeIndex = ReadonlyMap<string | undefined, KindIndex>;

function indexNodes(byId: ReadonlyMap<string, MutableNode>): NodeIndex {
  const index = new Map<string | undefined, Map<string, Map<string, Map<string, MutableNode>>>>();
  for (const node of byId.values()) {
    for (const definition of [node.workload, ...(node.more ?? [])]) {
      const { cluster, kind, namespace, name } = definition;
      let kinds = index.get(cluster);
      if (!kinds) index.set(cluster, (kinds = new Map()));
      let namespaces = kinds.get(kind);
      if (!namespaces) kinds.set(kind, (namespaces = new Map()));
      let names = namespaces.get(namespace);
      if (!names) namespaces.set(namespace, (names = new Map()));
      if (!names.has(name)) names.set(name, node);
    }
  }
  return index;
}

/**
 * Where the dependencies of an object of `cluster` are looked up, in order: its own cluster,
 * then the objects no cluster reaches; for those, every cluster in order.
 */
function lookupScopes(
  cluster: string | undefined,
  index: NodeIndex,
  clusterOrder: readonly (string | undefined)[],
): KindIndex[] {
  const order = cluster === undefined ? [undefined, ...clusterOrder] : [cluster, undefined];
  return order.flatMap((key) => index.get(key) ?? []);
}

function findIn(
  scopes: readonly KindIndex[],
  kind: string,
  namespace: string,
  name: string,
): MutableNode | undefined {
  for (const scope of scopes) {
    const found = scope.get(kind)?.get(namespace)?.get(name);
    if (found) return found;
  }
  return undefined;
}

function resolveDependsOn(
  id: string,
  node: MutableNode,
  workload: FluxWorkload,
  scopes: readonly KindIndex[],
  diagnostics: Diagnostic[],
): void {
  for (const entry of workload.dependsOn) {
    const namespace = entry.namespace || workload.namespace;
    const found = findIn(scopes, workload.kind, namespace, entry.name);
    if (found) {
      const dependencyId = found.workload.id;
      const refused = whyRefused(found.workload);
      if (refused !== undefined) {
        // Found, but Flux cannot have it: the dependent waits as for a missing object, and says why.
        diagnostics.push({
          file: entry.file ?? workload.file,
          line: entry.line ?? workload.line,
          severity: 'error',
          code: 'dependency-refused',
          object: id,
          message: `${id} depends on ${dependencyId}, which Flux cannot have (${refused}); Flux will not apply ${id} until that object is fixed, exists and is Ready.`,
        });
      }
      if (!node.dependsOn.includes(dependencyId)) node.dependsOn.push(dependencyId);
      continue;
    }
    const target = workloadId(workload.kind, namespace, entry.name);
    const otherKind = OTHER_KIND[workload.kind];
    const other = workloadId(otherKind, namespace, entry.name);
    const file = entry.file ?? workload.file;
    const line = entry.line ?? workload.line;
    diagnostics.push(
      findIn(scopes, otherKind, namespace, entry.name)
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
            message: `${id} depends on ${target}, which is not defined ${workload.cluster === undefined ? 'in the repository' : `in ${workload.cluster}`}; Flux will not apply it until that object exists and is Ready.`,
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
      ...(node.cluster === undefined ? {} : { cluster: node.cluster }),
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
    for (const workload of node.more) {
      const first = node.workload;
      diagnostics.push({
        file: workload.file,
        line: workload.line,
        severity: 'warning',
        code: 'duplicate-object',
        object: workload.id,
        message: `${workload.id} is also defined at ${first.file}:${first.line}; Sluice treats both as one object and gates the images and dependencies of both.`,
      });
    }
  }
  return byId;
}

function toGraphNode(node: MutableNode): FluxGraphNode {
  const { workload, more } = node;
  const images = more
    ? [workload, ...more].flatMap((definition) => definition.images.map((image) => image.ref))
    : workload.images.map((image) => image.ref);
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
  if (workload.cluster !== undefined) extra.cluster = workload.cluster;
  if (node.parent !== undefined) extra.parent = node.parent;
  if (workload.synthetic === true) extra.synthetic = true;
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

// The same dependsOn entry of a definition read twice gives the same diagnostic: keep one.
function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((diagnostic, index) => {
    const previous = diagnostics[index - 1];
    return !previous || compareDiagnostics(previous, diagnostic) !== 0;
  });
}
