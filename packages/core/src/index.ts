export { SluiceError, isSluiceError } from './errors.js';
export { Diagnostic, DiagnosticSeverity, compareDiagnostics, compareStrings } from './diagnostic.js';
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
} from './report.js';
export type { SourcePosition } from './source-text.js';
export { LineIndex } from './source-text.js';
export { YamlPositions } from './yaml-positions.js';
export type { YamlDocument, ParsedYaml } from './parse-yaml.js';
export { parseYaml } from './parse-yaml.js';
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
  IgnoreRuleConfig,
  PolicyOverrideConfig,
  PolicyConfig,
  parsePolicyConfig,
  evaluateImage,
  isFixed,
  matchRule,
  sortFindings,
} from './policy/index.js';
