import { GateReport } from '@sluice/core';
import { z } from 'zod';

/** The `$id` of the shipped JSON Schema of the JSON report. */
export const GATE_REPORT_SCHEMA_ID = 'urn:sluice:schema:gate-report:1';

/**
 * The JSON Schema (draft 2020-12) of the JSON report, generated from core's zod `GateReport`.
 * The same schema ships as `@sluice/reporters/gate-report.schema.json` (regenerate it with
 * `pnpm --filter @sluice/reporters run generate:schema`; a test checks that it is current).
 */
export function gateReportJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(GateReport, { target: 'draft-2020-12', io: 'output' }) as Record<
    string,
    unknown
  >;
  const { $schema, ...rest } = schema;
  return {
    $schema,
    $id: GATE_REPORT_SCHEMA_ID,
    title: 'Sluice gate report',
    description: 'The JSON report of Sluice (`sluice scan --reporter json`): schemaVersion 1.',
    ...rest,
  };
}

/** {@link gateReportJsonSchema} as the text of the shipped file. */
export function formatGateReportJsonSchema(): string {
  return `${JSON.stringify(gateReportJsonSchema(), null, 2)}\n`;
}
