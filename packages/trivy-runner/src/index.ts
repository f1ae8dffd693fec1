export { createTrivyRunner, scanImages } from './runner.js';
export type { TrivyRunner, ScanBatchOptions } from './runner.js';
export type { ImageInput } from './plan.js';
export type { ImageScanOutcome } from './outcome.js';
export type { ScanEvent, ScanEventHandler } from './events.js';
export {
  resolveOptions,
  defaultCacheDirectory,
  DEFAULT_SCAN_TIMEOUT_MS,
  DEFAULT_TAG_TTL_MS,
} from './options.js';
export type { TrivyRunnerOptions, ResolvedRunnerOptions, TrivyCacheBackend } from './options.js';
export {
  buildScanArgs,
  buildDbUpdateArgs,
  buildVersionArgs,
  buildTrivyEnv,
  REGISTRY_CREDENTIAL_VARIABLES,
} from './args.js';
export { normalizeRegistryHost, INVALID_REGISTRY_HOST } from './registry-host.js';
export { createTrivyReportReader, readTrivyReport, DEFAULT_MAX_REPORT_BYTES } from './read-report.js';
export type {
  ReadTrivyReport,
  ReadReportOptions,
  ReportReadError,
  ReportReadResult,
  TrivyReportReader,
} from './read-report.js';
export { validateImageArgument, normalizeImageName, INVALID_IMAGE_REFERENCE } from './image-argument.js';
export type { ImageName } from './image-argument.js';
export { classifyTrivyFailure } from './classify-error.js';
export type { ClassifiedError, TrivyProcessResult } from './classify-error.js';
export { redactSecrets, REDACTED } from './redact.js';
export {
  TrivyReport,
  TrivyResult,
  TrivyVulnerability,
  TrivyCvss,
  TrivyMetadata,
  TrivyVersionInfo,
  TrivyDbMetadata,
} from './trivy-report.js';
export { extractFindings, toFinding } from './findings.js';
export {
  getScannerInfo,
  formatDbVersion,
  isDbStale,
  SCANNER_MISSING,
  SCANNER_FAILED,
} from './scanner-info.js';
export { DbUpdateError, DB_UPDATE_FAILED } from './update-db.js';
export { loadTrivyReports, outcomeFromReport } from './load-reports.js';
export type { TrivyReportSet, LoadedTrivyReport } from './load-reports.js';
export { createCacheKey, createMemoryCache, CACHE_FORMAT_VERSION } from './cache.js';
export type { Cache, CachedScan, CacheKeyParts } from './cache.js';
export { createFsCache } from './fs-cache.js';
export { createCache } from './create-cache.js';
export { createRedisCache, CACHE_UNAVAILABLE } from './redis-cache.js';
export type { RedisCacheOptions } from './redis-cache.js';
