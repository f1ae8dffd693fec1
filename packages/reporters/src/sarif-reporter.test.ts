import { gunzipSync, gzipSync } from 'node:zlib';
import type { Finding, GateReport } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import {
  HOSTILE,
  buildHostileReport,
  buildPassingReport,
  buildSampleReport,
} from './__fixtures__/sample-report.js';
import { sarifSchemaErrors } from './__fixtures__/validate-sarif.js';
import { buildSarifLog, sarifReporter } from './sarif-reporter.js';
import type { SarifLog } from './sarif-types.js';

async function render(
  report: GateReport,
  options: Parameters<typeof sarifReporter>[0] = {},
): Promise<SarifLog> {
  const text = (await sarifReporter(options).render(report)) as string;
  expect(sarifSchemaErrors(text)).toEqual([]);
  return JSON.parse(text) as SarifLog;
}

/** A report with `count` findings spread over 10 images, each with one location. */
function hugeReport(count: number): GateReport {
  const sample = buildSampleReport();
  const severities = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'] as const;
  const images = Array.from({ length: 10 }, (_, image) => ({
    ref: `registry.example.com/app-${image}:1.0`,
    locations: [
      {
        file: `apps/app-${image}.yaml`,
        line: 10 + image,
        column: 16,
        raw: `registry.example.com/app-${image}:1.0`,
        kind: 'Deployment',
        name: `app-${image}`,
        container: 'app',
      },
    ],
    outcome: 'ok' as const,
    findings: Array.from({ length: count / 10 }, (_, index): Finding => ({
      // Images share CVEs, as real ones do: about 1,000 rules for any count.
      id: `CVE-2024-${String(index % 1_000).padStart(5, '0')}`,
      severity: severities[index % 5]!,
      package: `package-${index}`,
      installedVersion: '1.0.0',
      fixedVersion: '1.0.1',
      title: `A vulnerability with a long title to make the file bigger ${index}`,
      description: `Description ${index} `.repeat(20),
    })),
    verdict: 'fail' as const,
  }));
  return { ...sample, images, objects: [], diagnostics: [] };
}

