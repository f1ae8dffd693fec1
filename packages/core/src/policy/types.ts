import type { Severity } from '../report.js';

/** Where an ignore rule is written, for diagnostics and reasons. */
export interface IgnoreSource {
  readonly file: string;
  readonly line?: number;
}

/**
 * One vulnerability to ignore. Scopes narrow it: when several are given, a finding must match
 * every one of them (and, inside a scope, any one of its patterns).
 */
export interface IgnoreRule {
  /**
   * Vulnerability ID as Trivy reports it: `CVE-…`, `GHSA-…`, compared exactly. Absent only when a
   * scope is given (as Trivy's `.trivyignore.yaml` allows): then every vulnerability in the scope.
   */
  readonly id?: string;
  /**
   * Last day the ignore applies, `YYYY-MM-DD` (or a full ISO timestamp). Like Trivy, a date means
   * midnight UTC at its start: `2026-01-01` stops applying once `2026-01-01T00:00:00Z` is past.
   * @default never expires
   */
  readonly expires?: string;
  /**
   * Glob patterns over normalized image references (`docker.io/library/nginx:1.21.0`); a pattern
   * also matches the reference without its tag and digest (`docker.io/library/nginx`).
   * @default every image
   */
  readonly images?: readonly string[];
  /** Package names (globs) as Trivy reports them (`openssl`, `golang.org/x/net`). @default every package */
  readonly packages?: readonly string[];
  /** Trivy `.trivyignore.yaml` `paths`: globs over the finding's target (lock file path). @default every target */
  readonly paths?: readonly string[];
  /** Trivy `.trivyignore.yaml` `purls`: package URLs (`pkg:deb/debian/libssl1.1`). @default every package */
  readonly purls?: readonly string[];
  /** Why it is ignored (Trivy's `statement`). */
  readonly reason?: string;
  /** Where the rule is written. */
  readonly source?: IgnoreSource;
}

/** What to do with an image that could not be scanned. */
export type OnScanError = 'block' | 'warn';

/**
 * A policy setting that can be changed for some images or objects. `severity` is a threshold
 * (`'HIGH'` = HIGH and CRITICAL) or an explicit list of severities that fail an image.
 */
export interface PolicySettings {
  /**
   * Severities that fail an image: a threshold (this and more severe) or an explicit list.
   * @default 'HIGH' (CRITICAL and HIGH)
   */
  readonly severity?: Severity | readonly Severity[];
  /** Ignore findings without a fixed version (Trivy's `--ignore-unfixed`). @default false */
  readonly ignoreUnfixed?: boolean;
  /** Vulnerabilities to ignore. Overrides add to the base list. @default [] */
  readonly ignores?: readonly IgnoreRule[];
  /**
   * `block`: an image that could not be scanned blocks like a failing one (fail closed);
   * `warn`: it is reported as `unknown` but blocks nothing.
   * @default 'block'
   */
  readonly onScanError?: OnScanError;
}

/**
 * Different settings for some images or Flux objects. An override applies when any `images`
 * pattern matches the image, or any `objects` pattern matches the Flux object being gated.
 * Later overrides win for `severity`, `ignoreUnfixed` and `onScanError`; `ignores` add up.
 */
export interface PolicyOverride extends PolicySettings {
  /**
   * Globs over Flux object ids, `kind/namespace/name` (`Kustomization/flux-system/apps-*`). In a
   * repository with several clusters a pattern matches the whole id
   * (`clusters/staging:Kustomization/**`) or its `kind/namespace/name` part (every cluster).
   */
  readonly objects?: readonly string[];
  /** Globs over normalized image references (also matched without tag and digest). */
  readonly images?: readonly string[];
}

/**
 * The gate policy: which findings fail an image, which are ignored, and what a scan error
 * means. Every field is optional; {@link resolvePolicy} fills in the defaults.
 *
 * @example
 * ```ts
 * const policy: Policy = {
 *   severity: 'HIGH',
 *   ignoreUnfixed: true,
 *   ignores: [{ id: 'CVE-2023-1234', expires: '2026-12-31', images: ['ghcr.io/acme/*'] }],
 *   overrides: [{ objects: ['Kustomization/staging/**'], severity: 'CRITICAL' }],
 * };
 * ```
 */
export interface Policy extends PolicySettings {
  /** Settings for some images or objects. @default [] */
  readonly overrides?: readonly PolicyOverride[];
}

/** A policy with every default filled in, as used for one image (and object). */
export interface EffectivePolicy {
  /** Severities that fail an image, most severe first. */
  readonly severities: readonly Severity[];
  readonly ignoreUnfixed: boolean;
  readonly ignores: readonly IgnoreRule[];
  readonly onScanError: OnScanError;
  /** Indexes of the overrides that applied, in order (empty for the base policy). */
  readonly overrides: readonly number[];
}
