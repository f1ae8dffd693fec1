export type { WorkloadKind, DependsOnEntry, FluxWorkload, FluxRepository } from './model.js';
export { refusedReason, whyRefused, workloadId } from './model.js';
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
export type { BuiltinRendererOptions } from './kustomize/renderer.js';
export type {
  RemoteBaseOptions,
  RemoteBasesMode,
  FetchedRemoteBase,
  RemoteResolution,
} from './remote/remote-bases.js';
export { RemoteBases } from './remote/remote-bases.js';
export type { GitMirror } from './remote/git-mirrors.js';
export { parseGitMirror, applyGitMirrors } from './remote/git-mirrors.js';
export type { RemoteSpec, RefPin } from './remote/remote-spec.js';
export { parseRemoteSpec, classifyRef, KUSTOMIZE_GIT_TIMEOUT_MS } from './remote/remote-spec.js';
export type { KubectlKustomizeRendererOptions } from './kustomize/kubectl-renderer.js';
export { kubectlKustomizeRenderer } from './kustomize/kubectl-renderer.js';
export type { BuildLimits } from './kustomize/build-budget.js';
export { BuildBudget, DEFAULT_BUILD_LIMITS } from './kustomize/build-budget.js';
export { MAX_LOAD_OBJECTS } from './load/shared-build.js';
export type { BuildDependencyGraphOptions } from './graph/index.js';
export type {
  KubernetesManifest,
  GateSourceRef,
  GateSecretKey,
  GateCache,
  GenerateGateOptions,
  GatePatch,
  GeneratedFile,
  GeneratedGate,
  GateInputs,
  GateSelf,
  GateBudget,
  GateBudgetOptions,
  SecretKey,
  ScanJobCache,
  ScanJobSpec,
  ScanJobResources,
  AddDependsOnResult,
  AddedDependency,
  AddedPatch,
  DependsOnTarget,
} from './gate-generation/index.js';
export {
  DEFAULT_SLUICE_IMAGE,
  SLUICE_IMAGE_REPOSITORY,
  isPinnedImage,
  generateGate,
  generateGates,
  addDependsOn,
  addPatches,
  MAX_BACKOFF_LIMIT,
  checkScanJob,
  checkGateKustomization,
  checkGate,
  serializeManifests,
  parseFluxDuration,
  buildGateInputs,
  GATE_BUDGET_EXCEEDED,
  computeGateBudget,
  formatDuration,
  CACHE_DIR,
  INPUTS_DIR,
  TERMINATION_LOG,
  MAX_CONFIGMAP_BYTES,
  GATE_INPUTS_TOO_LARGE,
  buildScanJob,
  sizeResources,
} from './gate-generation/index.js';
export type { HasFluxWorkloadsOptions } from './load/has-flux-workloads.js';
export { hasFluxWorkloads } from './load/has-flux-workloads.js';
export type { ImagesFileInput, CreateImagesFileOptions } from './images-file/index.js';
export {
  IMAGES_FILE_VERSION,
  ImagesFile,
  ImagesFileDependsOn,
  ImagesFileWorkload,
  createImagesFile,
  serializeImagesFile,
  toRepositoryModel,
  INVALID_IMAGES_FILE,
  parseImagesFile,
} from './images-file/index.js';
export type {
  FluxObject,
  FluxObjectResult,
  KustomizationObject,
  HelmReleaseObject,
  SourceObject,
  ArtifactGeneratorObject,
} from './schemas/flux-object.js';
export { readFluxObject, isFluxKustomization } from './schemas/flux-object.js';
export { FluxKustomization, KUSTOMIZATION_SPECS, PostBuild } from './schemas/kustomization.js';
export type { KustomizationSpec } from './schemas/kustomization.js';
export { FluxHelmRelease, HELM_RELEASE_SPECS } from './schemas/helm-release.js';
export type { HelmReleaseSpec } from './schemas/helm-release.js';
export { SOURCE_SPECS, sourceSpecSchema, ArtifactGeneratorSpec } from './schemas/sources.js';
export type { SourceKind } from './schemas/sources.js';
export type { SourceMount, SourceTreeOptions } from './source/source-tree.js';
export { SourceTree } from './source/source-tree.js';
export type { SourceFolders, SourceRegistryOptions, SourceResolution } from './source/source-registry.js';
export { SourceRegistry, DEFAULT_ROOT_SOURCE, openSourceFolders } from './source/source-registry.js';
export type { EntryType, FolderEntry, RepoFilesOptions } from './source/repo-files.js';
export { RepoFiles, normalizeRelative, joinRelative } from './source/repo-files.js';
export type { KustomizeOverlay } from './kustomize/build.js';
export type { ValueOrigin, TextLocator } from './kustomize/provenance.js';
export { Provenance } from './kustomize/provenance.js';
export type { KResource } from './kustomize/resource.js';
export { splitImage, imageMatches, applyImageOverride } from './kustomize/images-transformer.js';
export type {
  SubstitutionResult,
  EnvsubstOptions,
  EnvsubstPiece,
  EnvsubstResult,
} from './substitute/envsubst.js';
export { substituteText, evaluateEnvsubst, EnvsubstSyntaxError } from './substitute/envsubst.js';
export type { Variable, ResourceSubstitution } from './substitute/substitute-resource.js';
export { substituteResource } from './substitute/substitute-resource.js';
export type { EmittedSpan, EmittedYaml } from './substitute/go-yaml-emit.js';
export { emitGoYaml } from './substitute/go-yaml-emit.js';
export { isSubstitutionDisabled, SUBSTITUTE_ANNOTATION } from './substitute/post-build.js';
export type { ValuesImage } from './helm/values-images.js';
export { findValuesImages } from './helm/values-images.js';
export type { RawScan, RawFluxObject } from './load/raw-scan.js';
export { scanRepository } from './load/raw-scan.js';
export type { HelmRenderOptions, ResolvedHelmRenderOptions } from './helm/helm-options.js';
export { DEFAULT_KUBE_VERSION, resolveHelmRenderOptions } from './helm/helm-options.js';
export type { ChartMirror, MirroredUrl } from './helm/chart-mirrors.js';
export { parseChartMirror, applyChartMirrors } from './helm/chart-mirrors.js';
export type { SemVer, VersionConstraint, ChartVersionCandidate } from './helm/semver.js';
export { parseVersion, parseConstraint, satisfies, selectChartVersion } from './helm/semver.js';
export { releaseNameOf, shortenReleaseName } from './helm/release-name.js';
export { parseSourceMappings } from './source/parse-source-mapping.js';
