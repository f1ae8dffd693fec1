export type {
  IgnoreRule,
  IgnoreSource,
  OnScanError,
  PolicySettings,
  PolicyOverride,
  Policy,
  EffectivePolicy,
} from './types.js';
export { matchGlob } from './glob.js';
export type { PackageUrl } from './purl.js';
export { parsePurl, matchPurl } from './purl.js';
export type { PolicyTarget, ExpiryOptions } from './resolve-policy.js';
export {
  DEFAULT_SEVERITY,
  severitiesOf,
  resolvePolicy,
  summarizePolicy,
  matchImage,
  ignoreExpiry,
  isIgnoreExpired,
  expiredIgnoreDiagnostics,
} from './resolve-policy.js';
export type { ParsedIgnoreFile } from './trivy-ignore.js';
export { parseTrivyIgnore, parseIgnoreDate } from './trivy-ignore.js';
export { parseTrivyIgnoreYaml } from './trivy-ignore-yaml.js';
export type { PolicyFileResult, ReadPolicyFileOptions } from './read-policy-file.js';
export { MAX_POLICY_FILE_SIZE, readRepositoryPolicyFile } from './read-policy-file.js';
export {
  IgnoreRuleConfig,
  PolicyOverrideConfig,
  PolicyConfig,
  isCatchAllIgnore,
  parsePolicyConfig,
  toPolicyConfig,
} from './policy-config.js';
export type { ImageScanInput, EvaluateImageOptions, ImageEvaluation } from './evaluate-image.js';
export { describeScanError, evaluateImage, isFixed, matchRule, sortFindings } from './evaluate-image.js';
