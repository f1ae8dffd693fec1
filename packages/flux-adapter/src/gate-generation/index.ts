export type {
  KubernetesManifest,
  GateSourceRef,
  GenerateGateOptions,
  GatePatch,
  GeneratedFile,
  GeneratedGate,
} from './types.js';
export { generateGate } from './generate-gate.js';
export type { ResolvedGateOptions } from './gate-options.js';
export { DEFAULT_TRIVY_IMAGE, resolveGateOptions } from './gate-options.js';
export { gatePatch } from './gate-patch.js';
export { MAX_BACKOFF_LIMIT, checkScanJob, checkGateKustomization, checkGate } from './check-gate.js';
export { serializeManifests } from './serialize.js';
export { parseFluxDuration } from './duration.js';
export type { ScanTarget, ScanJobSpec } from './scan-job.js';
export { CACHE_DIR, buildScanJob, scanContainerName, trivyIgnoreYaml } from './scan-job.js';
export { DEFAULT_GATE_SOURCE, chooseGateSource } from './gate-source.js';
