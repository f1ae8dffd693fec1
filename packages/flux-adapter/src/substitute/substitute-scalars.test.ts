// The scalar-by-scalar substitution against the whole-text one (emit, envsubst, parse again):
// same object (deep, key order), same used/missing/defaulted lists, same failures, same origin
// for every value — on every object of the corpora that postBuild substitutes, and on generated
// objects and variable values built to break it.
import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { repoPath } from '@sluice/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { Provenance } from '../kustomize/provenance.js';
import type { KResource, YamlMap } from '../kustomize/resource.js';
import { loadFluxRepository } from '../load/load-flux-repository.js';
import { substituteScalars } from './substitute-scalars.js';
import type * as SubstituteResourceModule from './substitute-resource.js';
import { substituteWholeText, type ResourceSubstitution, type Variable } from './substitute-resource.js';

/**
 * Which path `substituteResource` takes: the shortcut with a new object (`scalars`) or with the
 * object as it was (`unchanged`), or the whole text.
 */
type Outcome = 'scalars' | 'unchanged' | 'whole-text';

/**
 * Runs both paths on one object with the same provenance and asserts that they agree. Returns
 * which path `substituteResource` takes.
 */
function compare(
  resource: KResource,
  variables: ReadonlyMap<string, Variable>,
  provenance: Provenance,
  strict: boolean,
): Outcome {
  const exact = substituteWholeText(resource, variables, provenance, { strict });
  const fast = substituteScalars(resource, variables, provenance, { strict });
  if (fast === undefined) return 'whole-text';
  expectSameSubstitution(fast, exact, resource, provenance);
  return fast.resource === resource ? 'unchanged' : 'scalars';
}

function expectSameSubstitution(
  fast: ResourceSubstitution,
  exact: ResourceSubstitution,
  input: KResource,
  provenance: Provenance,
): void {
  expect(fast.failure).toEqual(exact.failure);
  expect(fast.used).toEqual(exact.used);
  expect(fast.missing).toEqual(exact.missing);
  expect(fast.defaulted).toEqual(exact.defaulted);
  // Unchanged text: both hand back the object as it was.
  expect(fast.resource === input).toBe(exact.resource === input);
  expect({ ...fast.resource, object: undefined }).toEqual({ ...exact.resource, object: undefined });
  expectSameValue(fast.resource.object, exact.resource.object, provenance, '$');
}

/** Same shape, same keys in the same order, same scalars (`Object.is`), same origin everywhere. */
function expectSameValue(fast: unknown, exact: unknown, provenance: Provenance, path: string): void {
  if (fast instanceof Date || exact instanceof Date) {
    expect(fast, path).toBeInstanceOf(Date);
    expect(exact, path).toBeInstanceOf(Date);
    expect((fast as Date).getTime(), path).toBe((exact as Date).getTime());
    return;
  }
  if (typeof fast !== 'object' || fast === null || typeof exact !== 'object' || exact === null) {
    expect(Object.is(fast, exact), `${path}: ${String(fast)} (scalars) vs ${String(exact)} (text)`).toBe(
      true,
    );
    return;
  }
  expect(Array.isArray(fast), path).toBe(Array.isArray(exact));
  const keys: (string | number)[] = Array.isArray(fast) ? fast.map((_, index) => index) : Object.keys(fast);
  const exactKeys: (string | number)[] = Array.isArray(exact)
    ? exact.map((_, index) => index)
    : Object.keys(exact);
  expect(keys, path).toEqual(exactKeys);
  for (const key of keys) {
    const at = `${path}.${String(key)}`;
    expect(provenance.originOf(fast, key), `origin of ${at}`).toEqual(provenance.originOf(exact, key));
    expect(provenance.scalarStyleOf(fast, key), `style of ${at}`).toBe(provenance.scalarStyleOf(exact, key));
    expectSameValue(
      (fast as Record<string | number, unknown>)[key],
      (exact as Record<string | number, unknown>)[key],
      provenance,
      at,
    );
  }
}

// ---- every object the corpora substitute ---------------------------------------------------

/** Per object substituted while loading a corpus: whether it holds an expression, which path. */
const seen: { expressions: boolean; outcome: Outcome }[] = [];
vi.mock('./substitute-resource.js', async (importOriginal) => {
  const real = await importOriginal<typeof SubstituteResourceModule>();
  return {
    ...real,
    substituteResource: (...args: Parameters<typeof real.substituteResource>) => {
      const [resource, variables, provenance] = args;
      // Compared now, before anything later in the pipeline touches the objects.
      const outcome = compare(resource, variables, provenance, args[3]?.strict !== false);
      const json = JSON.stringify(resource.object);
      seen.push({ expressions: json.includes('${') || json.includes('$$'), outcome });
      return real.substituteResource(...args);
    },
  };
});

