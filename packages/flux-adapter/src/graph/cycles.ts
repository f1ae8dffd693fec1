/**
 * Strongly connected components of a directed graph given as adjacency lists of node indexes,
 * found with Tarjan's algorithm on an explicit stack (no recursion, so a chain of any length is
 * fine). Returns only the components that contain a cycle: more than one node, or one node with
 * an edge to itself. Each component is sorted by index.
 */
export function findCyclicComponents(adjacency: readonly (readonly number[])[]): number[][] {
  const count = adjacency.length;
  const index = new Int32Array(count).fill(-1);
  const low = new Int32Array(count);
  const onStack = new Uint8Array(count);
  const stack: number[] = [];
  const components: number[][] = [];
  const callNode: number[] = [];
  const callEdge: number[] = [];
  let next = 0;

  for (let root = 0; root < count; root += 1) {
    if (index[root] !== -1) continue;
    callNode.push(root);
    callEdge.push(0);
    index[root] = low[root] = next++;
    stack.push(root);
    onStack[root] = 1;
    while (callNode.length > 0) {
      const depth = callNode.length - 1;
      const node = callNode[depth]!;
      const edges = adjacency[node]!;
      const edge = callEdge[depth]!;
      if (edge < edges.length) {
        callEdge[depth] = edge + 1;
        const target = edges[edge]!;
        if (index[target] === -1) {
          index[target] = low[target] = next++;
          stack.push(target);
          onStack[target] = 1;
          callNode.push(target);
          callEdge.push(0);
        } else if (onStack[target]) {
          low[node] = Math.min(low[node]!, index[target]!);
        }
        continue;
      }
      callNode.pop();
      callEdge.pop();
      const parent = callNode[callNode.length - 1];
      if (parent !== undefined) low[parent] = Math.min(low[parent]!, low[node]!);
      if (low[node] !== index[node]) continue;
      if (stack[stack.length - 1] === node) {
        // A single node: a cycle only with an edge to itself (no array for the common case).
        stack.pop();
        onStack[node] = 0;
        if (edges.includes(node)) components.push([node]);
        continue;
      }
      const component: number[] = [];
      let member: number;
      do {
        member = stack.pop()!;
        onStack[member] = 0;
        component.push(member);
      } while (member !== node);
      components.push(component.sort((a, b) => a - b));
    }
  }
  return components;
}

/**
 * The shortest cycle through `start` inside one component, as node indexes starting at `start`
 * (each node has an edge to the next, the last to `start`). Breadth-first over edges in the
 * order given, so the result is deterministic when the adjacency lists are sorted.
 */
export function shortestCycleThrough(
  start: number,
  adjacency: readonly (readonly number[])[],
  inComponent: (node: number) => boolean,
): number[] {
  const previous = new Map<number, number>([[start, -1]]);
  const queue = [start];
  for (let head = 0; head < queue.length; head += 1) {
    const node = queue[head]!;
    for (const target of adjacency[node]!) {
      if (target === start) {
        const path: number[] = [];
        for (let step = node; step !== -1; step = previous.get(step)!) path.push(step);
        return path.reverse();
      }
      if (!previous.has(target) && inComponent(target)) {
        previous.set(target, node);
        queue.push(target);
      }
    }
  }
  return [start];
}
