import { readdirSync, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { repoPath } from '@sluice/test-utils';
import { describe, expect, it } from 'vitest';
import { extractFindings } from './findings.js';
import { createTrivyReportReader, readTrivyReport } from './read-report.js';
import { TrivyReport } from './trivy-report.js';

const GOLDENS = readdirSync(repoPath('fixtures/trivy')).filter((name) => name.endsWith('.json.golden'));

function bytesOf(name: string): Buffer {
  return readFileSync(repoPath(`fixtures/trivy/${name}`));
}

/** Feeds bytes in pieces of `size`, as a pipe delivers them. */
function readInPieces(bytes: Buffer, size: number, maxBytes?: number) {
  const reader = createTrivyReportReader(maxBytes === undefined ? {} : { maxBytes });
  for (let offset = 0; offset < bytes.length; offset += size) {
    if (!reader.write(bytes.subarray(offset, offset + size))) break;
  }
  return reader.end();
}

describe('createTrivyReportReader', () => {
  it('gives the same findings as parsing the whole report, for every real Trivy golden, in any pieces', () => {
    expect(GOLDENS.length).toBeGreaterThan(15);
    for (const name of GOLDENS) {
      const bytes = bytesOf(name);
      const whole = TrivyReport.parse(JSON.parse(bytes.toString('utf8')));
      for (const size of [1, 7, 4096, bytes.length]) {
        const result = readInPieces(bytes, size);
        expect(result.ok, `${name} in pieces of ${size}`).toBe(true);
        if (!result.ok) continue;
        expect(result.report.findings, name).toEqual(extractFindings(whole));
        expect(result.report.artifactName).toBe(whole.ArtifactName);
        expect(result.report.metadata?.RepoDigests).toEqual(whole.Metadata?.RepoDigests);
        expect(result.report.trivyVersion).toBe(whole.Trivy?.Version);
      }
    }
  });

  it('stops at the size cap and says so', () => {
    const bytes = bytesOf('alpine-39.json.golden');
    const reader = createTrivyReportReader({ maxBytes: 1000 });
    expect(reader.write(bytes.subarray(0, 600))).toBe(true);
    expect(reader.write(bytes.subarray(600, 1200))).toBe(false);
    expect(reader.end()).toEqual({
      ok: false,
      error: {
        reason: 'too-large',
        message: "Trivy's report is larger than the limit of 1000 bytes (maxReportBytes); not read.",
      },
    });
    expect(readInPieces(bytes, 4096, bytes.length).ok).toBe(true);
  });

  it('tells output cut short, garbage, two documents and JSON that is not a report apart', () => {
    const bytes = bytesOf('alpine-39.json.golden');
    const reasons = (text: string | Buffer): unknown => {
      const result = readInPieces(Buffer.from(text), 4096);
      return result.ok ? 'ok' : [result.error.reason, result.error.message];
    };
    expect(reasons(bytes.subarray(0, 5000))).toEqual(['not-json', "Trivy's JSON is cut short (5000 bytes)."]);
    expect(reasons('')).toEqual(['not-json', 'Trivy printed nothing.']);
    expect(reasons('panic: not json\x00{{')).toEqual(['not-json', expect.stringContaining('not JSON')]);
    expect(reasons(Buffer.concat([bytes, Buffer.from('\n \n')]))).toBe('ok');
    expect(reasons(Buffer.concat([bytes, Buffer.from('{}')]))).toEqual(['not-json', expect.any(String)]);
    expect(reasons('{"SchemaVersion": 1, "ArtifactName": "a"}')).toEqual([
      'not-a-report',
      "Trivy's JSON is not a SchemaVersion 2 report: SchemaVersion: expected 2.",
    ]);
    expect(reasons('{"SchemaVersion": 2, "ArtifactName": "a", "Results": {"x": {"Target": "t"}}}')).toEqual([
      'not-a-report',
      '`Results` must be a list of results.',
    ]);
    expect(
      reasons(
        '{"SchemaVersion": 2, "ArtifactName": "a", "Results": [{"Target": "t", "Vulnerabilities": [{"PkgName": "p"}]}]}',
      ),
    ).toEqual(['not-a-report', expect.stringMatching(/^Results\.0\.Vulnerabilities\.0\.VulnerabilityID: /)]);
    expect(reasons('{"SchemaVersion": 2, "ArtifactName": "a", "Metadata": {"RepoTags": "x"}}')).toEqual([
      'not-a-report',
      expect.stringContaining('Metadata.RepoTags'),
    ]);
  });

  it('reads a stream, keeping the target and type of each result whatever the key order', async () => {
    const text = JSON.stringify({
      SchemaVersion: 2,
      ArtifactName: 'ghcr.io/a/b:1',
      Results: [
        {
          Vulnerabilities: [
            { VulnerabilityID: 'CVE-2', PkgName: 'p', InstalledVersion: '1', Severity: 'HIGH' },
          ],
          Type: 'npm',
          Target: 'app/package-lock.json',
        },
      ],
    });
    const result = await readTrivyReport(
      Readable.from([Buffer.from(text.slice(0, 50)), Buffer.from(text.slice(50))]),
    );
    expect(result.ok && result.report.findings).toEqual([
      {
        id: 'CVE-2',
        severity: 'HIGH',
        package: 'p',
        installedVersion: '1',
        target: 'app/package-lock.json',
        packageType: 'npm',
      },
    ]);
  });
});
