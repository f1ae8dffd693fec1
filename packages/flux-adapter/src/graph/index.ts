export type { FluxGraphNode, FluxDependencyGraph } from './types.js';
export { buildDependencyGraph, toDependencyGraph } from './build-dependency-graph.js';
