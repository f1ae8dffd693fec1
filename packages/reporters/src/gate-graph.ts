import type { GateReport, ObjectStatus } from '@sluice/core';
import { compareStrings, plainObjectId } from '@sluice/core';

/**
 * The status a graph node is drawn with: a gate status, `missing` for a dangling reference, or
 * `not-scanned` when the report decided nothing yet (a graph drawn before any scan).
 */
export type GraphNodeStatus = ObjectStatus | 'missing' | 'not-scanned';

/** A node to draw: a synthetic safe id (`n0`, `n1`, …), the object id as label, its status. */
export interface DrawNode {
  /** The generated identifier (`n0`, `n1`, …): never manifest text. */
  readonly key: string;
  /** The Flux object id (`kind/namespace/name`), only ever written as an escaped label. */
  readonly id: string;
  readonly status: GraphNodeStatus;
  /** The cluster that deploys it, when the report says. */
  readonly cluster?: string;
  /** What to write on the node: the id, without its cluster part inside a cluster's box. */
  readonly label: string;
}

/** The nodes of one cluster, drawn as one box (`cluster` undefined: the nodes outside every cluster). */
export interface DrawCluster {
  /** The generated identifier (`c0`, `c1`, …). */
  readonly key: string;
  readonly cluster: string | undefined;
  readonly nodes: readonly DrawNode[];
}

/** An edge to draw: `dependsOn` (from must be applied before to) or `manages` (parent creates child). */
export interface DrawEdge {
  /** Key of the node the arrow starts at. */
  readonly from: string;
  /** Key of the node the arrow points to. */
  readonly to: string;
  readonly kind: 'dependsOn' | 'manages';
}

/** Colours per status, shared by Mermaid and DOT. */
export const STATUS_COLORS: Readonly<
  Record<GraphNodeStatus, { fill: string; stroke: string; text: string }>
> = {
  pass: { fill: '#d1e7dd', stroke: '#0f5132', text: '#0f5132' },
  blocked: { fill: '#f8d7da', stroke: '#842029', text: '#842029' },
  'blocked-upstream': { fill: '#ffe5d0', stroke: '#984c0c', text: '#984c0c' },
  unknown: { fill: '#fff3cd', stroke: '#997404', text: '#664d03' },
  suspended: { fill: '#e2e3e5', stroke: '#41464b', text: '#41464b' },
  missing: { fill: '#ffffff', stroke: '#6c757d', text: '#6c757d' },
  'not-scanned': { fill: '#f8f9fa', stroke: '#495057', text: '#212529' },
};

/**
 * The nodes and edges of the Flux dependency graph with each node's gate status. Node keys are
 * generated (`n<index>` in id order), so no manifest text ever becomes a graph identifier.
 * Without a graph in the report, the objects are drawn without edges.
 */
export function buildDrawGraph(report: GateReport): { nodes: DrawNode[]; edges: DrawEdge[] } {
  const status = new Map(report.objects.map((object) => [object.id, object.status] as const));
  const clusterOf = new Map<string, string>();
  for (const item of [...(report.graph?.nodes ?? []), ...report.objects])
    if (item.cluster !== undefined) clusterOf.set(item.id, item.cluster);
  const graphNodes = report.graph?.nodes ?? [];
  const ids = new Set<string>([
    ...graphNodes.map((node) => node.id),
    ...report.objects.map((object) => object.id),
  ]);
  for (const node of graphNodes) for (const target of [...node.dependsOn, ...node.manages]) ids.add(target);
  const sorted = [...ids].sort(compareStrings);
  const keys = new Map(sorted.map((id, index) => [id, `n${index}`] as const));
  const known = new Set([...graphNodes.map((node) => node.id), ...report.objects.map((object) => object.id)]);
  const suspended = new Set(graphNodes.filter((node) => node.suspended).map((node) => node.id));
  const decided = report.objects.length > 0;
  const nodes = sorted.map((id): DrawNode => {
    const cluster = clusterOf.get(id);
    return {
      key: keys.get(id) ?? '',
      id,
      status:
        status.get(id) ??
        (suspended.has(id) ? 'suspended' : !known.has(id) ? 'missing' : decided ? 'pass' : 'not-scanned'),
      ...(cluster === undefined ? {} : { cluster }),
      label: cluster !== undefined && id.startsWith(`${cluster}:`) ? plainObjectId(id) : id,
    };
  });
  const edges: DrawEdge[] = [];
  for (const node of graphNodes) {
    for (const dependency of node.dependsOn) {
      edges.push({ from: keys.get(dependency) ?? '', to: keys.get(node.id) ?? '', kind: 'dependsOn' });
    }
    for (const child of node.manages) {
      edges.push({ from: keys.get(node.id) ?? '', to: keys.get(child) ?? '', kind: 'manages' });
    }
  }
  const seen = new Set<string>();
  const unique = edges.filter((edge) => {
    const key = `${edge.kind} ${edge.from} ${edge.to}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  unique.sort(
    (a, b) =>
      compareStrings(a.kind, b.kind) ||
      Number(a.from.slice(1)) - Number(b.from.slice(1)) ||
      Number(a.to.slice(1)) - Number(b.to.slice(1)),
  );
  return { nodes, edges: unique };
}

/**
 * The nodes grouped by cluster when the report comes from a repository with several clusters
 * (its ids carry the cluster): one box per cluster, in cluster order, then the nodes outside
 * every cluster. Undefined for a single-cluster repository, drawn without boxes.
 */
export function groupDrawClusters(nodes: readonly DrawNode[]): DrawCluster[] | undefined {
  const clusters = [
    ...new Set(nodes.flatMap((node) => (node.label !== node.id ? [node.cluster!] : []))),
  ].sort(compareStrings);
  if (clusters.length === 0) return undefined;
  const groups: DrawCluster[] = clusters.map((cluster, index) => ({
    key: `c${index}`,
    cluster,
    nodes: nodes.filter((node) => node.cluster === cluster),
  }));
  const outside = nodes.filter((node) => node.cluster === undefined);
  if (outside.length > 0) groups.push({ key: `c${clusters.length}`, cluster: undefined, nodes: outside });
  return groups;
}
