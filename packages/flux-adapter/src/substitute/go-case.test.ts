// Go's unicode.ToUpper/ToLower (simple, one code point to one), checked over every code point
// against the Unicode 14.0 simple mappings (a fixture generated with Perl): Go 1.21 to 1.26 are on
// Unicode 15.0 and Go 1.27 on 17.0, so where 14.0 and 17.0 agree every Go since 1.21 gives the
// fixture's answer, and where they differ Sluice cannot tell which Go built Flux.
import { readRepoFile } from '@sluice/test-utils';
import { describe, expect, it } from 'vitest';
import { evaluateEnvsubst } from './envsubst.js';
import { evaluateSimpleEnvsubst } from './envsubst-simple.js';
import { GoCaseVersionError, goMapRune } from './go-case.js';

const FIXTURE = 'packages/flux-adapter/src/__fixtures__/unicode/simple-case-14.0.txt';

interface SimpleCase {
  readonly upper: Map<number, number>;
  readonly lower: Map<number, number>;
  /** Sorted boundaries: a code point is assigned when an odd number of them are <= it. */
  readonly assigned: readonly number[];
}

async function readSimpleCase(): Promise<SimpleCase> {
  const upper = new Map<number, number>();
  const lower = new Map<number, number>();
  let assigned: number[] = [];
  for (const line of (await readRepoFile(FIXTURE)).split('\n')) {
    if (line.startsWith('#') || line === '') continue;
    const [first, ...rest] = line.split(' ');
    if (first === 'assigned') assigned = rest.map((hex) => parseInt(hex, 16));
    else {
      const [code, up, low] = [first!, ...rest].map((hex) => parseInt(hex, 16));
      upper.set(code!, up!);
      lower.set(code!, low!);
    }
  }
  return { upper, lower, assigned };
}

function isAssigned(boundaries: readonly number[], code: number): boolean {
  let low = 0;
  let high = boundaries.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (boundaries[middle]! <= code) low = middle + 1;
    else high = middle;
  }
  return low % 2 === 1;
}

/** goMapRune's answer, or 'unknown' when it says the answer depends on Go's version. */
function mapOrUnknown(code: number, direction: 'upper' | 'lower'): number | 'unknown' {
  try {
    return goMapRune(code, direction);
  } catch (error) {
    if (error instanceof GoCaseVersionError) return 'unknown';
    throw error;
  }
}

const lookup =
  (values: Record<string, string>) =>
  (name: string): string | undefined =>
    values[name];

describe('goMapRune: unicode.ToUpper and unicode.ToLower', () => {
  it('gives Unicode 14.0 simple mappings for every code point, or unknown where Go versions differ', async () => {
    const data = await readSimpleCase();
    const unknown: string[] = [];
    const wrong: string[] = [];
    for (let code = 0; code <= 0x10ffff; code += 1) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      for (const direction of ['upper', 'lower'] as const) {
        const expected = (direction === 'upper' ? data.upper : data.lower).get(code) ?? code;
        const actual = mapOrUnknown(code, direction);
        const name = `${direction} U+${code.toString(16).toUpperCase()}`;
        if (actual === 'unknown') unknown.push(name);
        else if (actual !== expected)
          wrong.push(`${name}: ${actual.toString(16)} not ${expected.toString(16)}`);
      }
    }
    expect(wrong).toEqual([]);
    // Unicode 15.0 to 17.0 gave capitals to four small letters of 14.0 (ƛ, ɤ, U+A7D3, U+A7D5):
    // every other unknown is a letter 14.0 did not have.
    const known = unknown.filter((name) => isAssigned(data.assigned, parseInt(name.split('U+')[1]!, 16)));
    expect(known).toEqual(['upper U+19B', 'upper U+264', 'upper U+A7D3', 'upper U+A7D5']);
    expect(unknown).toHaveLength(110);
  });

  it('maps without SpecialCasing or context', () => {
    const map = (text: string, direction: 'upper' | 'lower'): string =>
      String.fromCodePoint(...[...text].map((char) => goMapRune(char.codePointAt(0)!, direction)));
    expect(map('straße ŉ ǰ ﬀ ᾳ', 'upper')).toBe('STRAßE ŉ ǰ ﬀ ᾼ');
    expect(map('İSTANBUL ΟΔΟΣ ǅ', 'lower')).toBe('istanbul οδοσ ǆ');
    expect(map('ǅ', 'upper')).toBe('Ǆ');
  });
});

describe('envsubst case functions map runes as Go does (fluxcd/pkg envsubst funcs.go)', () => {
  // `^^` is strings.ToUpper, `,,` strings.ToLower, `^`/`,` unicode.ToUpper/ToLower of the first
  // rune. JavaScript's toUpperCase and toLowerCase use full, context-sensitive mappings.
  it.each([
    ['${A^^}', { A: 'straße' }, 'STRAßE'],
    ['${A^}', { A: 'ßx' }, 'ßx'],
    ['${A^}', { A: '𐐨x' }, '𐐀x'],
    ['${A,,}', { A: 'İSTANBUL' }, 'istanbul'],
    ['${A,}', { A: 'İx' }, 'ix'],
    ['${A,,}', { A: 'ΟΔΟΣ' }, 'οδοσ'],
    ['${A^^}', { A: 'abc' }, 'ABC'],
  ])('%s with %j is %s', (text, values, expected) => {
    expect(evaluateEnvsubst(text, lookup(values)).value).toBe(expected);
  });

  it('the simple evaluator of the scalar shortcut too', () => {
    expect(evaluateSimpleEnvsubst('${A^^}', lookup({ A: 'straße' }), true)?.value).toBe('STRAßE');
  });

  it('fails where the answer depends on the Go that built Flux', () => {
    expect(() => evaluateEnvsubst('${A^^}', lookup({ A: 'ɤ' }))).toThrow(GoCaseVersionError);
    expect(() => evaluateSimpleEnvsubst('${A^^}', lookup({ A: 'ɤ' }), true)).toThrow(GoCaseVersionError);
    expect(evaluateEnvsubst('${A,,}', lookup({ A: 'ɤ' })).value).toBe('ɤ');
  });
});
