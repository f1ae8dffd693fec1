import { appendFieldPath } from './field-path.js';

/** The nodes a walk has reached: parallel arrays, so that a walk allocates no object per node. */
export interface WalkNodes {
  readonly values: object[];
  readonly parents: number[];
  readonly keys: (string | number)[];
  readonly depths: number[];
  /** Field path of node 0. */
  readonly rootPath: string;
}

/**
 * Called for every plain object (not array) the walk reaches; returns true when it handled the
 * object and the walk must not descend into it.
 */
export type WalkVisitor<C> = (
  record: Record<string, unknown>,
  node: number,
  nodes: WalkNodes,
  context: C,
) => boolean;

/** How far a walk may go. */
export interface WalkLimits {
  /** Values the walk may visit. */
  readonly maxNodes: number;
  /** Deepest nesting it enters. */
  readonly maxDepth: number;
  /** Keys of the root object not entered (such as `metadata`). */
  readonly skipRootKeys?: ReadonlySet<string>;
}

/** What stopped a walk early: the depth limit or the node budget (`exhausted`). */
export interface WalkOutcome {
  readonly truncated: boolean;
  readonly exhausted: boolean;
}

/** The dotted field path of a node, built only when asked (for a found image). */
export function nodePath(nodes: WalkNodes, node: number): string {
  const parts: (string | number)[] = [];
  for (let current = node; current > 0; current = nodes.parents[current]!) parts.push(nodes.keys[current]!);
  let path = nodes.rootPath;
  for (let index = parts.length - 1; index >= 0; index -= 1) path = appendFieldPath(path, parts[index]!);
  return path;
}

/**
 * Depth-first walk over the objects below `root`, in key order. With a `visited` set every
 * object is entered once however often YAML aliases repeat it; without one the walk is
 * cheaper and relies on the budget alone (callers redo an exhausted walk with a set).
 */
export function walkObjects<C>(
  root: unknown,
  rootPath: string,
  visitor: WalkVisitor<C>,
  context: C,
  limits: WalkLimits,
  visited: Set<object> | undefined,
): WalkOutcome {
  const outcome = { truncated: false, exhausted: false };
  if (typeof root !== 'object' || root === null) return outcome;
  const nodes: WalkNodes = { values: [root], parents: [-1], keys: [''], depths: [0], rootPath };
  const stack: number[] = [0];
  let budget = limits.maxNodes;
  while (stack.length > 0) {
    const node = stack.pop()!;
    const value = nodes.values[node]!;
    if (visited) {
      if (visited.has(value)) continue;
      visited.add(value);
    }
    const depth = nodes.depths[node]!;
    if (budget <= 0) {
      outcome.truncated = true;
      outcome.exhausted = true;
      break;
    }
    if (depth > limits.maxDepth) {
      outcome.truncated = true;
      continue;
    }
    if (Array.isArray(value)) {
      budget -= value.length;
      for (let index = value.length - 1; index >= 0; index -= 1)
        pushNode(nodes, stack, value[index], node, index, depth);
      continue;
    }
    const record = value as Record<string, unknown>;
    if (visitor(record, node, nodes, context)) continue;
    const names = Object.keys(record);
    budget -= names.length;
    for (let index = names.length - 1; index >= 0; index -= 1) {
      const name = names[index]!;
      if (node === 0 && limits.skipRootKeys?.has(name)) continue;
      pushNode(nodes, stack, record[name], node, name, depth);
    }
  }
  return outcome;
}

function pushNode(
  nodes: WalkNodes,
  stack: number[],
  value: unknown,
  parent: number,
  key: string | number,
  depth: number,
): void {
  if (typeof value !== 'object' || value === null) return;
  stack.push(nodes.values.length);
  nodes.values.push(value);
  nodes.parents.push(parent);
  nodes.keys.push(key);
  nodes.depths.push(depth + 1);
}
