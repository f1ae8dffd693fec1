import type { Diagnostic } from '../diagnostic.js';
import type { PolicySummary, Severity } from '../report.js';
import { SEVERITIES, plainObjectId } from '../report.js';
import { matchGlob } from './glob.js';
import type { EffectivePolicy, IgnoreRule, Policy, PolicySettings } from './types.js';

/** The severity threshold used when a policy names none: CRITICAL and HIGH fail. */
export const DEFAULT_SEVERITY: Severity = 'HIGH';

/** What a policy is resolved for: the image and, when gating a Flux object, its id. */
export interface PolicyTarget {
  /** Normalized image reference. */
  readonly image?: string;
  /** Flux object id: `kind/namespace/name`, or `<cluster>:kind/namespace/name`. */
  readonly object?: string;
}

/**
 * Expands a severity setting to the list of severities that fail an image, most severe first.
 *
 * @example
 * ```ts
 * severitiesOf('HIGH'); // ['CRITICAL', 'HIGH']
 * severitiesOf(['LOW', 'CRITICAL']); // ['CRITICAL', 'LOW']
 * ```
 */
export function severitiesOf(setting: Severity | readonly Severity[] | undefined): Severity[] {
  if (setting === undefined) return severitiesOf(DEFAULT_SEVERITY);
  if (typeof setting === 'string') return SEVERITIES.slice(0, SEVERITIES.indexOf(setting) + 1);
  return SEVERITIES.filter((severity) => setting.includes(severity));
}

/**
 * Resolves the policy for one image (and, optionally, one Flux object): the base settings with
 * every matching override applied in order, and every default filled in.
 *
 * @example
 * ```ts
 * const effective = resolvePolicy(policy, { image: 'docker.io/library/nginx:1.25', object: 'Kustomization/flux-system/apps' });
 * effective.severities; // ['CRITICAL', 'HIGH']
 * ```
 */
export function resolvePolicy(policy: Policy, target: PolicyTarget = {}): EffectivePolicy {
  let settings: PolicySettings = policy;
  const ignores: IgnoreRule[] = [...(policy.ignores ?? [])];
  const applied: number[] = [];
  // A pattern names the object by its id or, in a multi-cluster repository, by the
  // `kind/namespace/name` part alone (then it applies in every cluster).
  const plain = target.object === undefined ? undefined : plainObjectId(target.object);
  const matchesObject = (pattern: string): boolean =>
    matchGlob(pattern, target.object!) || (plain !== target.object && matchGlob(pattern, plain!));
  (policy.overrides ?? []).forEach((override, index) => {
    const byImage =
      target.image !== undefined &&
      (override.images ?? []).some((pattern) => matchImage(pattern, target.image!));
    const byObject = target.object !== undefined && (override.objects ?? []).some(matchesObject);
    if (!byImage && !byObject) return;
    applied.push(index);
    settings = {
      severity: override.severity ?? settings.severity,
      ignoreUnfixed: override.ignoreUnfixed ?? settings.ignoreUnfixed,
      onScanError: override.onScanError ?? settings.onScanError,
    };
    ignores.push(...(override.ignores ?? []));
  });
  return {
    severities: severitiesOf(settings.severity),
    ignoreUnfixed: settings.ignoreUnfixed ?? false,
    ignores,
    onScanError: settings.onScanError ?? 'block',
    overrides: applied,
  };
}

/** The base policy (no overrides) as the report's {@link PolicySummary}. */
export function summarizePolicy(policy: Policy): PolicySummary {
  const effective = resolvePolicy(policy);
  return {
    severities: [...effective.severities],
    ignoreUnfixed: effective.ignoreUnfixed,
    onScanError: effective.onScanError,
  };
}

/**
 * Tells whether an image glob matches a normalized reference, with or without its tag and
 * digest, so that `docker.io/library/nginx` covers every nginx tag.
 */
export function matchImage(pattern: string, ref: string): boolean {
  return matchGlob(pattern, ref) || matchGlob(pattern, stripTagAndDigest(ref));
}

function stripTagAndDigest(ref: string): string {
  const withoutDigest = ref.split('@', 1)[0] ?? ref;
  const colon = withoutDigest.lastIndexOf(':');
  return colon > withoutDigest.lastIndexOf('/') ? withoutDigest.slice(0, colon) : withoutDigest;
}

/**
 * The instant an ignore stops applying, in milliseconds, or undefined when it never expires or
 * its date cannot be read.
 */
export function ignoreExpiry(rule: IgnoreRule): number | undefined {
  if (rule.expires === undefined) return undefined;
  const time = Date.parse(rule.expires);
  return Number.isNaN(time) ? undefined : time;
}

/** Tells whether an ignore has expired at `now` (Trivy's rule: expired once its instant is past). */
export function isIgnoreExpired(rule: IgnoreRule, now: Date): boolean {
  const expiry = ignoreExpiry(rule);
  return expiry !== undefined && expiry < now.getTime();
}

/** Options of {@link expiredIgnoreDiagnostics}. */
export interface ExpiryOptions {
  /** The current time, injectable for deterministic output. @default new Date() */
  readonly now?: Date;
}

/**
 * One `expired-ignore` info diagnostic per ignore rule of the policy (base and overrides) whose
 * expiry date is past: the rule no longer applies, so its findings count again.
 *
 * @example
 * ```ts
 * expiredIgnoreDiagnostics(policy, { now: new Date('2026-06-01') });
 * // [{ file: '.trivyignore', line: 3, severity: 'info', code: 'expired-ignore', message: 'CVE-… ignore expired on 2026-01-01; findings count again' }]
 * ```
 */
export function expiredIgnoreDiagnostics(policy: Policy, options: ExpiryOptions = {}): Diagnostic[] {
  const now = options.now ?? new Date();
  const rules = [
    ...(policy.ignores ?? []),
    ...(policy.overrides ?? []).flatMap((override) => override.ignores ?? []),
  ];
  return rules
    .filter((rule) => isIgnoreExpired(rule, now))
    .map((rule) => ({
      file: rule.source?.file ?? '',
      ...(rule.source?.line === undefined ? {} : { line: rule.source.line }),
      severity: 'info' as const,
      code: 'expired-ignore',
      message: `The ignore for ${rule.id} expired on ${rule.expires}; its findings count again.`,
    }));
}
