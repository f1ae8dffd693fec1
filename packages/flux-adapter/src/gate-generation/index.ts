export type {
  KubernetesManifest,
  GateSourceRef,
  GenerateGateOptions,
  GatePatch,
  GeneratedFile,
  GeneratedGate,
} from './types.js';
export { DEFAULT_TRIVY_IMAGE, generateGate } from './generate-gate.js';
export { MAX_BACKOFF_LIMIT, checkScanJob, checkGateKustomization, checkGate } from './check-gate.js';
export { serializeManifests } from './serialize.js';
export { parseFluxDuration } from './duration.js';
export type { ScanTarget, ScanJobSpec } from './scan-job.js';
export { CACHE_DIR, buildScanJob, scanContainerName, trivyIgnoreYaml } from './scan-job.js';
