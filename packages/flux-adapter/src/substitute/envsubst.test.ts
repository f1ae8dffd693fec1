import { describe, expect, it } from 'vitest';
import { substituteText } from './envsubst.js';

const vars: Record<string, string> = { APP: 'web', TAG: '1.2.3', EMPTY: '' };
const lookup = (name: string): string | undefined => vars[name];

describe('substituteText (Flux postBuild dialect)', () => {
  it.each([
    ['ghcr.io/acme/${APP}:${TAG}', 'ghcr.io/acme/web:1.2.3'],
    ['${MISSING:=fallback}', 'fallback'],
    ['${EMPTY:=fallback}', 'fallback'],
    ['${EMPTY=fallback}', ''],
    ['${MISSING-dash}', 'dash'],
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
});
