import { describe, expect, it } from 'vitest';
import { parseTrivyIgnore } from './trivy-ignore.js';
import { parseTrivyIgnoreYaml } from './trivy-ignore-yaml.js';
import { parsePolicyConfig, toPolicyConfig } from './policy-config.js';
import type { Policy } from './types.js';

describe('toPolicyConfig', () => {
  it('writes a policy that reads back the same, ignore sources and timestamps included', () => {
    const policy: Policy = {
      ...parsePolicyConfig(
        {
          severity: ['CRITICAL', 'HIGH', 'MEDIUM'],
          ignoreUnfixed: true,
          onScanError: 'warn',
          ignores: [
            { id: 'CVE-2023-44487', expires: '2026-12-31', images: ['ghcr.io/acme/**'], reason: 'no h2' },
          ],
          overrides: [
            { objects: ['Kustomization/flux-system/staging-*'], severity: 'CRITICAL' },
            { images: ['docker.io/library/*'], ignores: [{ packages: ['openssl'], id: 'CVE-2024-1' }] },
          ],
        },
        'sluice.config.yaml',
      ),
    };
    const withFiles: Policy = {
      ...policy,
      ignores: [
        ...(policy.ignores ?? []),
        ...parseTrivyIgnore('CVE-2019-14697 exp:2027-01-01 # musl\n', '.trivyignore').ignores,
        ...parseTrivyIgnoreYaml(
          'vulnerabilities:\n  - id: CVE-2020-1\n    expired_at: 2027-03-01T12:30:00Z\n    paths: [usr/lib/x]\n',
          '.trivyignore.yaml',
        ).ignores,
      ],
    };
    const written = JSON.parse(JSON.stringify(toPolicyConfig(withFiles))) as unknown;
    expect(parsePolicyConfig(written, 'policy.json')).toEqual(JSON.parse(JSON.stringify(withFiles)));
    expect(withFiles.ignores?.map((rule) => rule.source)).toEqual([
      { file: 'sluice.config.yaml' },
      { file: '.trivyignore', line: 1 },
      { file: '.trivyignore.yaml', line: 2 },
    ]);
    expect(withFiles.ignores?.[2]?.expires).toBe('2027-03-01T12:30:00.000Z');
  });

  it('writes an empty policy as an empty section', () => {
    expect(toPolicyConfig({})).toEqual({});
    expect(parsePolicyConfig(toPolicyConfig({}))).toEqual({});
  });

  it('still refuses an expiry that is neither a date nor a UTC timestamp', () => {
    expect(() => parsePolicyConfig({ ignores: [{ id: 'CVE-1', expires: 'next week' }] })).toThrow(
      /expected a date YYYY-MM-DD/,
    );
  });
});
