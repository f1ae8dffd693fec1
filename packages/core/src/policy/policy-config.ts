import * as z from 'zod';
import { SluiceError } from '../errors.js';
import { Severity } from '../report.js';
import { parseIgnoreDate } from './trivy-ignore.js';
import type { IgnoreRule, Policy, PolicyOverride, PolicySettings } from './types.js';

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

const ExpiryDate = z.union([
  z
    .string()
    .refine(
      (text) =>
        parseIgnoreDate(text) !== undefined || (ISO_TIMESTAMP.test(text) && !Number.isNaN(Date.parse(text))),
      'expected a date YYYY-MM-DD (or an ISO timestamp such as 2026-12-31T12:00:00Z)',
    ),
  // YAML loaders read an unquoted date as a Date.
  z.date().transform((date) => date.toISOString().slice(0, 10)),
]);

const Patterns = z.array(z.string().min(1)).min(1);

/** One ignore rule in the configuration file; see {@link IgnoreRule}. */
export const IgnoreRuleConfig = z
  .strictObject({
    id: z.string().min(1).optional(),
    expires: ExpiryDate.optional(),
    images: Patterns.optional(),
    packages: Patterns.optional(),
    paths: Patterns.optional(),
    purls: Patterns.optional(),
    reason: z.string().optional(),
    /**
     * Where the rule was first written, kept when `sluice gate` copies a resolved policy into the
     * cluster (so that reasons and diagnostics name the same file and line as in CI).
     * @default the configuration file itself
     */
    source: z.strictObject({ file: z.string(), line: z.number().int().positive().optional() }).optional(),
  })
  .refine(
    (rule) => rule.id !== undefined || rule.images || rule.packages || rule.paths || rule.purls,
    'an ignore needs an id or a scope (images, packages, paths or purls)',
  )
  .refine(
    (rule) => !isCatchAllIgnore(rule),
    'an ignore without an id whose every scope is only wildcards (such as images: ["**"]) would hide every finding; name the vulnerability (id) or narrow the scope',
  );
// A pattern made only of wildcards and separators (`**`, `*`, `**/*`, `/`) matches any image,
// package or path of a finding.
const WILDCARD_ONLY = /^[\s*?/]*$/;

/**
 * True for an ignore rule that matches (nearly) every finding of every image: no `id`, no
 * `purls` (a package URL always names a package), and in each scope it has (`images`,
 * `packages`, `paths`) a pattern made only of wildcards. Such a rule is refused in a policy: it
 * turns the gate off while looking like an exception.
 *
 * @example
 * ```ts
 * isCatchAllIgnore({ images: ['**'] }); // true
 * isCatchAllIgnore({ images: ['ghcr.io/acme/legacy-*'] }); // false
 * isCatchAllIgnore({ id: 'CVE-2023-44487', images: ['**'] }); // false
 * ```
 */
export function isCatchAllIgnore(
  rule: Pick<IgnoreRule, 'id' | 'images' | 'packages' | 'paths' | 'purls'>,
): boolean {
  if (rule.id !== undefined || (rule.purls?.length ?? 0) > 0) return false;
  const scopes = [rule.images, rule.packages, rule.paths].filter(
    (scope): scope is readonly string[] => scope !== undefined && scope.length > 0,
  );
  return scopes.every((scope) => scope.some((pattern) => WILDCARD_ONLY.test(pattern)));
}

/** One ignore rule in the configuration file. */
export type IgnoreRuleConfig = z.infer<typeof IgnoreRuleConfig>;

const SeveritySetting = z.union([Severity, z.array(Severity).min(1)]);
const OnScanErrorSetting = z.enum(['block', 'warn']);

/** One override in the configuration file; see {@link PolicyOverride}. */
export const PolicyOverrideConfig = z
  .strictObject({
    objects: Patterns.optional(),
    images: Patterns.optional(),
    severity: SeveritySetting.optional(),
    ignoreUnfixed: z.boolean().optional(),
    onScanError: OnScanErrorSetting.optional(),
    ignores: z.array(IgnoreRuleConfig).optional(),
  })
  .refine((override) => override.objects || override.images, 'an override needs `objects` or `images`');
/** One override in the configuration file. */
export type PolicyOverrideConfig = z.infer<typeof PolicyOverrideConfig>;

