import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GateReport } from '@sluice/core';
import { parseJsonReport, renderReports, resolveReporter } from '@sluice/reporters';
import { readRepoFile } from '@sluice/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import csvReporter, { CSV_COLUMNS, csvField } from './index.js';

const exampleRoot = dirname(dirname(fileURLToPath(import.meta.url)));
let report: GateReport;
let project: string;

beforeAll(async () => {
  // The JSON golden of the built-in reporters: a report built from real Trivy output.
  report = parseJsonReport(await readRepoFile('packages/reporters/src/__fixtures__/golden/sample.json'));
  // A user's repository with this package installed under its conventional published name.
  project = mkdtempSync(join(tmpdir(), 'sluice-csv-'));
  writeFileSync(join(project, 'package.json'), '{"name":"gitops","private":true}');
  mkdirSync(join(project, 'node_modules'));
  symlinkSync(exampleRoot, join(project, 'node_modules', 'sluice-reporter-csv'), 'dir');
});

afterAll(() => rmSync(project, { recursive: true, force: true }));

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index]!;
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\r' && text[index + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      index += 1;
    } else field += char;
  }
  return rows;
}

describe('the example CSV reporter', () => {
  it('loads through resolveReporter by path, by package name, and by the sluice-reporter- convention', async () => {
    const byPath = await resolveReporter('./src/index.js', { cwd: exampleRoot });
    const byName = await resolveReporter('@sluice/example-custom-reporter', { cwd: exampleRoot });
    const byConvention = await resolveReporter('csv', { cwd: project });
    const withOptions = await resolveReporter(['csv', { delimiter: ';' }], { cwd: project });
    for (const reporter of [byPath, byName, byConvention, withOptions]) {
      expect(reporter.name).toBe('csv');
      expect(reporter.fileExtension).toBe('.csv');
    }
    const expected = await csvReporter().render(report);
    expect(await byConvention.render(report)).toBe(expected);
    expect(await byName.render(report)).toBe(expected);
    expect(String(await withOptions.render(report)).split('\r\n')[0]).toBe(CSV_COLUMNS.join(';'));
  });

  it('renders one row per finding and image location, most severe first', async () => {
    const [rendered] = await renderReports(report, ['./src/index.js'], { cwd: exampleRoot });
    const rows = parseCsv(String(rendered!.output));
    expect(rows[0]).toEqual(CSV_COLUMNS);
    const findings = report.images.reduce(
      (sum, image) => sum + image.findings.length * Math.max(image.locations.length, 1),
      0,
    );
    expect(rows).toHaveLength(findings + 1);
    const musl = rows.filter((row) => row[3] === 'CVE-2019-14697');
    expect(musl).toHaveLength(4);
    expect(musl[0]).toEqual([
      'ghcr.io/aquasecurity/trivy-test-images:alpine-39',
      'fail',
      'CRITICAL',
      'CVE-2019-14697',
      'musl',
      '1.1.20-r4',
      '1.1.20-r5',
      '',
      'apps/base/podinfo/deployment.yaml',
      '24',
      '18',
      'Deployment/podinfo/frontend',
      'Kustomization/flux-system/apps',
    ]);
    expect(musl.find((row) => row[4] === 'musl-utils')?.[7]).toContain('SEC-12');
    const withoutIgnored = parseCsv(String(await csvReporter({ includeSuppressed: false }).render(report)));
    expect(withoutIgnored).toHaveLength(rows.length - 2);
  });

  it('quotes fields and neutralises spreadsheet formulas from hostile manifests', async () => {
    expect(csvField('a,b', ',')).toBe('"a,b"');
    expect(csvField('say "hi"\nbye', ',')).toBe('"say ""hi""\nbye"');
    expect(csvField('=HYPERLINK("http://evil")', ',')).toBe(`"'=HYPERLINK(""http://evil"")"`);
    expect(csvField('\u001b[31mred', ',')).toBe('[31mred');
    const hostile = {
      ...report,
      images: report.images.map((image) => ({
        ...image,
        locations: image.locations.map((location) => ({ ...location, name: '1+1,"x"\r\ny' })),
        findings: image.findings.map((finding) => ({ ...finding, package: '=cmd|"/c calc"!A1' })),
      })),
    };
    const rows = parseCsv(String(await csvReporter().render(hostile)));
    expect(rows.every((row) => row.length === CSV_COLUMNS.length)).toBe(true);
    expect(rows[1]![4]).toBe(`'=cmd|"/c calc"!A1`);
    expect(rows[1]![11]).toMatch(/\/1\+1,"x"\r\ny$/);
  });

  it('is deterministic and rejects a bad delimiter', async () => {
    expect(await csvReporter().render(report)).toBe(
      await csvReporter().render({ ...report, images: [...report.images].reverse() }),
    );
    expect(() => csvReporter({ delimiter: '"' })).toThrow(TypeError);
  });
});
