import type {
  Diagnostic,
  GateReport,
  ImageEntry,
  ImageEvaluation,
  ImageResult,
  ImageScanInput,
  ImageVerdict,
  Policy,
  ScannerInfo,
} from '@sluice/core';
import {
  compareDiagnostics,
  compareStrings,
  describeScanError,
  evaluateImage,
  expiredIgnoreDiagnostics,
  makesUnknown,
  resolvePolicy,
  summarizePolicy,
} from '@sluice/core';
import type { ObjectResult } from '@sluice/core';
import { buildDependencyGraph, toDependencyGraph } from '../graph/build-dependency-graph.js';
import type { FluxDependencyGraph } from '../graph/types.js';
import type { FluxWorkload } from '../model.js';
import { computeGate, describeDiagnostic } from './compute-gate.js';

/** What a scan produced for one image, as the report records it. */
export interface ImageOutcome extends ImageScanInput {
  /** Where the result came from. */
  readonly source?: 'scan' | 'cache' | 'report';
  /** The image digest, when the scanner reported one. */
  readonly digest?: string;
}

/** Everything one run found, to be turned into a {@link GateReport}. */
export interface GateReportInput {
  /** Every unique image with its locations (from the Flux adapter or plain manifests). */
  readonly images: readonly ImageEntry[];
  /** The scan outcome of each image, by normalized reference. An image without one counts as not scanned. */
  readonly outcomes: readonly ImageOutcome[] | ReadonlyMap<string, ImageOutcome>;
  /** The Flux objects, in Flux mode. @default [] (plain manifests: images alone decide) */
  readonly workloads?: readonly FluxWorkload[];
  /** The dependency graph, when already built. @default buildDependencyGraph(workloads) */
  readonly graph?: FluxDependencyGraph;
  /** @default {} (CRITICAL and HIGH fail, scan errors block) */
  readonly policy?: Policy;
  /** Diagnostics of earlier stages (loading, rendering, extraction); the graph's are added, duplicates dropped. @default [] */
  readonly diagnostics?: readonly Diagnostic[];
  /** Sluice's version, for the report. */
  readonly tool: { readonly version: string };
  readonly scanner?: ScannerInfo;
  /** The current time, for ignore expiry. @default new Date() */
  readonly now?: Date;
}

const WORST: Readonly<Record<ImageVerdict, number>> = { fail: 2, unknown: 1, pass: 0 };

/**
 * Assembles the whole {@link GateReport} of a run from its parts: evaluates every image against
 * the policy (once per distinct set of overrides that applies to it: an image deployed by two
 * objects with different `objects` overrides gets the verdict of each for its object, and the
 * report shows the worst), decides the gate for every Flux object, and collects the
 * diagnostics (the inputs', the graph's, and one `expired-ignore` per expired ignore). The
 * report's verdict is `blocked` when any object blocks, or when an image deployed by no Flux
 * object fails (or, failing closed, could not be scanned). A diagnostic whose code means "not
 * reproduced exactly" (core's `DIAGNOSTIC_CODES`) makes the Flux object it names `unknown`; in
 * plain mode (no Flux objects) it makes the manifest object or file it names `unknown`, listed
 * in `objects`. Failing closed, an `unknown` object blocks. Everything is sorted.
 *
 * @example
 * ```ts
 * const repo = await loadFluxRepository(root);
 * const outcomes = await scanImages(repo.images.map((image) => image.ref));
 * const report = buildGateReport({ images: repo.images, outcomes, workloads: repo.workloads,
 *   diagnostics: repo.diagnostics, policy, tool: { version: '0.1.0' } });
 * report.verdict; // 'blocked'
 * ```
 */
