import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoPath } from '@sluice/test-utils';
import { describe, expect, it } from 'vitest';
import { TrivyReport, TrivyVersionInfo } from './trivy-report.js';

const FIXTURES = repoPath('fixtures/trivy');

async function goldens(): Promise<string[]> {
  const top = (await readdir(FIXTURES))
    .filter((file) => file.endsWith('.json.golden'))
    .map((file) => join(FIXTURES, file));
  const nonImage = (await readdir(join(FIXTURES, 'non-image'))).map((file) =>
    join(FIXTURES, 'non-image', file),
  );
  return [...top, ...nonImage].sort();
}

describe('TrivyReport', () => {
  it('accepts every real Trivy JSON golden', async () => {
    const files = await goldens();
    expect(files.length).toBeGreaterThanOrEqual(24);
    for (const file of files) {
      const result = TrivyReport.safeParse(JSON.parse(await readFile(file, 'utf8')));
      expect(result.success, `${file}: ${result.success ? '' : result.error.message}`).toBe(true);
    }
  });

  it('keeps fields it does not know, so newer Trivy reports still validate', async () => {
    const report = JSON.parse(await readFile(join(FIXTURES, 'alpine-39.json.golden'), 'utf8')) as Record<
      string,
      unknown
    >;
    const parsed = TrivyReport.parse({ ...report, FutureField: { nested: true } });
    expect((parsed as Record<string, unknown>).FutureField).toEqual({ nested: true });
    expect((parsed as Record<string, unknown>).ReportID).toBe('017b7d41-e09f-7000-80ea-000000000001');
  });

  it('rejects another schema version and reports without ArtifactName', async () => {
    const report = JSON.parse(await readFile(join(FIXTURES, 'alpine-39.json.golden'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(TrivyReport.safeParse({ ...report, SchemaVersion: 1 }).success).toBe(false);
    const { ArtifactName: _name, ...withoutName } = report;
    expect(TrivyReport.safeParse(withoutName).success).toBe(false);
  });

  it('accepts a clean report without Results', async () => {
    const report = TrivyReport.parse(
      JSON.parse(await readFile(join(FIXTURES, 'alpine-39-skip.json.golden'), 'utf8')),
    );
    expect(report.Results).toBeUndefined();
  });
});

describe('TrivyVersionInfo', () => {
  it('reads `trivy version --format json` with and without a DB', async () => {
    const full = TrivyVersionInfo.parse(
      JSON.parse(await readFile(join(FIXTURES, 'version/version.json'), 'utf8')),
    );
    expect(full.Version).toBe('dev');
    expect(full.VulnerabilityDB?.Version).toBe(2);
    expect(full.VulnerabilityDB?.UpdatedAt).toBe('2022-03-02T06:07:07.99504083Z');
    const bare = TrivyVersionInfo.parse(
      JSON.parse(await readFile(join(FIXTURES, 'version/version-no-db.json'), 'utf8')),
    );
    expect(bare.VulnerabilityDB).toBeUndefined();
  });
});
