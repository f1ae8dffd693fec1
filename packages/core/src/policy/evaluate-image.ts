import { compareStrings } from '../diagnostic.js';
import { compareFindings } from '../compare-findings.js';
import { joinSentences } from '../sentence.js';
import type { Finding, ImageVerdict, ScanError } from '../report.js';
import { matchGlob } from './glob.js';
import { matchPurl, parsePurl } from './purl.js';
import { isIgnoreExpired, matchImage, resolvePolicy } from './resolve-policy.js';
import type { EffectivePolicy, IgnoreRule, Policy } from './types.js';

/** What a scan of one image produced: findings, or a classified error. */
export interface ImageScanInput {
  /** Normalized image reference. */
  readonly ref: string;
  readonly outcome: 'ok' | 'error';
  /** The findings, when the scan succeeded. @default [] */
  readonly findings?: readonly Finding[];
  /** Why the scan failed, when it did. */
  readonly error?: ScanError;
}

/** Options of {@link evaluateImage}. */
export interface EvaluateImageOptions {
  /** The current time, for ignore expiry; inject it for deterministic results. @default new Date() */
  readonly now?: Date;
  /** The Flux object (`kind/namespace/name`) the image is judged for, to apply `objects` overrides. */
  readonly object?: string;
}

/** The policy's decision on one image. */
export interface ImageEvaluation {
  readonly ref: string;
  /** `fail` when a finding at a failing severity is not ignored; `unknown` when the scan failed. */
  readonly verdict: ImageVerdict;
  /** Every finding, sorted (severity, id, package), ignored ones with `suppressed` set. */
  readonly findings: Finding[];
  /** The findings that fail the image. */
  readonly failing: Finding[];
  /** One sentence per reason for the verdict. */
  readonly reasons: string[];
  /** The settings that were applied. */
  readonly policy: EffectivePolicy;
}

const MAX_LISTED = 5;

/** One sentence saying why a scan failed: `The scan failed (not-found): manifest unknown.` */
export function describeScanError(error: ScanError): string {
  return joinSentences(`The scan failed (${error.code}): ${error.message}`);
}

/**
 * Applies a policy to one image's scan: marks ignored findings (`suppressed`, with the reason),
 * decides the verdict and explains it.
 *
 * - A finding is ignored when `ignoreUnfixed` is on and it has no fix (Trivy status other than
 *   `fixed`, or no status and no fixed version), or when an ignore rule that has not expired
 *   matches it. An expired rule no longer applies; the reasons say so.
 * - The image fails when any finding that is not ignored has one of the failing severities.
 * - A failed scan gives `unknown`, whatever `onScanError` says: the gate decides whether
 *   `unknown` blocks (`block`, the default) or only warns.
 *
 * @example
 * ```ts
 * const result = evaluateImage(
 *   { ref: 'docker.io/library/nginx:1.21.0', outcome: 'ok', findings },
 *   { severity: 'HIGH', ignoreUnfixed: true },
 *   { now: new Date('2026-06-01T00:00:00Z') },
 * );
 * result.verdict; // 'fail'
 * result.reasons; // ['2 findings at CRITICAL/HIGH: CVE-2021-23017 (HIGH, nginx), …']
 * ```
 */