/**
 * The `policy` section of a Sluice configuration file (validated at the edge, then trusted).
 *
 * @example
 * ```yaml
 * severity: HIGH            # or a list: [CRITICAL, HIGH, MEDIUM]
 * ignoreUnfixed: true
 * onScanError: block        # fail closed (default) or warn
 * ignores:
 *   - id: CVE-2023-44487
 *     expires: 2026-12-31
 *     images: [ghcr.io/acme/**]
 *     reason: HTTP/2 not exposed
 * overrides:
 *   - objects: [Kustomization/flux-system/staging-*]
 *     severity: CRITICAL
 * ```
 */
export const PolicyConfig = z.strictObject({
  severity: SeveritySetting.optional(),
  ignoreUnfixed: z.boolean().optional(),
  onScanError: OnScanErrorSetting.optional(),
  ignores: z.array(IgnoreRuleConfig).optional(),
  overrides: z.array(PolicyOverrideConfig).optional(),
});
/** The `policy` section of a Sluice configuration file. */
export type PolicyConfig = z.infer<typeof PolicyConfig>;

/**
 * Validates a policy read from a configuration file and turns it into a {@link Policy}; every
 * ignore remembers `file` as its source.
 *
 * @throws {SluiceError} `SLUICE_INVALID_POLICY` listing every problem with its path.
 * @example
 * ```ts
 * const policy = parsePolicyConfig(yaml.load(text).policy, 'sluice.yaml');
 * ```
 */
export function parsePolicyConfig(value: unknown, file = ''): Policy {
  const result = PolicyConfig.safeParse(value ?? {});
  if (!result.success) {
    const problems = result.error.issues
      .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(policy)'}: ${issue.message}`)
      .join('; ');
    throw new SluiceError(
      'SLUICE_INVALID_POLICY',
      `Invalid policy${file ? ` in ${file}` : ''}: ${problems}`,
      {
        cause: result.error,
      },
    );
  }
  const config = result.data;
  const toRule = (rule: IgnoreRuleConfig): IgnoreRule => {
    const source = rule.source ?? (file ? { file } : undefined);
    return { ...rule, ...(source ? { source } : {}) };
  };
  const overrides: PolicyOverride[] | undefined = config.overrides?.map((override) => ({
    ...override,
    ...(override.ignores ? { ignores: override.ignores.map(toRule) } : {}),
  }));
  return {
    ...config,
    ...(config.ignores ? { ignores: config.ignores.map(toRule) } : {}),
    ...(overrides ? { overrides } : {}),
  };
}

/**
 * Writes a {@link Policy} as a configuration file's policy section, the inverse of
 * {@link parsePolicyConfig}: every ignore keeps its `source`, so `parsePolicyConfig(toPolicyConfig(p))`
 * gives back `p` (as JSON). `sluice gate` uses it to hand the policy of a CI run to the in-cluster scan.
 *
 * @example
 * ```ts
 * const text = JSON.stringify(toPolicyConfig(policy)); // the gate ConfigMap's policy.json
 * parsePolicyConfig(JSON.parse(text), 'policy.json'); // deep-equals policy
 * ```
 */
export function toPolicyConfig(policy: Policy): PolicyConfig {
  const toConfigRule = (rule: IgnoreRule): IgnoreRuleConfig => ({
    ...(rule.id === undefined ? {} : { id: rule.id }),
    ...(rule.expires === undefined ? {} : { expires: rule.expires }),
    ...(rule.images ? { images: [...rule.images] } : {}),
    ...(rule.packages ? { packages: [...rule.packages] } : {}),
    ...(rule.paths ? { paths: [...rule.paths] } : {}),
    ...(rule.purls ? { purls: [...rule.purls] } : {}),
    ...(rule.reason === undefined ? {} : { reason: rule.reason }),
    ...(rule.source ? { source: { ...rule.source } } : {}),
  });
  const severity = (value: PolicySettings['severity']): PolicyConfig['severity'] =>
    typeof value === 'string' ? value : value && value.length > 0 ? [...value] : undefined;
  const settings = (value: PolicySettings) => {
    const level = severity(value.severity);
    return {
      ...(level === undefined ? {} : { severity: level }),
      ...(value.ignoreUnfixed === undefined ? {} : { ignoreUnfixed: value.ignoreUnfixed }),
      ...(value.onScanError === undefined ? {} : { onScanError: value.onScanError }),
      ...(value.ignores && value.ignores.length > 0 ? { ignores: value.ignores.map(toConfigRule) } : {}),
    };
  };
  return {
    ...settings(policy),
    ...(policy.overrides && policy.overrides.length > 0
      ? {
          overrides: policy.overrides.map((override) => ({
            ...(override.objects ? { objects: [...override.objects] } : {}),
            ...(override.images ? { images: [...override.images] } : {}),
            ...settings(override),
          })),
        }
      : {}),
  };
}
