export { SluiceError, isSluiceError } from './errors.js';
export { Diagnostic, DiagnosticSeverity, compareDiagnostics, compareStrings } from './diagnostic.js';
export type { DiagnosticCode, DiagnosticCodeInfo, DiagnosticEffect } from './diagnostic-codes.js';
export { DIAGNOSTIC_CODES, diagnosticEffect, makesUnknown } from './diagnostic-codes.js';
export {
  SEVERITIES,
  Severity,
  ImageLocation,
  ImageEntry,
  Finding,
  ScanErrorCode,
  ScanError,
  ImageVerdict,
  ImageResult,
  ObjectStatus,
  ObjectResult,
  GraphNode,
  DependencyGraph,
  PolicySummary,
  ScannerInfo,
  GateReport,
  plainObjectId,
} from './report.js';
export type { SourcePosition } from './source-text.js';
export { LineIndex } from './source-text.js';
export { YamlPositions } from './yaml-positions.js';
export type { YamlDocument, ParsedYaml, ParseYamlOptions } from './parse-yaml.js';
export { parseYaml } from './parse-yaml.js';
export type { LocatedIssue } from './locate-issue.js';
export { formatPath, lineOfPath, locateSchemaIssue } from './locate-issue.js';
export type { KubernetesObject, ManifestDocument, ManifestStats, ParsedManifests } from './manifest.js';
export { parseManifests, toManifestDocument } from './manifest.js';
export { findTemplateLine } from './template-detection.js';
export type {
  LoadManifestsOptions,
  LoadedManifests,
  ManifestStream,
  ParseManifestFilesOptions,
} from './load-manifests.js';
export { loadManifests, parseManifestFiles, streamManifestFiles } from './load-manifests.js';
export type { ManifestFiles } from './walk-manifest-files.js';
export { readManifestFile, walkManifestFiles } from './walk-manifest-files.js';
export type { WalkOptions, WalkedFile, WalkResult } from './walk-files.js';
export { YAML_EXTENSIONS, walkYamlFiles } from './walk-files.js';
export type { IgnorePattern, IgnoreTree, SourceIgnoreOptions } from './source-ignore.js';
export {
  FLUX_DEFAULT_EXCLUDES,
  FLUX_VCS_EXCLUDES,
  IgnoreMatcher,
  SOURCE_IGNORE_FILE,
  SourceIgnore,
  decodeLeniently,
  loadIgnorePatterns,
  parseIgnorePattern,
  readIgnorePatterns,
  sourceArtifactMatcher,
} from './source-ignore.js';
export { goPathMatch, matchGlobClass, scanGlobChunk } from './go-path-match.js';
export type { ReadTextOptions, ReadTextResult } from './read-text-file.js';
export { DEFAULT_MAX_FILE_SIZE, readTextAtSync, readTextFile } from './read-text-file.js';
export { escapeJsonForTerminal } from './terminal-safe-json.js';
export type { WriteFileAtomicOptions } from './write-file-atomic.js';
export { writeFileAtomic } from './write-file-atomic.js';
export {
  PATH_NOT_FOUND,
  PATH_OUTSIDE_ROOT,
  ROOT_NOT_FOUND,
  isInside,
  resolveInsideRoot,
  resolveRoot,
  toPosixPath,
} from './safe-path.js';
export type {
  ImageRef,
  ImageReferenceErrorReason,
  ImageReferenceResult,
  ParsedReference,
} from './image-reference.js';
export {
  DEFAULT_REGISTRY,
  DEFAULT_TAG,
  ImageReferenceError,
  hasUnresolvedVariable,
  parseImageReference,
  parseReference,
  tryParseImageReference,
} from './image-reference.js';
export { REFERENCE_GRAMMAR } from './reference-grammar.js';
export type { ExtractTarget, ExtractorContext, ImageExtractor, ImageField } from './image-extractor.js';
export {
  BUILTIN_EXTRACTORS,
  apiGroupOf,
  cloudNativePgExtractor,
  composeImage,
  customResourceImageExtractor,
  isCustomResource,
  podSpecFields,
  prometheusOperatorExtractor,
  workloadExtractor,
} from './image-extractor.js';
export type {
  ExtractImagesOptions,
  ExtractedImages,
  FoundImageFields,
  ImageReference,
  ObjectContext,
  PositionLookup,
} from './extract-images.js';
export {
  extractImages,
  extractImagesFromObject,
  findImageFields,
  isSopsEncrypted,
  toImageLocation,
} from './extract-images.js';
export type { EmbeddedImageField, EmbeddedYamlOptions } from './embedded-yaml.js';
export { findEmbeddedImageFields, mapEmbeddedPosition } from './embedded-yaml.js';
export { collectUniqueImages, compareLocations } from './unique-images.js';
export { compareFindings } from './compare-findings.js';
export type {
  IgnoreRule,
  IgnoreSource,
  OnScanError,
  PolicySettings,
  PolicyOverride,
  Policy,
  EffectivePolicy,
  PackageUrl,
  PolicyTarget,
  ExpiryOptions,
  ParsedIgnoreFile,
  PolicyFileResult,
  ReadPolicyFileOptions,
  ImageScanInput,
  EvaluateImageOptions,
  ImageEvaluation,
} from './policy/index.js';
export {
  matchGlob,
  parsePurl,
  matchPurl,
  DEFAULT_SEVERITY,
  severitiesOf,
  resolvePolicy,
  summarizePolicy,
  matchImage,
  ignoreExpiry,
  isIgnoreExpired,
  expiredIgnoreDiagnostics,
  parseTrivyIgnore,
  parseIgnoreDate,
  parseTrivyIgnoreYaml,
  MAX_POLICY_FILE_SIZE,
  readRepositoryPolicyFile,
  IgnoreRuleConfig,
  isCatchAllIgnore,
  PolicyOverrideConfig,
  PolicyConfig,
  parsePolicyConfig,
  describeScanError,
  toPolicyConfig,
  evaluateImage,
  isFixed,
  matchRule,
  sortFindings,
} from './policy/index.js';
export { GateSummary, isBlockingObject, summarizeGateReport } from './report-summary.js';
export { endSentence, joinSentences } from './sentence.js';
export { REDACTED, redactSecrets, secretValues } from './redact.js';
export { defaultCacheDirectory } from './cache-directory.js';
