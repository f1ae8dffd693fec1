import type { Diagnostic } from '@sluice/core';
import { findCyclicComponents, shortestCycleThrough } from './cycles.js';
import type { FluxDependencyGraph, FluxGraphNode } from './types.js';

/**
 * The edges of a graph as compressed adjacency lists over node indexes: the targets of node `i`
 * are `targets[offsets[i]]` up to (excluding) `targets[offsets[i + 1]]`. Two typed arrays
 * instead of one array per node keep large graphs cheap.
 */
export interface CompactEdges {
  readonly offsets: Int32Array;
  readonly targets: Int32Array;
}

/** The `dependsOn` edges (dependent → dependency) of sorted nodes, as node indexes. */
export function dependencyEdges(
  nodes: readonly FluxGraphNode[],
  indexOf: ReadonlyMap<string, number>,
): CompactEdges {
  const offsets = new Int32Array(nodes.length + 1);
  for (let index = 0; index < nodes.length; index += 1)
    offsets[index + 1] = offsets[index]! + nodes[index]!.dependsOn.length;
  const targets = new Int32Array(offsets[nodes.length]!);
  let at = 0;
  for (const node of nodes) for (const id of node.dependsOn) targets[at++] = indexOf.get(id)!;
  return { offsets, targets };
}

/** The same edges reversed (dependency → dependents), each list in ascending index order. */
export function reverseEdges(edges: CompactEdges): CompactEdges {
  const count = edges.offsets.length - 1;
  const offsets = new Int32Array(count + 1);
  for (const target of edges.targets) offsets[target + 1]! += 1;
  for (let index = 0; index < count; index += 1) offsets[index + 1]! += offsets[index]!;
  const fill = offsets.slice(0, count);
  const targets = new Int32Array(edges.targets.length);
  for (let source = 0; source < count; source += 1) {
    for (let edge = edges.offsets[source]!; edge < edges.offsets[source + 1]!; edge += 1) {
      targets[fill[edges.targets[edge]!]!++] = source;
    }
  }
  return { offsets, targets };
}

/**
 * Kahn's topological layers over sorted nodes, then, only when some nodes were left over,
 * Tarjan's components among them to list the cycles (with diagnostics) and to tell cycle members
 * from the objects behind them.
 */
export function orderNodes(
  nodes: readonly FluxGraphNode[],
  diagnostics: Diagnostic[],
): Pick<FluxDependencyGraph, 'waves' | 'cycles' | 'unscheduled'> {
  const indexOf = new Map<string, number>();
  nodes.forEach((node, index) => indexOf.set(node.id, index));
  const dependencies = dependencyEdges(nodes, indexOf);
  const dependents = reverseEdges(dependencies);

  const remaining = new Int32Array(nodes.length);
  for (let index = 0; index < nodes.length; index += 1) {
    remaining[index] = dependencies.offsets[index + 1]! - dependencies.offsets[index]!;
  }
  const placed = new Uint8Array(nodes.length);
  const waves: string[][] = [];
  let current: number[] = [];
  for (let index = 0; index < nodes.length; index += 1) if (remaining[index] === 0) current.push(index);
  let placedCount = 0;
  while (current.length > 0) {
    const wave: string[] = new Array<string>(current.length);
    const next: number[] = [];
    for (let position = 0; position < current.length; position += 1) {
      const index = current[position]!;
      wave[position] = nodes[index]!.id;
      placed[index] = 1;
      for (let edge = dependents.offsets[index]!; edge < dependents.offsets[index + 1]!; edge += 1) {
        const dependent = dependents.targets[edge]!;
        remaining[dependent]! -= 1;
        if (remaining[dependent] === 0) next.push(dependent);
      }
    }
    placedCount += current.length;
    waves.push(wave);
    current = next.sort((a, b) => a - b);
  }
  if (placedCount === nodes.length) return { waves, cycles: [], unscheduled: [] };
  return { waves, ...listCycles(nodes, dependencies, placed, diagnostics) };
}

function listCycles(
  nodes: readonly FluxGraphNode[],
  dependencies: CompactEdges,
  placed: Uint8Array,
  diagnostics: Diagnostic[],
): Pick<FluxDependencyGraph, 'cycles' | 'unscheduled'> {
  // Only the unplaced nodes can be in a cycle: run Tarjan on that subgraph.
  const rest: number[] = [];
  const local = new Int32Array(nodes.length).fill(-1);
  nodes.forEach((_node, index) => {
    if (!placed[index]) local[index] = rest.push(index) - 1;
  });
  const adjacency = rest.map((index) => {
    const targets: number[] = [];
    for (let edge = dependencies.offsets[index]!; edge < dependencies.offsets[index + 1]!; edge += 1) {
      const target = local[dependencies.targets[edge]!]!;
      if (target !== -1) targets.push(target);
    }
    return targets;
  });
  const cycles: string[][] = [];
  const inCycle = new Uint8Array(rest.length);
  const components = findCyclicComponents(adjacency).sort((a, b) => a[0]! - b[0]!);
  for (const component of components) {
    const members = new Set(component);
    for (const member of component) inCycle[member] = 1;
    const start = component[0]!;
    const path = shortestCycleThrough(start, adjacency, (node) => members.has(node)).map(
      (member) => nodes[rest[member]!]!.id,
    );
    cycles.push(path);
    const first = nodes[rest[start]!]!;
    const others =
      component.length > path.length
        ? ` ${component.length} objects are caught in it: ${component.map((member) => nodes[rest[member]!]!.id).join(', ')}.`
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
  rest.forEach((index, member) => {
    const node = nodes[index]!;
    unscheduled.push(node.id);
    if (inCycle[member]) return;
    const blocker = adjacency[member]![0];
    diagnostics.push({
      file: node.file,
      line: node.line,
      severity: 'warning',
      code: 'behind-cycle',
      object: node.id,
      message: `${node.id} depends on ${blocker === undefined ? 'a cycle' : nodes[rest[blocker]!]!.id}, which is in or behind a dependsOn cycle; Flux never applies it.`,
    });
  });
  return { cycles, unscheduled };
}