const CORPORA = readdirSync(repoPath('fixtures/corpora'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

describe('substituteScalars equals the whole-text substitution', () => {
  it.each(CORPORA)(
    'on every object %s substitutes',
    async (corpus) => {
      seen.length = 0;
      await loadFluxRepository(repoPath(`fixtures/corpora/${corpus}`));
      if (corpus === 'joryirving-home-ops') {
        // Cluster settings and secrets go into most objects: the comparison covers hundreds, and
        // the shortcut takes nine in ten of those holding an expression.
        const substituted = seen.filter(({ expressions }) => expressions);
        expect(substituted.length).toBeGreaterThan(700);
        const fast = substituted.filter(({ outcome }) => outcome !== 'whole-text');
        expect(fast.length).toBeGreaterThan(substituted.length * 0.9);
      }
    },
    120_000,
  );
});

// ---- hand-picked objects ---------------------------------------------------------------------

/** A provenance in which every value of `object` has an origin of its own. */
function positioned(object: unknown): Provenance {
  const provenance = new Provenance();
  const ids = new WeakMap<object, number>();
  let next = 1;
  const stack: unknown[] = [object];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item !== 'object' || item === null || item instanceof Date || ids.has(item)) continue;
    ids.set(item, next);
    next += 1;
    for (const child of Object.values(item)) stack.push(child);
  }
  provenance.register(object, {
    file: 'apps/app.yaml',
    positions: {
      positionOf: (container, key) => {
        const id = ids.get(container);
        if (id === undefined) return undefined;
        const index = Array.isArray(container) ? Number(key) : Object.keys(container).indexOf(String(key));
        return index < 0 ? undefined : { line: id * 100 + index, column: 1 + index };
      },
    },
  });
  return provenance;
}

const DEFINED: ReadonlyMap<string, Variable> = new Map([
  ['DOMAIN', { value: 'example.com', origin: { file: 'cluster-settings.yaml', line: 5, column: 11 } }],
  ['PORT', { value: '8080', origin: { file: 'cluster-settings.yaml', line: 6, column: 9 } }],
  ['ON', { value: 'true', origin: { file: 'cluster-settings.yaml', line: 7, column: 7 } }],
  ['NOTHING', { value: '', origin: { file: 'cluster-settings.yaml', line: 8, column: 12 } }],
  ['SECRET', { value: 's3cr3t' }],
  ['COMMENT', { value: 'alpine #x', origin: { file: 'cluster-settings.yaml', line: 9, column: 12 } }],
  ['LINES', { value: '1\nz: 2' }],
  ['SPACE', { value: ' ' }],
]);

function resourceOf(object: YamlMap): KResource {
  return { object, file: 'apps/app.yaml', line: 1 };
}

