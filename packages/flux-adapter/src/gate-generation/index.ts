export type {
  KubernetesManifest,
  GateSourceRef,
  GateSecretKey,
  GateCache,
  GenerateGateOptions,
  GatePatch,
  GeneratedFile,
  GeneratedGate,
} from './types.js';
export { generateGate } from './generate-gate.js';
export { generateGates } from './generate-gates.js';
export type { ResolvedGateOptions } from './gate-options.js';
export {
  DEFAULT_SLUICE_IMAGE,
  SLUICE_IMAGE_REPOSITORY,
  isPinnedImage,
  resolveGateOptions,
} from './gate-options.js';
export { gatePatch } from './gate-patch.js';
export type { AddDependsOnResult, AddedDependency, AddedPatch, DependsOnTarget } from './add-depends-on.js';
export { addDependsOn, addPatches } from './add-depends-on.js';
export { MAX_BACKOFF_LIMIT, checkScanJob, checkGateKustomization, checkGate } from './check-gate.js';
export { serializeManifests } from './serialize.js';
export { parseFluxDuration } from './duration.js';
export type { GateInputs, GateSelf } from './gate-inputs.js';
export { buildGateInputs } from './gate-inputs.js';
export type { GateBudget, GateBudgetOptions } from './time-budget.js';
export { GATE_BUDGET_EXCEEDED, computeGateBudget, formatDuration } from './time-budget.js';
export type { SecretKey, ScanJobCache, ScanJobSpec, ScanJobResources } from './scan-job.js';
export {
  CACHE_DIR,
  INPUTS_DIR,
  TERMINATION_LOG,
  MAX_CONFIGMAP_BYTES,
  GATE_INPUTS_TOO_LARGE,
  buildScanJob,
  sizeResources,
} from './scan-job.js';
export { DEFAULT_GATE_SOURCE, chooseGateSource } from './gate-source.js';
