export type { FluxGraphNode, FluxDependencyGraph } from './types.js';
export type { BuildDependencyGraphOptions } from './build-dependency-graph.js';
export { buildDependencyGraph, toDependencyGraph } from './build-dependency-graph.js';