export function buildGateReport(input: GateReportInput): GateReport {
  const policy = input.policy ?? {};
  const now = input.now ?? new Date();
  const workloads = input.workloads ?? [];
  const graph = input.graph ?? (workloads.length > 0 ? buildDependencyGraph(workloads) : undefined);
  const outcomes = new Map<string, ImageOutcome>(
    input.outcomes instanceof Map
      ? input.outcomes
      : (input.outcomes as readonly ImageOutcome[]).map((outcome) => [outcome.ref, outcome]),
  );

  const objectsOf = new Map<string, string[]>();
  for (const node of graph?.nodes ?? []) {
    for (const ref of node.images) {
      const objects = objectsOf.get(ref);
      if (objects) objects.push(node.id);
      else objectsOf.set(ref, [node.id]);
    }
  }
  const refs = [...new Set([...input.images.map((image) => image.ref), ...objectsOf.keys()])].sort(
    compareStrings,
  );
  const locationsOf = new Map(input.images.map((image) => [image.ref, image.locations]));

  // Evaluations per image, keyed by the overrides that applied, and the one for each object.
  const perObject = new Map<string, ImageEvaluation>();
  const images: ImageResult[] = [];
  let looseBlocking = false;
  for (const ref of refs) {
    const outcome: ImageOutcome = outcomes.get(ref) ?? {
      ref,
      outcome: 'error',
      error: { code: 'unknown', message: 'the image was not scanned' },
    };
    const cache = new Map<string, ImageEvaluation>();
    const evaluate = (object?: string): ImageEvaluation => {
      const key = resolvePolicy(policy, {
        image: ref,
        ...(object === undefined ? {} : { object }),
      }).overrides.join(',');
      let evaluation = cache.get(key);
      if (!evaluation) {
        evaluation = evaluateImage(outcome, policy, { now, ...(object === undefined ? {} : { object }) });
        cache.set(key, evaluation);
      }
      return evaluation;
    };
    const objects = objectsOf.get(ref) ?? [];
    const evaluations = objects.length === 0 ? [evaluate()] : objects.map((object) => evaluate(object));
    objects.forEach((object, index) => perObject.set(`${object}\n${ref}`, evaluations[index]!));
    const worst = evaluations.reduce((a, b) => (WORST[b.verdict] > WORST[a.verdict] ? b : a));
    if (objects.length === 0) {
      looseBlocking ||=
        worst.verdict === 'fail' || (worst.verdict === 'unknown' && worst.policy.onScanError === 'block');
    }
    images.push({
      ref,
      locations: [...(locationsOf.get(ref) ?? [])],
      outcome: outcome.outcome,
      ...(outcome.error === undefined ? {} : { error: outcome.error }),
      ...(outcome.source === undefined ? {} : { source: outcome.source }),
      ...(outcome.digest === undefined ? {} : { digest: outcome.digest }),
      findings: worst.findings,
      verdict: worst.verdict,
      reasons: worst.reasons,
    });
  }

  // An unknown image's own reasons end with what its onScanError does; an object may resolve
  // onScanError differently (`objects` overrides), so the gate states that part per object.
  const imageReasons = new Map(
    images
      .filter((image) => image.verdict !== 'pass')
      .map((image) => [
        image.ref,
        image.verdict === 'unknown' && image.error ? [describeScanError(image.error)] : (image.reasons ?? []),
      ]),
  );
  const diagnostics = dedupe([
    ...(input.diagnostics ?? []),
    ...(graph?.diagnostics ?? []),
    ...expiredIgnoreDiagnostics(policy, { now }),
  ]);
  const gate = graph
    ? computeGate(graph, (ref, object) => perObject.get(`${object}\n${ref}`)?.verdict, policy, {
        imageReasons,
        diagnostics,
      })
    : plainGate(diagnostics, policy);
  return {
    schemaVersion: 1,
    tool: { name: 'sluice', version: input.tool.version },
    ...(input.scanner === undefined ? {} : { scanner: input.scanner }),
    policy: summarizePolicy(policy),
    verdict: gate.verdict === 'blocked' || looseBlocking ? 'blocked' : 'pass',
    images,
    objects: gate.objects,
    ...(graph ? { graph: toDependencyGraph(graph) } : {}),
    diagnostics,
  };
}

/**
 * Plain mode (no Flux objects): what cannot be read makes the object (or, for a file it could
 * not read at all, the file) that holds it `unknown`, which blocks the run when failing closed.
 * One result per object or file, with every diagnostic as a reason.
 */
function plainGate(
  diagnostics: readonly Diagnostic[],
  policy: Policy,
): { verdict: 'pass' | 'blocked'; objects: ObjectResult[]; blocking: string[] } {
  const byId = new Map<string, { reasons: Set<string>; file: string; line?: number }>();
  for (const diagnostic of diagnostics) {
    if (!makesUnknown(diagnostic)) continue;
    const id = diagnostic.object ?? diagnostic.file;
    let entry = byId.get(id);
    if (!entry) {
      entry = { reasons: new Set(), file: diagnostic.file };
      if (diagnostic.line !== undefined) entry.line = diagnostic.line;
      byId.set(id, entry);
    }
    entry.reasons.add(describeDiagnostic(diagnostic));
  }
  const objects: ObjectResult[] = [];
  const blocking: string[] = [];
  for (const id of [...byId.keys()].sort(compareStrings)) {
    const entry = byId.get(id)!;
    const blocks = resolvePolicy(policy, { object: id }).onScanError === 'block';
    const consequence = blocks
      ? 'failing closed, it blocks (onScanError: block)'
      : 'it blocks nothing (onScanError: warn)';
    if (blocks) blocking.push(id);
    objects.push({
      id,
      status: 'unknown',
      blocking: blocks,
      reasons: [...entry.reasons]
        .sort(compareStrings)
        .map((reason) => `Sluice could not read it exactly (${reason}); ${consequence}.`),
      ...(entry.file === '' ? {} : { file: entry.file }),
      ...(entry.line === undefined ? {} : { line: entry.line }),
    });
  }
  return { verdict: blocking.length > 0 ? 'blocked' : 'pass', objects, blocking };
}

function dedupe(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const unique: Diagnostic[] = [];
  for (const diagnostic of [...diagnostics].sort(compareDiagnostics)) {
    const key = JSON.stringify([
      diagnostic.file,
      diagnostic.line,
      diagnostic.column,
      diagnostic.severity,
      diagnostic.code,
      diagnostic.message,
      diagnostic.object,
    ]);
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(diagnostic);
  }
  return unique;
}
