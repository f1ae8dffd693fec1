import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateEnvsubst } from './envsubst.js';
import { evaluateSimpleEnvsubst } from './envsubst-simple.js';

const VALUES: Readonly<Record<string, string>> = { A: 'a-1', B: '', C: 'Ünï ${A}' };

describe('evaluateSimpleEnvsubst', () => {
  it('gives what evaluateEnvsubst gives, whenever it answers', () => {
    const part = fc.oneof(
      fc.constantFrom('x', ' ', 'é', ':', '-', '}', '{', '\\', '$', '$$', '$x', 'host.'),
      fc
        .tuple(
          fc.constantFrom('A', 'B', 'C', 'UNSET', '_x9', '9A'),
          fc.constantFrom('', ':=', ':-', '^^', '=', ':+', ',,'),
          fc.constantFrom('', 'd', 'x y', ':1', '$', '}', 'a\\b'),
        )
        .map(([name, op, arg]) =>
          op === '' || op === '^^' || op === ',,' ? `\${${name}${op}}` : `\${${name}${op}${arg}}`,
        ),
    );
    let answered = 0;
    fc.assert(
      fc.property(fc.array(part, { maxLength: 5 }), fc.boolean(), (parts, strict) => {
        const text = parts.join('');
        const lookup = (name: string): string | undefined => VALUES[name];
        const simple = evaluateSimpleEnvsubst(text, lookup, strict);
        if (simple === undefined) return;
        answered += 1;
        const full = evaluateEnvsubst(text, lookup, { strict });
        expect(simple.value).toBe(full.value);
        expect(simple.used).toEqual(full.used);
        expect(simple.missing).toEqual(full.missing);
        expect(simple.defaulted).toEqual(full.defaulted);
        // Pieces: the same stretches wherever a variable wrote (text pieces may split differently).
        const written = (result: typeof full) =>
          result.pieces
            .filter((piece) => piece.variable !== undefined || piece.outEnd > piece.outStart)
            .map((piece) => [piece.outStart, piece.outEnd, piece.variable]);
        expect(written(simple)).toEqual(written(full));
      }),
      { numRuns: Number(process.env.SLUICE_FC_RUNS ?? 2000) },
    );
    expect(answered).toBeGreaterThan(100);
  });
});
