import { expect } from 'vitest';
import type { HostileCase } from './cases.js';
import type { CaseResult } from './check-case.js';
import { GOOD_LOCATION, matchingDiagnostics } from './check-case.js';

/**
 * The common contract of every hostile case: the good image is still found where it is written,
 * the case's own images are (or are not) found, and the bad input has its diagnostic naming the
 * file (and line, when it has one); valid input gets no warning or error.
 */
export function assertCase(hostile: HostileCase, result: CaseResult, expected = hostile.diagnostic): void {
  expect(result.images).toContainEqual(GOOD_LOCATION);
  const refs = new Set(result.images.map((image) => image.ref));
  for (const image of hostile.images ?? []) expect(refs).toContain(image);
  for (const image of hostile.absentImages ?? []) expect(refs).not.toContain(image);
  if (expected === 'none') {
    const noisy = result.diagnostics.filter(
      (diagnostic) => diagnostic.file.startsWith('apps/') && diagnostic.severity !== 'info',
    );
    expect(noisy).toEqual([]);
  } else {
    const found = matchingDiagnostics(result.diagnostics, expected);
    expect(found, JSON.stringify(result.diagnostics, null, 1)).not.toEqual([]);
  }
}