describe('substituteScalars, hand-picked objects', () => {
  it.each<[string, YamlMap, Outcome]>([
    ['a host name', { spec: { host: 'app.${DOMAIN}', port: 80 } }, 'scalars'],
    ['a port that becomes a number', { spec: { port: '${PORT}', name: 'x' } }, 'scalars'],
    ['a flag that becomes a boolean', { spec: { enabled: '${ON}' } }, 'scalars'],
    ['a default', { spec: { host: '${UNSET:=fallback.${DOMAIN}}' } }, 'scalars'],
    ['an empty value and its default', { spec: { a: '${NOTHING:-x}', b: '${NOTHING}x' } }, 'scalars'],
    ['`$$` keeps a dollar', { data: { script: 'echo-$${HOME}', other: 'x' } }, 'scalars'],
    ['a variable without an origin', { data: { token: '${SECRET}' } }, 'scalars'],
    ['a missing variable left as written', { data: { a: '${UNSET}', b: '${DOMAIN}' } }, 'scalars'],
    ['only missing variables: nothing changes', { data: { a: '${UNSET}' } }, 'unchanged'],
    ['a substring and a case change', { data: { a: '${DOMAIN:0:3}${DOMAIN^^}' } }, 'scalars'],
    [
      'sequences of sequences and empty collections trace to the scalar before them',
      { spec: { list: ['${DOMAIN}', ['a'], {}, 'x', [], { a: '${PORT}' }, [[]]], e: [], m: {} } },
      'scalars',
    ],
    ['keys out of go-yaml order', { z: '${DOMAIN}', a10: 1, a2: 2, B: -0, 1: null }, 'scalars'],
    ['a value that becomes a comment', { spec: { image: '${COMMENT}' } }, 'whole-text'],
    ['a key with a variable', { spec: { '${DOMAIN}': 'x' } }, 'whole-text'],
    [
      'an expression in a single-quoted value',
      { spec: { a: '{{ .X_${DOMAIN} }}', b: "'${PORT}'" } },
      'scalars',
    ],
    ['an expression in a plain value with spaces', { spec: { title: 'App (${DOMAIN})' } }, 'scalars'],
    ['an expression in a literal block', { data: { 'a.conf': 'host ${DOMAIN}\nport ${PORT}\n' } }, 'scalars'],
    ['a value folded past column 80', { spec: { title: `${'word '.repeat(15)}\${DOMAIN}` } }, 'whole-text'],
    [
      'a long value with its last space before column 80',
      { spec: { title: `${'w'.repeat(60)} ${'x'.repeat(40)}\${DOMAIN}` } },
      'scalars',
    ],
    [
      'a quoted value folded past column 80',
      { spec: { t: `{{ ${'w'.repeat(80)} \${DOMAIN} }}` } },
      'whole-text',
    ],
    ['an expression across lines of a block', { data: { a: 'x ${UNSET:=a\nb}\n' } }, 'whole-text'],
    ['a variable writing a line break into a block', { data: { a: 'x: ${LINES}\ny: 1\n' } }, 'whole-text'],
    ['a block line starting with a space', { data: { a: '${SPACE}x\ny\n' } }, 'whole-text'],
    ['an unclosed expression', { data: { a: '${DOMAIN', b: 'x}' } }, 'whole-text'],
    ['a CR elsewhere', { data: { a: '${DOMAIN}', b: 'x\ry' } }, 'whole-text'],
    ['a date elsewhere', { data: { a: '${DOMAIN}', b: new Date(0) } }, 'whole-text'],
    ['a string js-yaml reads as a date', { data: { a: '${DOMAIN}', b: '2024-02-30' } }, 'whole-text'],
    ['a merge key', { data: { a: '${DOMAIN}', '<<': {} } }, 'whole-text'],
  ])('%s', (_name, object, outcome) => {
    // The outcome is strict mode's; without it a missing variable reads as "" (not plain).
    expect(compare(resourceOf(object), DEFINED, positioned(object), true)).toBe(outcome);
    compare(resourceOf(object), DEFINED, positioned(object), false);
  });

  it('a substituted value points at its variable, the rest at where they are written', () => {
    const object = { spec: { host: 'app.${DOMAIN}', port: '${PORT}', name: 'web' } };
    const provenance = positioned(object);
    const result = substituteScalars(resourceOf(object), DEFINED, provenance);
    const spec = (result?.resource.object as { spec: Record<string, unknown> }).spec;
    expect(spec).toEqual({ host: 'app.example.com', name: 'web', port: 8080 });
    expect(Object.keys(spec)).toEqual(['host', 'name', 'port']);
    expect(provenance.originOf(spec, 'host')).toEqual({
      file: 'cluster-settings.yaml',
      line: 5,
      column: 11,
      raw: 'example.com',
    });
    expect(provenance.originOf(spec, 'name')).toEqual(provenance.originOf(object.spec, 'name'));
    expect(provenance.originOf(spec, 'name')).toMatchObject({ file: 'apps/app.yaml' });
    expect(result?.used).toEqual(['DOMAIN', 'PORT']);
  });
});

// ---- generated objects and variable values ---------------------------------------------------

