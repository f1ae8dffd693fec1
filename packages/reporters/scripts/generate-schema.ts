// Writes schema/gate-report.schema.json from core's zod GateReport schema.
// Run: pnpm --filter @sluice/reporters run generate:schema
import { writeFileSync } from 'node:fs';
import { formatGateReportJsonSchema } from '../src/gate-report-schema.js';

const target = new URL('../schema/gate-report.schema.json', import.meta.url);
writeFileSync(target, formatGateReportJsonSchema());
process.stdout.write(`wrote ${target.pathname}\n`);
