import { describe, expect, it } from 'vitest';
import { substituteText } from './envsubst.js';

const vars: Record<string, string> = { APP: 'web', TAG: '1.2.3', EMPTY: '' };
const lookup = (name: string): string | undefined => vars[name];

describe('substituteText (Flux postBuild dialect)', () => {
  it.each([
    ['ghcr.io/acme/${APP}:${TAG}', 'ghcr.io/acme/web:1.2.3'],
    ['${MISSING:=fallback}', 'fallback'],
    ['${EMPTY:=fallback}', 'fallback'],
    // funcs.go toDefault: an empty value takes the default, with or without the colon.
    ['${EMPTY=fallback}', 'fallback'],
    // `-` without a colon is no operator in fluxcd/pkg envsubst: the text fails to parse, unchanged.
    ['${MISSING-dash}', '${MISSING-dash}'],
    ['${MISSING:=${APP}}', 'web'],
    ['$${APP}', '${APP}'],
    ['$${POSTGRES:=$${APP}}', '${POSTGRES:=${APP}}'],
    ['$APP stays', '$APP stays'],
    ['${APP^^}', 'WEB'],
    ['${#TAG}', '5'],
    ['${TAG:2}', '2.3'],
    ['${TAG:0:1}', '1'],
    ['${TAG//./-}', '1-2-3'],
    ['${TAG/./_}', '1_2.3'],
    ['price: $5', 'price: $5'],
  ])('%s → %s', (input, expected) => {
    expect(substituteText(input, lookup).value).toBe(expected);
  });

  it('leaves an undefined variable as written and reports it', () => {
    expect(substituteText('img:${NOPE}', lookup)).toEqual({
      value: 'img:${NOPE}',
      used: [],
      unresolved: ['NOPE'],
    });
  });

  it('reports the variables it used, in order', () => {
    expect(substituteText('${TAG}-${APP}-${TAG}', lookup).used).toEqual(['TAG', 'APP']);
  });

  it.each([
    // funcs.go: positions and lengths count bytes, as Go strings do.
    ['${PATHS:5}', 'opt/app/bin'],
    ['${PATHS:1:3}', 'usr'],
    ['${#UTF}', '2'],
    // envsubst's own path.Match: `*` crosses `/`, so `##*/` keeps the base name.
    ['${PATHS##*/}', 'bin'],
    ['${PATHS#*/}', 'usr/opt/app/bin'],
    ['${PATHS%/*}', '/usr/opt/app'],
    ['${PATHS%%/*}', ''],
    // `:+` and `:?` are no bash operators here: they read as defaults.
    ['${MISSING:+plus}', 'plus'],
    ['${APP:+plus}', 'web'],
    // `\/` escapes a slash in a replace pattern.
    ['${PATHS//\\//-}', '-usr-opt-app-bin'],
    ['${APP/#w/W}', 'Web'],
    ['${APP/%b/B}', 'weB'],
    // `$$$` is an escaped `$` then an expression.
    ['$$${APP}', '$web'],
    ['${MISSING=${APP}-x}', 'web-x'],
    // Go's scanner reads rune 0 as the end of the text.
    ['a${APP}\u0000${TAG}', 'aweb'],
  ])('Flux semantics: %s → %s', (input, expected) => {
    const values: Record<string, string> = { ...vars, PATHS: '/usr/opt/app/bin', UTF: 'é' };
    expect(substituteText(input, (name) => values[name]).value).toBe(expected);
  });
});