export function evaluateImage(
  input: ImageScanInput,
  policy: Policy,
  options: EvaluateImageOptions = {},
): ImageEvaluation {
  const now = options.now ?? new Date();
  const effective = resolvePolicy(policy, {
    image: input.ref,
    ...(options.object === undefined ? {} : { object: options.object }),
  });
  if (input.outcome === 'error') {
    const error = input.error ?? { code: 'unknown', message: 'the scan failed without an error' };
    const consequence =
      effective.onScanError === 'block'
        ? 'Failing closed: the image blocks until it can be scanned (onScanError: block).'
        : 'It blocks nothing (onScanError: warn).';
    return {
      ref: input.ref,
      verdict: 'unknown',
      findings: sortFindings((input.findings ?? []).map((finding) => ({ ...finding }))),
      failing: [],
      reasons: [joinSentences(describeScanError(error), consequence)],
      policy: effective,
    };
  }

  const expiredHits = new Set<IgnoreRule>();
  const findings = sortFindings(
    (input.findings ?? []).map((finding): Finding => {
      const suppressed = suppressionOf(finding, input.ref, effective, now, expiredHits);
      const { suppressed: _previous, ...rest } = finding;
      return suppressed === undefined ? rest : { ...rest, suppressed };
    }),
  );
  const failing = findings.filter(
    (finding) => finding.suppressed === undefined && effective.severities.includes(finding.severity),
  );
  const reasons: string[] = [];
  const levels = effective.severities.join('/') || 'no severity';
  const ignored = findings.filter((finding) => finding.suppressed !== undefined).length;
  if (failing.length > 0) {
    const listed = failing
      .slice(0, MAX_LISTED)
      .map((finding) => `${finding.id} (${finding.severity}, ${finding.package})`)
      .join(', ');
    const more = failing.length > MAX_LISTED ? ` and ${failing.length - MAX_LISTED} more` : '';
    reasons.push(`${count(failing.length, 'finding')} at ${levels}: ${listed}${more}.`);
  } else {
    reasons.push(`No findings at ${levels}${ignored > 0 ? ` that are not ignored` : ''}.`);
  }
  if (ignored > 0) reasons.push(`${count(ignored, 'finding')} ignored by the policy.`);
  for (const rule of [...expiredHits].sort(compareRules)) {
    reasons.push(
      `The ignore for ${rule.id ?? 'its scope'}${where(rule)} expired on ${rule.expires}; it no longer applies.`,
    );
  }
  return {
    ref: input.ref,
    verdict: failing.length > 0 ? 'fail' : 'pass',
    findings,
    failing,
    reasons,
    policy: effective,
  };
}

function suppressionOf(
  finding: Finding,
  ref: string,
  policy: EffectivePolicy,
  now: Date,
  expiredHits: Set<IgnoreRule>,
): string | undefined {
  for (const rule of policy.ignores) {
    if (!matchRule(rule, finding, ref)) continue;
    if (isIgnoreExpired(rule, now)) {
      expiredHits.add(rule);
      continue;
    }
    const until = rule.expires === undefined ? '' : ` until ${rule.expires}`;
    const why = rule.reason === undefined ? '' : `: ${rule.reason}`;
    return `Ignored by ${describeSource(rule)}${until}${why}`;
  }
  if (policy.ignoreUnfixed && !isFixed(finding)) return 'Ignored: no fixed version (ignoreUnfixed)';
  return undefined;
}

/** Tells whether a finding has a fix, the way Trivy's `--ignore-unfixed` decides it. */
export function isFixed(finding: Finding): boolean {
  if (finding.status !== undefined) return finding.status === 'fixed';
  return finding.fixedVersion !== undefined && finding.fixedVersion !== '';
}

/** Tells whether an ignore rule (expired or not) covers a finding of an image. */
export function matchRule(rule: IgnoreRule, finding: Finding, ref: string): boolean {
  if (rule.id !== undefined && rule.id !== finding.id) return false;
  if (rule.images && rule.images.length > 0 && !rule.images.some((pattern) => matchImage(pattern, ref)))
    return false;
  if (
    rule.packages &&
    rule.packages.length > 0 &&
    !rule.packages.some((pattern) => matchGlob(pattern, finding.package))
  ) {
    return false;
  }
  if (rule.paths && rule.paths.length > 0) {
    const target = (finding.target ?? '').replace(/^\/+/, '');
    if (!rule.paths.some((pattern) => matchGlob(pattern.replace(/^\/+/, ''), target))) return false;
  }
  if (rule.purls && rule.purls.length > 0) {
    const matches = rule.purls.some((text) => {
      const purl = parsePurl(text);
      return purl !== undefined && matchPurl(purl, finding);
    });
    if (!matches) return false;
  }
  return true;
}

function describeSource(rule: IgnoreRule): string {
  if (!rule.source) return 'the policy';
  return rule.source.line === undefined ? rule.source.file : `${rule.source.file}:${rule.source.line}`;
}

function where(rule: IgnoreRule): string {
  return rule.source ? ` (${describeSource(rule)})` : '';
}

function compareRules(a: IgnoreRule, b: IgnoreRule): number {
  return compareStrings(a.id ?? '', b.id ?? '') || compareStrings(describeSource(a), describeSource(b));
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** Sorts findings most severe first, then by id, package, installed version and target. */
export function sortFindings<T extends Finding>(findings: T[]): T[] {
  return findings.sort(compareFindings);
}
