import { describe, expect, it } from 'vitest';
import { isSluiceError } from '../errors.js';
import type { Finding } from '../report.js';
import { evaluateImage } from './evaluate-image.js';
import { isCatchAllIgnore, parsePolicyConfig } from './policy-config.js';
import { expiredIgnoreDiagnostics, resolvePolicy, severitiesOf, summarizePolicy } from './resolve-policy.js';
import { parseTrivyIgnore } from './trivy-ignore.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const REF = 'docker.io/library/nginx:1.21.0';

function finding(id: string, severity: Finding['severity'], extra: Partial<Finding> = {}): Finding {
  return { id, severity, package: 'openssl', installedVersion: '1.1.1', fixedVersion: '1.1.2', ...extra };
}

describe('evaluateImage', () => {
  it('fails on findings at or above the default threshold (HIGH) and lists them most severe first', () => {
    const result = evaluateImage(
      {
        ref: REF,
        outcome: 'ok',
        findings: [finding('CVE-3', 'MEDIUM'), finding('CVE-2', 'HIGH'), finding('CVE-1', 'CRITICAL')],
      },
      {},
      { now: NOW },
    );
    expect(result.verdict).toBe('fail');
    expect(result.findings.map((item) => item.id)).toEqual(['CVE-1', 'CVE-2', 'CVE-3']);
    expect(result.failing.map((item) => item.id)).toEqual(['CVE-1', 'CVE-2']);
    expect(result.reasons[0]).toBe(
      '2 findings at CRITICAL/HIGH: CVE-1 (CRITICAL, openssl), CVE-2 (HIGH, openssl).',
    );
  });

  it('passes when only lower severities remain, and honours an explicit severity list', () => {
    const input = {
      ref: REF,
      outcome: 'ok' as const,
      findings: [finding('CVE-3', 'MEDIUM'), finding('CVE-4', 'LOW')],
    };
    expect(evaluateImage(input, { severity: 'HIGH' }, { now: NOW }).verdict).toBe('pass');
    expect(evaluateImage(input, { severity: ['LOW'] }, { now: NOW }).failing.map((item) => item.id)).toEqual([
      'CVE-4',
    ]);
  });

  it('ignores unfixed findings only when asked, using the status when Trivy reports one', () => {
    const input = {
      ref: REF,
      outcome: 'ok' as const,
      findings: [
        finding('CVE-1', 'CRITICAL', { fixedVersion: undefined }),
        finding('CVE-2', 'CRITICAL', { status: 'will_not_fix', fixedVersion: undefined }),
      ],
    };
    expect(evaluateImage(input, {}, { now: NOW }).verdict).toBe('fail');
    const result = evaluateImage(input, { ignoreUnfixed: true }, { now: NOW });
    expect(result.verdict).toBe('pass');
    expect(
      result.findings.every((item) => item.suppressed === 'Ignored: no fixed version (ignoreUnfixed)'),
    ).toBe(true);
    expect(result.reasons).toEqual([
      'No findings at CRITICAL/HIGH that are not ignored.',
      '2 findings ignored by the policy.',
    ]);
  });

  it('applies ignores until they expire, then counts the finding again and says why', () => {
    const { ignores } = parseTrivyIgnore(
      'CVE-1 exp:2026-07-01 # vendor fix pending\nCVE-2 exp:2026-05-01\n',
      '.trivyignore',
    );
    const result = evaluateImage(
      { ref: REF, outcome: 'ok', findings: [finding('CVE-1', 'CRITICAL'), finding('CVE-2', 'HIGH')] },
      { ignores },
      { now: NOW },
    );
    expect(result.findings[0]?.suppressed).toBe(
      'Ignored by .trivyignore:1 until 2026-07-01: vendor fix pending',
    );
    expect(result.findings[1]?.suppressed).toBeUndefined();
    expect(result.verdict).toBe('fail');
    expect(result.reasons).toContain(
      'The ignore for CVE-2 (.trivyignore:2) expired on 2026-05-01; it no longer applies.',
    );
    expect(expiredIgnoreDiagnostics({ ignores }, { now: NOW })).toEqual([
      {
        file: '.trivyignore',
        line: 2,
        severity: 'info',
        code: 'expired-ignore',
        message: 'The ignore for CVE-2 expired on 2026-05-01; its findings count again.',
      },
    ]);
  });

  it('treats a date expiry as midnight UTC at its start, like Trivy', () => {
    const policy = { ignores: [{ id: 'CVE-1', expires: '2026-06-01' }] };
    const input = { ref: REF, outcome: 'ok' as const, findings: [finding('CVE-1', 'CRITICAL')] };
    expect(evaluateImage(input, policy, { now: new Date('2026-06-01T00:00:00Z') }).verdict).toBe('pass');
    expect(evaluateImage(input, policy, { now: new Date('2026-06-01T00:00:01Z') }).verdict).toBe('fail');
  });

  it('scopes ignores by image, package, path and purl', () => {
    const BAR = 'github.com/acme/bar';
    const SSL = 'libssl1.1';
    const findings = [
      finding('CVE-1', 'CRITICAL', {
        package: 'libssl1.1',
        packageType: 'debian',
        installedVersion: '1.1.1n',
      }),
      finding('CVE-1', 'CRITICAL', {
        package: 'github.com/acme/bar',
        packageType: 'gobinary',
        target: 'usr/bin/bar',
      }),
    ];
    const run = (rule: object, ref = REF) =>
      evaluateImage(
        { ref, outcome: 'ok', findings },
        { ignores: [{ id: 'CVE-1', ...rule }] },
        { now: NOW },
      ).findings.map((item) => [item.package, item.suppressed !== undefined]);
    expect(run({ images: ['docker.io/library/nginx'] })).toEqual([
      [BAR, true],
      [SSL, true],
    ]);
    expect(run({ images: ['docker.io/library/nginx'] }, 'ghcr.io/acme/nginx:1')).toEqual([
      [BAR, false],
      [SSL, false],
    ]);
    expect(run({ packages: ['lib*'] })).toEqual([
      [BAR, false],
      [SSL, true],
    ]);
    expect(run({ paths: ['usr/bin/**'] })).toEqual([
      [BAR, true],
      [SSL, false],
    ]);
    expect(run({ purls: ['pkg:golang/github.com/acme/bar'] })).toEqual([
      [BAR, true],
      [SSL, false],
    ]);
    expect(run({ purls: ['pkg:deb/debian/libssl1.1@1.1.1n'] })).toEqual([
      [BAR, false],
      [SSL, true],
    ]);
    expect(run({ purls: ['pkg:apk/alpine/libssl1.1'] })).toEqual([
      [BAR, false],
      [SSL, false],
    ]);
  });

  it('returns unknown for a failed scan and explains whether it blocks', () => {
    const input = {
      ref: REF,
      outcome: 'error' as const,
      error: { code: 'not-found' as const, message: 'manifest unknown' },
    };
    const closed = evaluateImage(input, {}, { now: NOW });
    expect(closed.verdict).toBe('unknown');
    expect(closed.reasons[0]).toContain('Failing closed');
    expect(evaluateImage(input, { onScanError: 'warn' }, { now: NOW }).reasons[0]).toContain(
      'blocks nothing',
    );
  });

  it('joins a scanner message that ends with a period without doubling it', () => {
    const input = {
      ref: REF,
      outcome: 'error' as const,
      error: { code: 'not-found' as const, message: 'No report matches (by RepoDigests).' },
    };
    expect(evaluateImage(input, { onScanError: 'warn' }, { now: NOW }).reasons).toEqual([
      'The scan failed (not-found): No report matches (by RepoDigests). It blocks nothing (onScanError: warn).',
    ]);
  });

  it('applies overrides by image or object, later ones winning, ignores adding up', () => {
    const policy = {
      severity: 'CRITICAL' as const,
      overrides: [
        { images: ['docker.io/library/*'], severity: 'MEDIUM' as const },
        { objects: ['Kustomization/prod/**'], severity: 'LOW' as const, ignores: [{ id: 'CVE-9' }] },
      ],
    };
    expect(resolvePolicy(policy, { image: 'ghcr.io/a/b:1' }).severities).toEqual(['CRITICAL']);
    expect(resolvePolicy(policy, { image: REF }).severities).toEqual(['CRITICAL', 'HIGH', 'MEDIUM']);
    const prod = resolvePolicy(policy, { image: REF, object: 'Kustomization/prod/apps' });
    expect(prod.severities).toEqual(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW']);
    expect(prod.ignores.map((rule) => rule.id)).toEqual(['CVE-9']);
    expect(prod.overrides).toEqual([0, 1]);
    const input = { ref: REF, outcome: 'ok' as const, findings: [finding('CVE-5', 'LOW')] };
    expect(evaluateImage(input, policy, { now: NOW }).verdict).toBe('pass');
    expect(evaluateImage(input, policy, { now: NOW, object: 'Kustomization/prod/apps' }).verdict).toBe(
      'fail',
    );
  });

  it('matches object patterns against a multi-cluster id or its kind/namespace/name part', () => {
    const policy = {
      overrides: [
        { objects: ['Kustomization/flux-system/apps'], severity: 'LOW' as const },
        { objects: ['clusters/staging:**'], onScanError: 'warn' as const },
      ],
    };
    const prod = resolvePolicy(policy, { object: 'clusters/prod:Kustomization/flux-system/apps' });
    expect(prod.overrides).toEqual([0]);
    const staging = resolvePolicy(policy, { object: 'clusters/staging:Kustomization/flux-system/apps' });
    expect(staging.overrides).toEqual([0, 1]);
    expect(
      resolvePolicy(policy, { object: 'clusters/prod:Kustomization/flux-system/web' }).overrides,
    ).toEqual([]);
    expect(resolvePolicy(policy, { object: 'Kustomization/flux-system/apps' }).overrides).toEqual([0]);
  });

  it('replaces a suppressed reason that came with the input', () => {
    const input = {
      ref: REF,
      outcome: 'ok' as const,
      findings: [finding('CVE-1', 'CRITICAL', { suppressed: 'old' })],
    };
    expect(evaluateImage(input, {}, { now: NOW }).findings[0]?.suppressed).toBeUndefined();
  });
});

describe('policy settings', () => {
  it('expands severities and summarizes the base policy with defaults', () => {
    expect(severitiesOf('MEDIUM')).toEqual(['CRITICAL', 'HIGH', 'MEDIUM']);
    expect(severitiesOf(['UNKNOWN', 'CRITICAL'])).toEqual(['CRITICAL', 'UNKNOWN']);
    expect(summarizePolicy({})).toEqual({
      severities: ['CRITICAL', 'HIGH'],
      ignoreUnfixed: false,
      onScanError: 'block',
    });
  });

  it('parses a configuration policy, turning YAML dates into strings and remembering the file', () => {
    const policy = parsePolicyConfig(
      {
        severity: ['CRITICAL'],
        ignoreUnfixed: true,
        ignores: [{ id: 'CVE-1', expires: new Date('2026-12-31T00:00:00Z') }],
        overrides: [
          { objects: ['HelmRelease/**'], onScanError: 'warn', ignores: [{ packages: ['openssl'] }] },
        ],
      },
      'sluice.yaml',
    );
    expect(policy.ignores).toEqual([{ id: 'CVE-1', expires: '2026-12-31', source: { file: 'sluice.yaml' } }]);
    expect(policy.overrides?.[0]?.ignores).toEqual([
      { packages: ['openssl'], source: { file: 'sluice.yaml' } },
    ]);
    expect(parsePolicyConfig(undefined)).toEqual({});
  });

  it('refuses a catch-all ignore (no id, every scope only wildcards), here or in an override', () => {
    for (const rule of [
      { images: ['**'] },
      { paths: ['**/*'] },
      { packages: ['*'], images: ['ghcr.io/acme/**', '**'] },
      { images: ['**'], paths: ['/**'], reason: 'temporary' },
    ]) {
      expect(isCatchAllIgnore(rule), JSON.stringify(rule)).toBe(true);
      expect(() => parsePolicyConfig({ ignores: [rule] }, 'sluice.yaml'), JSON.stringify(rule)).toThrow(
        /ignores\.0: an ignore without an id whose every scope is only wildcards/,
      );
      expect(() => parsePolicyConfig({ overrides: [{ images: ['x/**'], ignores: [rule] }] })).toThrow(
        /overrides\.0\.ignores\.0: an ignore without an id/,
      );
    }
    for (const rule of [
      { id: 'CVE-2023-44487', images: ['**'] },
      { images: ['ghcr.io/acme/legacy-*'] },
      { images: ['**'], packages: ['openssl'] },
      { purls: ['pkg:deb/debian/openssl'] },
    ]) {
      expect(isCatchAllIgnore(rule), JSON.stringify(rule)).toBe(false);
      expect(() => parsePolicyConfig({ ignores: [rule] })).not.toThrow();
    }
  });

  it('rejects a bad configuration with every problem and its path', () => {
    let caught: unknown;
    try {
      parsePolicyConfig(
        { severity: 'SEVERE', ignores: [{ reason: 'no id' }], overrides: [{ severity: 'LOW' }], extra: 1 },
        'sluice.yaml',
      );
    } catch (error) {
      caught = error;
    }
    expect(isSluiceError(caught, 'SLUICE_INVALID_POLICY')).toBe(true);
    const message = (caught as Error).message;
    expect(message).toContain('sluice.yaml');
    expect(message).toContain('severity');
    expect(message).toContain('ignores.0');
    expect(message).toContain('overrides.0');
  });
});
