import { expect } from 'vitest';

/** The counts a summary sentence states, read back from its words. */
interface StatedCounts {
  verdict: string;
  objects: Record<string, number>;
  images: Record<string, number>;
}

const OBJECTS =
  /(\d+) of (\d+) Flux objects? must not be applied(?: \(([^)]*)\))?((?:, \d+ [a-z ]+?)*), (\d+) pass/;
const IMAGES = /(\d+) images?(?:: (\d+) failing, (\d+) not scanned, (\d+) pass)?/;

/** Reads the numbers out of a summary sentence (table headline, Markdown verdict, stderr line). */
function readCounts(text: string, verdict: string): StatedCounts {
  const objects: Record<string, number> = {};
  const objectsMatch = OBJECTS.exec(text);
  if (objectsMatch) {
    const [, blocking, total, breakdown = '', rest = '', pass] = objectsMatch;
    Object.assign(objects, { blocking: Number(blocking), total: Number(total), pass: Number(pass) });
    for (const part of [...breakdown.split(', '), ...rest.split(', ')].filter((p) => p !== '')) {
      const [, count, what] = /^(\d+) (.+)$/.exec(part.trim()) ?? [];
      const key =
        what === 'blocked upstream'
          ? 'blockedUpstream'
          : what === 'unknown'
            ? 'unknownBlocking'
            : what?.startsWith('unknown that')
              ? 'unknownAllowed'
              : (what ?? part);
      objects[key] = Number(count);
    }
  }
  const imagesMatch = IMAGES.exec(text.slice(objectsMatch ? objectsMatch.index + objectsMatch[0].length : 0));
  expect(imagesMatch, `no image counts in: ${text}`).not.toBeNull();
  const [, total, fail = '0', unknown = '0', pass = '0'] = imagesMatch ?? [];
  return {
    verdict,
    objects,
    images: { total: Number(total), fail: Number(fail), unknown: Number(unknown), pass: Number(pass) },
  };
}

interface JsonReport {
  verdict: string;
  summary: { objects: Record<string, number>; images: Record<string, number> };
  objects: { status: string; blocking?: boolean }[];
  images: { verdict: string }[];
}

/**
 * Checks that the JSON report's objects and images, its `summary`, the table's headline, the
 * Markdown verdict and the closing stderr line all state the same counts. The expected counts
 * are computed here from the JSON objects and images, independently of core's summary.
 */
export function expectOneSummary(outputs: {
  json: string;
  table: string;
  markdown: string;
  stderr: string;
}): JsonReport['summary'] {
  const report = JSON.parse(outputs.json) as JsonReport;
  const count = <T>(items: readonly T[], test: (item: T) => boolean): number => items.filter(test).length;
  const objects = report.objects;
  const expected = {
    objects: {
      total: objects.length,
      blocking: count(objects, (o) => o.blocking === true),
      blocked: count(objects, (o) => o.status === 'blocked'),
      blockedUpstream: count(objects, (o) => o.status === 'blocked-upstream'),
      unknown: count(objects, (o) => o.status === 'unknown'),
      unknownBlocking: count(objects, (o) => o.status === 'unknown' && o.blocking === true),
      suspended: count(objects, (o) => o.status === 'suspended'),
      pass: count(objects, (o) => o.status === 'pass'),
    },
    images: {
      total: report.images.length,
      fail: count(report.images, (i) => i.verdict === 'fail'),
      unknown: count(report.images, (i) => i.verdict === 'unknown'),
      pass: count(report.images, (i) => i.verdict === 'pass'),
    },
  };
  expect(report.summary).toEqual(expected);

  const headline = outputs.table.split('\n')[0] ?? '';
  const bold = /^\*\*(.*)\*\*$/m.exec(outputs.markdown)?.[1] ?? '';
  const closing = outputs.stderr.trimEnd().split('\n').at(-1) ?? '';
  const stated = [
    readCounts(headline, /^Sluice (\w+):/.exec(headline)?.[1]?.toLowerCase() ?? ''),
    readCounts(bold, /^## \S+ Sluice: (\w+)/m.exec(outputs.markdown)?.[1] ?? ''),
    readCounts(closing, /^sluice: (\w+):/.exec(closing)?.[1] ?? ''),
  ];
  const { objects: o } = expected;
  const statedObjects =
    o.total === 0
      ? {}
      : {
          total: o.total,
          blocking: o.blocking,
          pass: o.pass,
          ...(o.blocked > 0 ? { blocked: o.blocked } : {}),
          ...(o.blockedUpstream > 0 ? { blockedUpstream: o.blockedUpstream } : {}),
          ...(o.unknownBlocking > 0 ? { unknownBlocking: o.unknownBlocking } : {}),
          ...(o.unknown > o.unknownBlocking ? { unknownAllowed: o.unknown - o.unknownBlocking } : {}),
          ...(o.suspended > 0 ? { suspended: o.suspended } : {}),
        };
  for (const counts of stated) {
    expect(counts).toEqual({ verdict: report.verdict, objects: statedObjects, images: expected.images });
  }
  return report.summary;
}
