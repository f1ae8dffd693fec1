import { readFile } from 'node:fs/promises';
import { repoPath } from '@sluice/test-utils';
import { describe, expect, it } from 'vitest';
import { extractFindings, toFinding } from './findings.js';
import { TrivyReport } from './trivy-report.js';

async function golden(name: string): Promise<TrivyReport> {
  return TrivyReport.parse(JSON.parse(await readFile(repoPath(`fixtures/trivy/${name}`), 'utf8')));
}

describe('extractFindings', () => {
  it('turns every vulnerability of a real report into a finding', async () => {
    const findings = extractFindings(await golden('alpine-39.json.golden'));
    expect(findings).toHaveLength(6);
    expect(findings.filter((finding) => finding.severity === 'CRITICAL')).toHaveLength(2);
    const first = findings.find(
      (finding) => finding.id === 'CVE-2019-1549' && finding.package === 'libcrypto1.1',
    );
    expect(first).toMatchObject({
      severity: 'MEDIUM',
      installedVersion: '1.1.1b-r1',
      fixedVersion: '1.1.1d-r0',
      status: 'fixed',
      target: 'testdata/fixtures/images/alpine-39.tar.gz (alpine 3.9.4)',
      packageType: 'alpine',
    });
    expect(first?.title).toBeTruthy();
    expect(first?.primaryUrl).toBe('https://avd.aquasec.com/nvd/cve-2019-1549');
  });

  it('takes the highest CVSS v3 score of any source, else the highest v2 score', () => {
    const base = { VulnerabilityID: 'CVE-1', PkgName: 'p', InstalledVersion: '1', Severity: 'HIGH' };
    expect(
      toFinding({ ...base, CVSS: { nvd: { V2Score: 9.3, V3Score: 7.5 }, redhat: { V3Score: 8.1 } } })
        .cvssScore,
    ).toBe(8.1);
    expect(toFinding({ ...base, CVSS: { nvd: { V2Score: 5 }, ghsa: { V2Score: 6.4 } } }).cvssScore).toBe(6.4);
    expect(toFinding(base).cvssScore).toBeUndefined();
  });

  it('leaves fixedVersion out for unfixed vulnerabilities and keeps their status', async () => {
    const findings = extractFindings(await golden('centos-7.json.golden'));
    const unfixed = findings.filter((finding) => finding.status === 'will_not_fix');
    expect(unfixed.length).toBeGreaterThan(0);
    for (const finding of unfixed) expect(finding.fixedVersion).toBeUndefined();
  });

  it('covers language packages and reports without vulnerabilities', async () => {
    const fluentd = extractFindings(await golden('fluentd-gems.json.golden'));
    expect(fluentd.map((finding) => finding.packageType).sort()).toEqual(['debian', 'gemspec']);
    expect(extractFindings(await golden('sl-micro-rancher5.4.json.golden'))).toEqual([]);
    expect(extractFindings(await golden('alpine-39-skip.json.golden'))).toEqual([]);
  });

  it('maps an unknown severity to UNKNOWN and sorts deterministically', () => {
    const report = TrivyReport.parse({
      SchemaVersion: 2,
      ArtifactName: 'x',
      Results: [
        {
          Target: 't',
          Vulnerabilities: [
            { VulnerabilityID: 'CVE-2', PkgName: 'b', InstalledVersion: '1', Severity: 'WEIRD' },
            { VulnerabilityID: 'CVE-1', PkgName: 'a', InstalledVersion: '1', Severity: 'LOW' },
          ],
        },
      ],
    });
    expect(extractFindings(report).map((finding) => [finding.id, finding.severity])).toEqual([
      ['CVE-1', 'LOW'],
      ['CVE-2', 'UNKNOWN'],
    ]);
  });
});
