export type {
  GateGraph,
  GateNode,
  ImageVerdictLookup,
  ComputeGateOptions,
  GateResult,
} from './compute-gate.js';
export { computeGate } from './compute-gate.js';
export type { ImageOutcome, GateReportInput } from './build-gate-report.js';
export { buildGateReport } from './build-gate-report.js';
