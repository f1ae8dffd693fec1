import type { GateReport } from '@sluice/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildHostileReport, buildSampleReport } from './__fixtures__/sample-report.js';
import { sarifSchemaErrors } from './__fixtures__/validate-sarif.js';
import { BUILTIN_REPORTER_NAMES, createBuiltinReporter } from './builtin-reporters.js';

/** The same report with every array in reverse order. */
function reversed(report: GateReport): GateReport {
  return {
    ...report,
    images: [...report.images].reverse().map((image) => ({
      ...image,
      locations: [...image.locations].reverse(),
      findings: [...image.findings].reverse(),
    })),
    objects: [...report.objects].reverse(),
    diagnostics: [...report.diagnostics].reverse(),
    ...(report.graph ? { graph: { ...report.graph, nodes: [...report.graph.nodes].reverse() } } : {}),
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('every built-in reporter', () => {
  it('covers the six formats', () => {
    expect(BUILTIN_REPORTER_NAMES).toEqual(['graph', 'json', 'junit', 'markdown', 'sarif', 'table']);
  });

  for (const name of BUILTIN_REPORTER_NAMES) {
    it(`${name}: same input, byte-identical output, whatever the clock or the input order`, async () => {
      const reporter = createBuiltinReporter(name);
      for (const report of [buildSampleReport(), buildHostileReport()]) {
        vi.useFakeTimers();
        vi.setSystemTime(new Date('2020-01-01T00:00:00Z'));
        const first = await reporter.render(report);
        vi.setSystemTime(new Date('2031-06-15T12:34:56Z'));
        const second = await reporter.render(report);
        vi.useRealTimers();
        expect(second).toBe(first);
        // JSON keeps the input order by design (the report's own sorted order); every other
        // format sorts what it writes.
        if (name !== 'json') expect(await reporter.render(reversed(report))).toBe(first);
        expect(String(first)).not.toMatch(/2020-01-01|2031-06-15/);
      }
    });
  }

  it('sarif: every output validates against the OASIS schema, with any option', async () => {
    for (const options of [
      {},
      { category: 'a/b/', includeSuppressed: false, indent: 0 },
      { srcRoot: 'file:///repo' },
    ]) {
      for (const report of [buildSampleReport(), buildHostileReport()]) {
        const text = await createBuiltinReporter('sarif', options).render(report);
        expect(sarifSchemaErrors(String(text))).toEqual([]);
      }
    }
  });
});
