import * as z from 'zod';
import type { GateReport, ObjectResult } from './report.js';

const Count = z.number().int().nonnegative();

/**
 * The counts of one report, computed once by {@link summarizeGateReport}: every headline,
 * progress line, table, JSON `summary` and Markdown summary reads these numbers, so that they
 * cannot disagree.
 *
 * Invariants: `objects.total = pass + blocked + blockedUpstream + unknown + suspended`,
 * `objects.blocking = blocked + blockedUpstream + unknownBlocking`, and
 * `images.total = pass + fail + unknown`.
 */
export const GateSummary = z.object({
  objects: z.object({
    /** Every Flux Kustomization and HelmRelease in the report. */
    total: Count,
    /** Objects that must not be applied: blocked, blocked upstream, or unknown failing closed. */
    blocking: Count,
    /** Status `blocked`: one of its own images fails the policy. */
    blocked: Count,
    /** Status `blocked-upstream`: it depends on an object that must not be applied. */
    blockedUpstream: Count,
    /** Status `unknown`: an image could not be scanned or its images could not all be found. */
    unknown: Count,
    /** The `unknown` objects that block (`onScanError: block`, the default). */
    unknownBlocking: Count,
    /** Status `suspended` (`spec.suspend: true`): Flux applies nothing of it. */
    suspended: Count,
    /** Status `pass`. */
    pass: Count,
  }),
  images: z.object({
    /** Every unique image. */
    total: Count,
    /** Verdict `fail`: findings fail the policy. */
    fail: Count,
    /** Verdict `unknown`: the image could not be scanned. */
    unknown: Count,
    /** Verdict `pass`. */
    pass: Count,
  }),
});
/** The counts of one report; see the schema of the same name. */
export type GateSummary = z.infer<typeof GateSummary>;

/**
 * Whether an object must not be applied: `blocked` and `blocked-upstream` always, `pass` and
 * `suspended` never, an `unknown` by its `blocking` flag (when the report was built by hand
 * without it: when the report's policy fails closed).
 */
export function isBlockingObject(object: ObjectResult, report: Pick<GateReport, 'policy'>): boolean {
  switch (object.status) {
    case 'blocked':
    case 'blocked-upstream':
      return true;
    case 'unknown':
      return object.blocking ?? report.policy.onScanError === 'block';
    default:
      return false;
  }
}

/**
 * Counts a report's Flux objects by status and its images by verdict.
 *
 * @example
 * ```ts
 * const summary = summarizeGateReport(report);
 * summary.objects.blocking; // 2: Flux objects that must not be applied
 * summary.images.fail; // 1
 * ```
 */
export function summarizeGateReport(report: Pick<GateReport, 'objects' | 'images' | 'policy'>): GateSummary {
  const objects = {
    total: report.objects.length,
    blocking: 0,
    blocked: 0,
    blockedUpstream: 0,
    unknown: 0,
    unknownBlocking: 0,
    suspended: 0,
    pass: 0,
  };
  for (const object of report.objects) {
    const blocking = isBlockingObject(object, report);
    if (blocking) objects.blocking += 1;
    switch (object.status) {
      case 'blocked':
        objects.blocked += 1;
        break;
      case 'blocked-upstream':
        objects.blockedUpstream += 1;
        break;
      case 'unknown':
        objects.unknown += 1;
        if (blocking) objects.unknownBlocking += 1;
        break;
      case 'suspended':
        objects.suspended += 1;
        break;
      case 'pass':
        objects.pass += 1;
        break;
    }
  }
  const images = { total: report.images.length, fail: 0, unknown: 0, pass: 0 };
  for (const image of report.images) images[image.verdict] += 1;
  return { objects, images };
}
