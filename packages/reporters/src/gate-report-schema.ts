import { GateReport, GateSummary } from '@sluice/core';
import * as z from 'zod';

/** The `$id` of the shipped JSON Schema of the JSON report. */
export const GATE_REPORT_SCHEMA_ID = 'urn:sluice:schema:gate-report:1';

/** The JSON report: core's `GateReport` plus its `summary` counts (written, never read back). */
export const JsonReport = GateReport.extend({ summary: GateSummary });

/**
 * The JSON Schema (draft 2020-12) of the JSON report, generated from core's zod `GateReport`
 * and `GateSummary`.
 * The same schema ships as `@sluice/reporters/gate-report.schema.json` (regenerate it with
 * `pnpm --filter @sluice/reporters run generate:schema`; a test checks that it is current).
 */
export function gateReportJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(JsonReport, { target: 'draft-2020-12', io: 'output' }) as Record<
    string,
    unknown
  >;
  const { $schema, ...rest } = schema;
  return {
    $schema,
    $id: GATE_REPORT_SCHEMA_ID,
    title: 'Sluice gate report',
    description: 'The JSON report of Sluice (`sluice scan --format json`): schemaVersion 1.',
    ...rest,
  };
}

/** {@link gateReportJsonSchema} as the text of the shipped file. */
export function formatGateReportJsonSchema(): string {
  return `${JSON.stringify(gateReportJsonSchema(), null, 2)}\n`;
}
