export type { WorkloadKind, DependsOnEntry, FluxWorkload, FluxRepository } from './model.js';
export { workloadId } from './model.js';
export type { FluxGraphNode, FluxDependencyGraph } from './graph/index.js';
export { buildDependencyGraph, toDependencyGraph } from './graph/index.js';
export type {
  GateGraph,
  GateNode,
  ImageVerdictLookup,
  ComputeGateOptions,
  GateResult,
  ImageOutcome,
  GateReportInput,
} from './gate/index.js';
export { computeGate, buildGateReport } from './gate/index.js';
export type { LoadFluxRepositoryOptions } from './load/load-flux-repository.js';
export { loadFluxRepository } from './load/load-flux-repository.js';
export type { FluxLoadEvent } from './load/context.js';
export type { RenderRequest, RenderResult, Renderer } from './kustomize/renderer.js';
export { builtinRenderer } from './kustomize/renderer.js';
export type { KubectlKustomizeRendererOptions } from './kustomize/kubectl-renderer.js';
export { kubectlKustomizeRenderer } from './kustomize/kubectl-renderer.js';
export type { BuildDependencyGraphOptions } from './graph/index.js';
export type {
  KubernetesManifest,
  GateSourceRef,
  GenerateGateOptions,
  GatePatch,
  GeneratedFile,
  GeneratedGate,
  ScanTarget,
  ScanJobSpec,
} from './gate-generation/index.js';
export {
  DEFAULT_TRIVY_IMAGE,
  generateGate,
  MAX_BACKOFF_LIMIT,
  checkScanJob,
  checkGateKustomization,
  checkGate,
  serializeManifests,
  parseFluxDuration,
  CACHE_DIR,
  buildScanJob,
  scanContainerName,
  trivyIgnoreYaml,
} from './gate-generation/index.js';
