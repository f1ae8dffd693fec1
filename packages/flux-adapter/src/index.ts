export type { WorkloadKind, DependsOnEntry, FluxWorkload, FluxRepository } from './model.js';
export { workloadId } from './model.js';
