import { EnvsubstLimitError } from './envsubst-parse.js';
import {
  ALTERNATING,
  CASE_RANGES,
  VERSION_DEPENDENT_LOWER,
  VERSION_DEPENDENT_UPPER,
} from './go-case-tables.js';

/**
 * A case function met a code point whose mapping Go's tables give differently by Go version
 * (Unicode 15.0 before Go 1.27, 17.0 from it): what Flux writes depends on the Go it was built
 * with, so Sluice cannot tell. A limit of Sluice's, not an error of Flux's.
 */
export class GoCaseVersionError extends EnvsubstLimitError {}

type Direction = 'upper' | 'lower';

/** The range of `ranges` (sorted, disjoint, `[lo, hi, …]`) holding `code`, or undefined. */
function findRange<T extends readonly [number, number, ...number[]]>(
  ranges: readonly T[],
  code: number,
): T | undefined {
  let low = 0;
  let high = ranges.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const range = ranges[middle]!;
    if (code < range[0]) high = middle;
    else if (code > range[1]) low = middle + 1;
    else return range;
  }
  return undefined;
}

/**
 * Go's `unicode.ToUpper` or `unicode.ToLower` of one code point: the simple, one-to-one mapping
 * (ß stays ß, İ lowers to i, Σ lowers to σ wherever it stands).
 *
 * @throws GoCaseVersionError for a code point whose mapping depends on Go's version.
 */
export function goMapRune(code: number, direction: Direction): number {
  if (code < 0x80) {
    // unicode.ToUpper/ToLower's ASCII path.
    if (direction === 'upper') return code >= 0x61 && code <= 0x7a ? code - 32 : code;
    return code >= 0x41 && code <= 0x5a ? code + 32 : code;
  }
  const dependent = direction === 'upper' ? VERSION_DEPENDENT_UPPER : VERSION_DEPENDENT_LOWER;
  if (findRange(dependent, code)) {
    const hex = code.toString(16).toUpperCase().padStart(4, '0');
    throw new GoCaseVersionError(
      `the ${direction} case of U+${hex} differs between Go's Unicode tables before Go 1.27 and from it`,
    );
  }
  const range = findRange(CASE_RANGES, code);
  if (!range) return code;
  const delta = direction === 'upper' ? range[2] : range[3];
  if (delta !== ALTERNATING) return code + delta;
  // Upper case at the even offsets from the range's start, lower case at the odd ones.
  const upper = code - ((code - range[0]) & 1);
  return direction === 'upper' ? upper : upper + 1;
}

/** Go's `strings.ToUpper`/`strings.ToLower`: each code point mapped on its own. */
export function goMapString(text: string, direction: Direction): string {
  // Most values are ASCII: the same as JavaScript's mapping there.
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(text)) return direction === 'upper' ? text.toUpperCase() : text.toLowerCase();
  let out = '';
  for (const char of text) out += String.fromCodePoint(goMapRune(char.codePointAt(0)!, direction));
  return out;
}
