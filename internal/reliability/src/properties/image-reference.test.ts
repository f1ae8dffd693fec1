import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tryParseImageReference } from '@sluice/core';
import { validateImageArgument } from '@sluice/trivy-runner';
import { imageReference } from './arbitraries.js';

/** The normalized form, or undefined when the text is not a reference. */
const normalize = (text: string): string | undefined => {
  const result = tryParseImageReference(text);
  return result.ok ? result.ref.normalized : undefined;
};

const NUM_RUNS = Number(process.env.SLUICE_FC_RUNS ?? 300);
const anyText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }),
  imageReference,
  imageReference.map((ref) => ref.toUpperCase()),
  fc
    .tuple(imageReference, fc.string({ maxLength: 3 }), fc.nat())
    .map(
      ([ref, noise, at]) => ref.slice(0, at % (ref.length + 1)) + noise + ref.slice(at % (ref.length + 1)),
    ),
);

describe('image reference parsing, for any input', () => {
  it('never throws: every string is either a reference or a reason', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const result = tryParseImageReference(text);
        return result.ok ? typeof result.ref.normalized === 'string' : result.message.length > 0;
      }),
      { numRuns: NUM_RUNS * 5 },
    );
  });

  it('is idempotent: normalize(normalize(x)) = normalize(x), and the familiar form normalizes back', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const result = tryParseImageReference(text);
        if (!result.ok) return true;
        expect(normalize(result.ref.normalized)).toBe(result.ref.normalized);
        expect(normalize(result.ref.familiar)).toBe(result.ref.normalized);
        return true;
      }),
      { numRuns: NUM_RUNS * 5 },
    );
  });

  it('rejects a registry host with an underscore, as Docker does (B9, fixed)', () => {
    for (const text of ['my_registry.com/app:1', 'a.a__a/a', 'a.b_c:5000/x']) {
      const result = tryParseImageReference(text);
      expect(result.ok, text).toBe(false);
    }
  });

  it('accepts every reference the grammar generates, with a normalized form Trivy can take as its argument', () => {
    fc.assert(
      fc.property(imageReference, (text) => {
        const result = tryParseImageReference(text);
        expect(result.ok, text).toBe(true);
        if (result.ok) {
          expect(validateImageArgument(result.ref.normalized)).toBe(result.ref.normalized);
          expect(result.ref.normalized).toMatch(/^[\x21-\x7e]+$/);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('always rejects a leading "-", and whitespace or control characters anywhere', () => {
    const hostile = fc.oneof(
      fc.tuple(fc.constantFrom('-', '--', '-rf '), anyText).map(([dash, rest]) => dash + rest),
      fc
        .tuple(
          imageReference,
          fc.constantFrom(
            ' ',
            '\t',
            '\n',
            '\r',
            '\v',
            '\f',
            '\u0000',
            '\u0085',
            '\u00a0',
            '\u2028',
            '\u200b',
            '\ufeff',
            '\u3000',
          ),
          fc.nat(),
        )
        .map(
          ([ref, space, at]) =>
            ref.slice(0, at % (ref.length + 1)) + space + ref.slice(at % (ref.length + 1)),
        ),
    );
    fc.assert(
      fc.property(hostile, (text) => {
        expect(tryParseImageReference(text).ok, JSON.stringify(text)).toBe(false);
        expect(() => validateImageArgument(text)).toThrow();
      }),
      { numRuns: NUM_RUNS * 3 },
    );
  });

  it('accepts nothing that could start a flag or a shell word, whatever the input', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const result = tryParseImageReference(text);
        if (!result.ok) return true;
        return !result.ref.normalized.startsWith('-') && !/[\s$`;|&<>()'"\\]/.test(result.ref.normalized);
      }),
      { numRuns: NUM_RUNS * 5 },
    );
  });
});
