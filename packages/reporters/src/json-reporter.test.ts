import { readFileSync } from 'node:fs';
import { GateReport, isSluiceError } from '@sluice/core';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildHostileReport, buildSampleReport } from './__fixtures__/sample-report.js';
import { formatGateReportJsonSchema } from './gate-report-schema.js';
import { jsonReporter, parseJsonReport, serializeGateReport } from './json-reporter.js';

const shippedSchemaPath = new URL('../schema/gate-report.schema.json', import.meta.url);

describe('jsonReporter', () => {
  it('writes the sample report byte for byte like the golden file', async () => {
    const output = await jsonReporter().render(buildSampleReport());
    await expect(output).toMatchFileSnapshot('./__fixtures__/golden/sample.json');
  });

  it('keeps the contract fields of the issue', async () => {
    const parsed = JSON.parse((await jsonReporter().render(buildSampleReport())) as string) as GateReport;
    expect(parsed.schemaVersion).toBe(1);
    const failing = parsed.images.find((image) => image.verdict === 'fail');
    expect(failing?.findings[0]).toMatchObject({
      id: expect.stringMatching(/^CVE-/),
      severity: expect.any(String),
      package: expect.any(String),
      installedVersion: expect.any(String),
    });
    expect(parsed.images.find((image) => image.outcome === 'error')?.error).toEqual({
      code: 'unauthorized',
      message: expect.stringContaining('UNAUTHORIZED'),
    });
    expect(parsed.objects.map((object) => object.status)).toEqual(
      expect.arrayContaining(['pass', 'blocked', 'blocked-upstream', 'unknown', 'suspended']),
    );
  });

  it('round-trips: parse(serialize(x)) equals x', () => {
    for (const report of [buildSampleReport(), buildHostileReport()]) {
      expect(parseJsonReport(serializeGateReport(report))).toEqual(report);
    }
  });

  it('round-trips arbitrary strings, including control characters and lone surrogates', () => {
    const sample = buildSampleReport();
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string(), (message, ref) => {
        const report = { ...sample, images: sample.images.map((image) => ({ ...image, ref })) };
        const withDiagnostic = {
          ...report,
          diagnostics: [{ file: 'a.yaml', severity: 'error' as const, code: 'x', message }],
        };
        expect(parseJsonReport(serializeGateReport(withDiagnostic))).toEqual(withDiagnostic);
      }),
      { numRuns: 200 },
    );
  });

  it('writes keys in schema order whatever the input order, and drops unknown keys', () => {
    const report = buildSampleReport();
    const shuffled = Object.fromEntries(
      Object.entries({ ...report, extra: 1 }).reverse(),
    ) as unknown as GateReport;
    expect(serializeGateReport(shuffled)).toBe(serializeGateReport(report));
    expect(Object.keys(JSON.parse(serializeGateReport(shuffled)) as object)[0]).toBe('schemaVersion');
  });

  it('rejects an invalid report with a coded error', () => {
    const broken = { ...buildSampleReport(), verdict: 'maybe' } as unknown as GateReport;
    expect(() => serializeGateReport(broken)).toThrowError(/verdict/);
    try {
      parseJsonReport('{"schemaVersion": 2}');
      expect.unreachable();
    } catch (error) {
      expect(isSluiceError(error, 'SLUICE_INVALID_REPORT')).toBe(true);
    }
    expect(() => parseJsonReport('not json')).toThrowError(/not valid JSON/);
  });
});

describe('the shipped JSON Schema', () => {
  it('equals the schema generated from the zod GateReport', () => {
    expect(readFileSync(shippedSchemaPath, 'utf8')).toBe(formatGateReportJsonSchema());
  });

  it('accepts the JSON reports and rejects a broken one', async () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    const validate = ajv.compile(JSON.parse(readFileSync(shippedSchemaPath, 'utf8')) as object);
    for (const report of [buildSampleReport(), buildHostileReport()]) {
      const value: unknown = JSON.parse((await jsonReporter().render(report)) as string);
      expect(validate(value), JSON.stringify(validate.errors)).toBe(true);
    }
    const broken = JSON.parse(serializeGateReport(buildSampleReport())) as { images: { verdict: string }[] };
    broken.images[0]!.verdict = 'maybe';
    expect(validate(broken)).toBe(false);
    expect(GateReport.safeParse(broken).success).toBe(false);
  });
});