describe('sarifReporter', () => {
  it('matches the golden file and the OASIS schema', async () => {
    const text = (await sarifReporter().render(buildSampleReport())) as string;
    expect(sarifSchemaErrors(text)).toEqual([]);
    await expect(text).toMatchFileSnapshot('./__fixtures__/golden/sample.sarif');
  });

  it('is byte-identical across runs and independent of input order', async () => {
    const report = buildSampleReport();
    const reversed = {
      ...report,
      images: [...report.images]
        .reverse()
        .map((image) => ({ ...image, findings: [...image.findings].reverse() })),
      objects: [...report.objects].reverse(),
      diagnostics: [...report.diagnostics].reverse(),
    };
    const first = await sarifReporter().render(report);
    expect(sarifSchemaErrors(String(first))).toEqual([]);
    expect(await sarifReporter().render(report)).toBe(first);
    expect(await sarifReporter().render(reversed)).toBe(first);
  });

  it('writes one rule per vulnerability with GitHub’s required fields', async () => {
    const log = await render(buildSampleReport());
    const run = log.runs[0];
    const rules = run.tool.driver.rules;
    expect(new Set(rules.map((rule) => rule.id)).size).toBe(rules.length);
    const musl = rules.find((rule) => rule.id === 'CVE-2019-14697')!;
    expect(musl.properties).toMatchObject({
      tags: expect.arrayContaining(['security', 'vulnerability', 'CRITICAL']),
      precision: 'very-high',
      'security-severity': '9.8',
    });
    expect(musl.defaultConfiguration.level).toBe('error');
    expect(musl.helpUri).toBe('https://avd.aquasec.com/nvd/cve-2019-14697');
    // Both affected packages are in the help, each with its fixed version.
    expect(musl.help.text).toContain('musl 1.1.20-r4: fixed in 1.1.20-r5');
    expect(musl.help.text).toContain('musl-utils 1.1.20-r4: fixed in 1.1.20-r5');
    expect(musl.help.markdown).toContain('| musl-utils | 1.1.20-r4 | 1.1.20-r5 |');
    for (const rule of rules) {
      expect(rule.shortDescription.text.length).toBeGreaterThan(0);
      expect(rule.shortDescription.text.length).toBeLessThanOrEqual(1024);
      expect(rule.fullDescription.text.length).toBeLessThanOrEqual(1024);
      expect(rule.help.text.length).toBeGreaterThan(0);
    }
    // No CVSS score: the severity fallback.
    const noScore = buildSampleReport();
    noScore.images = noScore.images.map((image) => ({
      ...image,
      findings: image.findings.map(({ cvssScore: _drop, ...finding }) => finding),
    }));
    const fallback = (await render(noScore)).runs[0].tool.driver.rules;
    const byId = (id: string): unknown =>
      fallback.find((rule) => rule.id === id)?.properties['security-severity'];
    expect(byId('CVE-2019-14697')).toBe('9.5');
    expect(byId('CVE-2019-15542')).toBe('8.0');
    expect(byId('CVE-2019-1549')).toBe('5.5');
    expect(byId('CVE-2019-18276')).toBe('2.0');
  });

  it('points each result at the manifest line and column of the image, once per package and location', async () => {
    const log = await render(buildSampleReport());
    const results = log.runs[0].results.filter((result) => result.ruleId === 'CVE-2019-14697');
    // 2 packages (musl, musl-utils) × 2 locations (two containers).
    expect(results).toHaveLength(4);
    const location = results[0]!.locations[0]!.physicalLocation;
    expect(location.artifactLocation).toEqual({
      uri: 'apps/base/podinfo/deployment.yaml',
      uriBaseId: '%SRCROOT%',
    });
    expect(location.region).toEqual({
      startLine: 24,
      startColumn: 18,
      endLine: 24,
      endColumn: 18 + 'ghcr.io/aquasecurity/trivy-test-images:alpine-39'.length,
    });
    expect(results.map((result) => result.level)).toEqual(['error', 'error', 'error', 'error']);
    const suppressed = results.filter((result) => result.suppressions);
    expect(suppressed).toHaveLength(2);
    expect(suppressed[0]!.suppressions![0]!.justification).toContain('SEC-12');
    for (const result of log.runs[0].results) {
      expect(result.ruleIndex).toBe(
        log.runs[0].tool.driver.rules.findIndex((rule) => rule.id === result.ruleId),
      );
      expect(result.locations).toHaveLength(1);
      expect(result.message.text).not.toMatch(/\n/);
    }
    expect(log.runs[0].results.find((r) => r.ruleId === 'CVE-2019-18276')?.level).toBe('note');
    expect(log.runs[0].results.find((r) => r.ruleId === 'CVE-2019-1549')?.level).toBe('warning');
  });

  it('says when an image is written in YAML embedded in a string, pointing at its line in the file', async () => {
    const report = hugeReport(10);
    const image = report.images[0]!;
    const embedded = {
      ...image,
      locations: [
        {
          file: 'apps/hook-extension.yaml',
          line: 18,
          column: 19,
          raw: image.ref,
          kind: 'ConfigMap',
          namespace: 'arc-runners',
          name: 'hook-extension',
          container: 'side-car',
          fieldPath: 'data.content|spec.containers[1].image',
          embedded: true as const,
        },
      ],
    };
    const log = await render({ ...report, images: [embedded] });
    const result = log.runs[0].results[0]!;
    expect(result.message.text).toContain(
      'deployed by ConfigMap arc-runners/hook-extension (container side-car), in YAML embedded in data.content at apps/hook-extension.yaml:18:19',
    );
    expect(result.locations[0]!.physicalLocation.region).toMatchObject({ startLine: 18, startColumn: 19 });
  });

  it('points an image of a fetched remote kustomize base at its own absolute URI, not under %SRCROOT%', async () => {
    const report = hugeReport(10);
    const image = report.images[0]!;
    const file = 'https://github.com/org/platform@v1.0.0/deploy/deployment.yaml';
    const remote = { ...image, locations: [{ ...image.locations[0]!, file, line: 14, column: 18 }] };
    const log = await render({ ...report, images: [remote, report.images[1]!] });
    const locations = log.runs[0].results.map((result) => result.locations[0]!.physicalLocation);
    expect(locations).toContainEqual(
      expect.objectContaining({
        artifactLocation: { uri: file },
        region: expect.objectContaining({ startLine: 14 }),
      }),
    );
    expect(locations).toContainEqual(
      expect.objectContaining({ artifactLocation: { uri: 'apps/app-1.yaml', uriBaseId: '%SRCROOT%' } }),
    );
  });

  it('writes text that only looks like a URL (a host no parser accepts) as an encoded relative path', async () => {
    const report = hugeReport(10);
    const image = report.images[0]!;
    const fake = { ...image, locations: [{ ...image.locations[0]!, file: 'https://\u0000/x.yaml' }] };
    const log = await render({ ...report, images: [fake, report.images[1]!] });
    const uris = log.runs[0].results.map((result) => result.locations[0]!.physicalLocation.artifactLocation);
    expect(uris).toContainEqual({ uri: 'https%3A//%00/x.yaml', uriBaseId: '%SRCROOT%' });
    expect(sarifSchemaErrors(log)).toEqual([]);
  });

  it('gives every result a unique fingerprint that survives image bumps and reordering', async () => {
    const report = buildSampleReport();
    const log = await render(report);
    const hashes = log.runs[0].results.map((result) => result.partialFingerprints.primaryLocationLineHash);
    expect(new Set(hashes).size).toBe(hashes.length);
    for (const hash of hashes) expect(hash).toMatch(/^[0-9a-f]{32}:\d+$/);
    const bumped = {
      ...report,
      images: report.images.map((image) =>
        image.ref === 'ghcr.io/aquasecurity/trivy-test-images:alpine-39'
          ? { ...image, ref: 'ghcr.io/aquasecurity/trivy-test-images:alpine-39-patched' }
          : image,
      ),
    };
    const after = await render(bumped);
    const key = (l: SarifLog, line: number): string[] =>
      l.runs[0].results
        .filter(
          (r) => r.ruleId === 'CVE-2019-14697' && r.locations[0]!.physicalLocation.region.startLine === line,
        )
        .map((r) => r.partialFingerprints.primaryLocationLineHash!);
    expect(key(after, 24)).toEqual(key(log, 24));
  });

  it('reports blocked objects, scan errors and diagnostics as results, and file-less ones as notifications', async () => {
    const log = await render(buildSampleReport());
    const run = log.runs[0];
    const byRule = (id: string) => run.results.filter((result) => result.ruleId === id);
    expect(byRule('sluice/object-blocked').map((r) => r.properties?.['object'])).toEqual([
      'HelmRelease/podinfo/podinfo',
      'Kustomization/flux-system/apps',
    ]);
    expect(byRule('sluice/object-blocked-upstream')[0]!.message.text).toContain(
      'Chain: Kustomization/flux-system/apps-extra → Kustomization/flux-system/apps',
    );
    expect(byRule('sluice/object-unknown')).toHaveLength(2);
    const scanError = byRule('sluice/scan-error');
    expect(scanError).toHaveLength(1);
    expect(scanError[0]!.level).toBe('error');
    expect(scanError[0]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe(
      'infrastructure/controllers/redis.yaml',
    );
    expect(
      byRule('sluice/diagnostic/missing-dependency')[0]!.locations[0]!.physicalLocation.region.startLine,
    ).toBe(27);
    expect(run.invocations[0]!.toolExecutionNotifications).toEqual([
      {
        level: 'warning',
        message: { text: 'Trivy 0.58.1 is older than the tested minimum 0.60.0.' },
        descriptor: { id: 'sluice/diagnostic/scanner-version' },
      },
    ]);
    expect(run.automationDetails.id).toBe('sluice/');
    expect(run.invocations[0]!.executionSuccessful).toBe(false);
    expect(buildSarifLog(buildPassingReport()).runs[0].invocations[0]!.executionSuccessful).toBe(true);
    expect(run.properties).toMatchObject({ verdict: 'blocked', truncated: false });
  });

  it('takes the category, base id and source root from its options', async () => {
    const log = await render(buildPassingReport(), {
      category: 'sluice/production',
      uriBaseId: 'REPO',
      srcRoot: '/work/my repo',
      informationUri: 'https://example.com/sluice',
    });
    const run = log.runs[0];
    expect(run.automationDetails.id).toBe('sluice/production/');
    expect(run.originalUriBaseIds).toEqual({ REPO: { uri: 'file:///work/my%20repo/' } });
    expect(run.tool.driver.informationUri).toBe('https://example.com/sluice');
    expect(
      run.results.every((r) => r.locations[0]!.physicalLocation.artifactLocation.uriBaseId === 'REPO'),
    ).toBe(true);
  });

  it('keeps hostile manifest text valid: encoded URIs, one-line messages, schema-valid', async () => {
    const log = await render(buildHostileReport());
    const uris = log.runs[0].results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri);
    expect(uris).toContain(`apps/${HOSTILE}.yaml`.split('/').map(encodeURIComponent).join('/'));
    for (const result of log.runs[0].results) {
      // eslint-disable-next-line no-control-regex
      expect(result.message.text).not.toMatch(/[\u0000-\u001f\u007f]/);
    }
    const hostileRule = log.runs[0].tool.driver.rules.find((rule) => rule.id === 'CVE-2019-14697')!;
    expect(hostileRule.help.markdown).not.toContain('<script>');
    expect(hostileRule.help.markdown).not.toContain('@octocat');
  });

  it('keeps the most severe results within 25,000 and says so', async () => {
    const log = await render(hugeReport(30_000));
    const run = log.runs[0];
    expect(run.results).toHaveLength(25_000);
    expect(run.properties).toMatchObject({ truncated: true, totalResults: 30_000, droppedResults: 5_000 });
    expect(String(run.properties['truncationReason'])).toContain('more than 25000 results');
    // Only UNKNOWN findings (score 0, 6,000 of them) were dropped.
    const kept = run.results.map((result) => result.properties?.['severity']);
    expect(kept.filter((severity) => severity === 'UNKNOWN')).toHaveLength(1_000);
    expect(kept.filter((severity) => severity === 'LOW')).toHaveLength(6_000);
    expect(new Set(run.tool.driver.rules.map((rule) => rule.id)).size).toBe(run.tool.driver.rules.length);
  });

  it('drops the least severe results until the gzip-compressed file fits', async () => {
    const text = (await sarifReporter({ maxGzipBytes: 40_000 }).render(hugeReport(2_000))) as string;
    expect(gzipSync(text).length).toBeLessThanOrEqual(40_000);
    expect(gunzipSync(gzipSync(text)).toString()).toBe(text);
    const log = JSON.parse(text) as SarifLog;
    expect(sarifSchemaErrors(log)).toEqual([]);
    const run = log.runs[0];
    expect(run.results.length).toBeGreaterThan(0);
    expect(run.results.length).toBeLessThan(2_000);
    expect(run.properties).toMatchObject({ truncated: true, totalResults: 2_000 });
    expect(String(run.properties['truncationReason'])).toContain('gzip');
    const kept = run.results.map((result) => result.properties?.['severity']);
    // Kept results are the most severe: every CRITICAL survives before any LOW.
    if (kept.includes('LOW')) expect(kept.filter((s) => s === 'CRITICAL')).toHaveLength(400);
  });

  it('can leave suppressed findings out', () => {
    const log = buildSarifLog(buildSampleReport(), { includeSuppressed: false });
    expect(sarifSchemaErrors(log)).toEqual([]);
    expect(log.runs[0].results.some((result) => result.suppressions)).toBe(false);
  });
});