const NAMES = ['A', 'B', 'C'] as const;
const expression = fc.oneof(
  fc.constantFrom(...NAMES, 'UNSET').map((name) => `\${${name}}`),
  fc
    .tuple(
      fc.constantFrom(...NAMES, 'UNSET'),
      fc.constantFrom(':=', ':-', '=', ':+', ':?', '^^', ',', ':1', ':0:2', '/a/b', '//.', '#*.', '%%.*'),
      fc.constantFrom('', 'd', 'x.y', '${B}', '${UNSET:=z}', '8080'),
    )
    .map(([name, op, argument]) =>
      ['^^', ','].includes(op) ? `\${${name}${op}}` : `\${${name}${op}${argument}}`,
    ),
  fc.constantFrom('$${A}', '$$', '${#A}', '${A', '}', '$A', '${}'),
);
// Text that YAML reads as something else, or that changes the structure around it.
const HOSTILE = [
  ' ',
  '#',
  ' #x',
  ': ',
  '- ',
  '"',
  "'",
  '{',
  '[',
  '*',
  '&',
  '!',
  '|',
  '>',
  '%',
  '@',
  '`',
  '\t',
  '\n',
  '\r',
  '\u2028',
];
// Text a rendered object holds, some of which js-yaml reads as another type when plain.
const TAME = [
  ...[
    'web',
    'host.',
    '1',
    '0x1',
    '.5',
    'true',
    'null',
    '~',
    '-',
    '2024-01-01',
    ':1.25',
    '<<',
    '_',
    'é',
    '/',
    '=',
  ],
  // Long text with spaces (folded past column 80), lines of a block, quotes.
  ...['lorem ipsum dolor sit amet, consectetur', ' sed do', '\n', 'x\n', '\n  more', '{{ .X_', ' }}', "'q'"],
];

/**
 * Objects whose strings join up to four fragments. `hostile` ones have hostile text, keys with
 * expressions, long keys and dates often; the others hold them rarely (the variables do).
 */
function objects(hostile: boolean): fc.Arbitrary<YamlMap> {
  const fragment = fc.oneof(
    { weight: 3, arbitrary: expression },
    { weight: hostile ? 4 : 12, arbitrary: fc.constantFrom(...TAME) },
    { weight: 1, arbitrary: fc.constantFrom(...HOSTILE) },
  );
  const text = fc.array(fragment, { maxLength: 4 }).map((parts) => parts.join(''));
  const key = fc.oneof(
    {
      weight: hostile ? 6 : 40,
      arbitrary: fc.constantFrom('image', 'name', 'a2', 'a10', 'B', '1', 'true', ''),
    },
    { weight: 1, arbitrary: fc.constantFrom('__proto__', '<<', 'k'.repeat(130)) },
    { weight: hostile ? 2 : 1, arbitrary: text },
  );
  const scalar = fc.oneof(
    { weight: 8, arbitrary: text },
    { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.constantFrom(-0, 0.1, 1e21, 2 ** 60)) },
    { weight: 1, arbitrary: fc.constantFrom(true, false, null) },
    { weight: hostile ? 1 : 0, arbitrary: fc.constant(new Date(0)) },
  );
  const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      scalar,
      fc.array(tie('node'), { maxLength: 4 }),
      fc.dictionary(key, tie('node'), { maxKeys: 4 }),
    ),
  })).node;
  return fc.dictionary(fc.constantFrom('spec', 'data', 'x'), value, { minKeys: 1, maxKeys: 3 });
}

const variableValue = fc
  .array(
    fc.oneof(
      {
        weight: 3,
        arbitrary: fc.constantFrom(
          ...['v', 'example.com', '1', '8080', '0x1F', '1e3', '.inf', '-0', 'true', 'yes', 'null', '~'],
          ...['', '$', '${A}', '$$', '2024-01-01', '2024-02-30', '-', '<<', 'é', 'a:b', 'x#y'],
        ),
      },
      { weight: 1, arbitrary: fc.constantFrom(...HOSTILE, ' #c', '\r  k: v', '*a', '&a', '!t', ']') },
    ),
    { maxLength: 3 },
  )
  .map((parts) => parts.join(''));

describe('substituteScalars, property: equals the whole-text substitution', () => {
  it.each([
    ['objects with hostile text everywhere', true, 0],
    ['objects like rendered ones, variables with hostile values', false, 0.15],
  ])('for generated %s, in both modes', (_name, hostile, changed) => {
    const taken: Outcome[] = [];
    fc.assert(
      fc.property(
        objects(hostile),
        fc.record({ A: variableValue, B: variableValue, C: variableValue }),
        fc.boolean(),
        (object, values, strict) => {
          const variables = new Map<string, Variable>(
            Object.entries(values).map(([name, text], index) => [
              name,
              // C has no origin: a value it writes has none either.
              name === 'C'
                ? { value: text }
                : { value: text, origin: { file: 'vars.yaml', line: index + 1, column: 3 } },
            ]),
          );
          taken.push(compare(resourceOf(object), variables, positioned(object), strict));
        },
      ),
      { numRuns: Number(process.env.SLUICE_FC_RUNS ?? 2000) },
    );
    // The second generator reaches the shortcut with a changed object often.
    const count = taken.filter((outcome) => outcome === 'scalars').length;
    expect(count).toBeGreaterThanOrEqual(taken.length * changed);
  });
});
