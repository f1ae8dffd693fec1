import type { GateSummary } from '@sluice/core';
import { plural } from './report-helpers.js';

/** The summary of a report in words: one phrase for the Flux objects, one for the images. */
export interface SummaryText {
  /** `2 of 7 Flux objects must not be applied (1 blocked, 1 blocked upstream), 5 pass`; absent without Flux objects. */
  readonly objects?: string;
  /** `4 images: 1 failing, 1 not scanned, 2 pass`. */
  readonly images: string;
}

/**
 * Puts core's summary counts into words. The table's headline, the Markdown verdict and the
 * CLI's closing line all use it, so they say the same numbers the same way.
 *
 * @example
 * ```ts
 * formatSummary(summarizeGateReport(report));
 * // { objects: '2 of 7 Flux objects must not be applied (1 blocked, 1 blocked upstream), 1 unknown that blocks nothing, 4 pass',
 * //   images: '4 images: 1 failing, 1 not scanned, 2 pass' }
 * ```
 */
export function formatSummary(summary: GateSummary): SummaryText {
  const { objects, images } = summary;
  const imagesText =
    images.total === 0
      ? '0 images'
      : `${plural(images.total, 'image')}: ${images.fail} failing, ${images.unknown} not scanned, ${images.pass} pass`;
  if (objects.total === 0) return { images: imagesText };
  const why = [
    [objects.blocked, 'blocked'],
    [objects.blockedUpstream, 'blocked upstream'],
    [objects.unknownBlocking, 'unknown'],
  ] as const;
  const breakdown = why.filter(([count]) => count > 0).map(([count, what]) => `${count} ${what}`);
  const unknownAllowed = objects.unknown - objects.unknownBlocking;
  const rest = [
    ...(unknownAllowed > 0
      ? [`${unknownAllowed} unknown that ${unknownAllowed === 1 ? 'blocks' : 'block'} nothing`]
      : []),
    ...(objects.suspended > 0 ? [`${objects.suspended} suspended`] : []),
    `${objects.pass} pass`,
  ];
  const head = `${objects.blocking} of ${plural(objects.total, 'Flux object')} must not be applied`;
  return {
    objects: [`${head}${breakdown.length > 0 ? ` (${breakdown.join(', ')})` : ''}`, ...rest].join(', '),
    images: imagesText,
  };
}
