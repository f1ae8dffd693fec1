import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoPath } from '@sluice/test-utils';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePlainRepository } from '../../../bench/process/inputs.js';
import type { ParsedYaml, ParseYamlOptions } from './parse-yaml.js';
import { parseYaml, parseYamlWithJsYaml } from './parse-yaml.js';
import { readYamlFast } from './yaml-fast-parse.js';
import { createPlainScalarResolver } from './yaml-plain-scalar.js';
import { YamlPositions } from './yaml-positions.js';

const RESOLVE = createPlainScalarResolver(yaml.DEFAULT_SCHEMA)!;

/** Whether the fast reader reads `text` (rather than giving up on it). */
function fastReads(text: string): boolean {
  return readYamlFast(text, new YamlPositions(text), RESOLVE) !== undefined;
}

/**
 * A value written out with everything deep equality can miss: key order, own `__proto__` keys,
 * prototypes, -0 and NaN, dates (and an alias of a collection inside itself).
 */
function shape(value: unknown, open = new Set<object>()): unknown {
  if (typeof value === 'number') return Object.is(value, -0) ? 'number:-0' : `number:${String(value)}`;
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Date) return `date:${value.getTime()}`;
  if (open.has(value)) return 'cycle';
  open.add(value);
  const written = Array.isArray(value)
    ? ['array', ...value.map((item) => shape(item, open))]
    : [
        Object.getPrototypeOf(value) === Object.prototype ? 'object' : 'other prototype',
        ...Reflect.ownKeys(value).map((key) => [
          String(key),
          shape((value as Record<string, unknown>)[key as string], open),
        ]),
      ];
  open.delete(value);
  return written;
}

/** Every mapping and sequence of a value, once each, in a fixed order. */
function collections(value: unknown, found = new Set<object>()): object[] {
  if (typeof value !== 'object' || value === null || value instanceof Date || found.has(value))
    return [...found];
  found.add(value);
  for (const key of Reflect.ownKeys(value))
    collections((value as Record<string, unknown>)[key as string], found);
  return [...found];
}

/** Every position question about `container`: each key or index, and a few that are not there. */
function questions(container: object): (string | number)[] {
  const asked: (string | number)[] = Array.isArray(container)
    ? [...container.keys(), container.length, -1, '0']
    : Object.keys(container);
  return [...asked, 'missing', '__proto__', 'true', '1'];
}

/** What a parse answers: values, indexes, lines, diagnostics, and every position question. */
function answers(parsed: ParsedYaml): unknown {
  return {
    diagnostics: parsed.diagnostics,
    documents: parsed.documents.map((document) => ({
      file: document.file,
      index: document.index,
      line: document.line,
      value: shape(document.value),
      positions: collections(document.value).map((container) =>
        questions(container).map((key) => [
          key,
          document.positions.positionOf(container, key),
          document.positions.contentOffsetOf(container, key),
          document.positions.scalarStyleOf(container, key),
        ]),
      ),
    })),
  };
}

/** Asserts that parseYaml answers as js-yaml does; returns whether the fast reader read the text. */
function expectSameAsJsYaml(text: string, options: ParseYamlOptions = {}): boolean {
  const expected = answers(parseYamlWithJsYaml(text, 'file.yaml', options));
  expect(answers(parseYaml(text, 'file.yaml', options)), JSON.stringify(text)).toEqual(expected);
  return fastReads(text);
}

async function yamlFiles(folder: string, found: string[] = []): Promise<string[]> {
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules' && entry.name !== 'dist')
      await yamlFiles(path, found);
    else if (entry.isFile() && /\.ya?ml$/.test(entry.name)) found.push(path);
  }
  return found.sort();
}

describe('the fast YAML reader on real files', () => {
  it('reads every YAML file under fixtures/ and the packages’ fixtures as js-yaml does', async () => {
    const files = [
      ...(await yamlFiles(repoPath('fixtures'))),
      ...(await yamlFiles(repoPath('packages'))).filter((file) => file.includes('__fixtures__')),
    ];
    let read = 0;
    for (const file of files) if (expectSameAsJsYaml(await readFile(file, 'utf8'))) read += 1;
    expect(files.length).toBeGreaterThan(1200);
    // Most files are in the subset (the rest use anchored collections, tags, merge keys, …).
    expect(read / files.length).toBeGreaterThan(0.85);
  });

  it('reads most of home-ops itself', async () => {
    const files = await yamlFiles(repoPath('fixtures/corpora/joryirving-home-ops'));
    const texts = await Promise.all(files.map((file) => readFile(file, 'utf8')));
    const read = texts.filter(fastReads);
    const documents = (list: string[]): number =>
      list.reduce((sum, text) => sum + parseYaml(text, 'f.yaml').documents.length, 0);
    // 1,088 of 1,119 files, 1,294 of 1,328 documents when this was written.
    expect(read.length / files.length).toBeGreaterThan(0.95);
    expect(documents(read) / documents(texts)).toBeGreaterThan(0.95);
  });

  describe('the generated plain corpus of the process benchmark', () => {
    let folder = '';
    beforeAll(async () => {
      folder = await mkdtemp(join(tmpdir(), 'sluice-fast-yaml-'));
    });
    afterAll(async () => {
      await rm(folder, { recursive: true, force: true });
    });

    it('is read whole, as js-yaml reads it', async () => {
      await writePlainRepository(folder, 600);
      const files = await yamlFiles(folder);
      expect(files).toHaveLength(60);
      for (const file of files) expect(expectSameAsJsYaml(await readFile(file, 'utf8'))).toBe(true);
    });
  });
});

// Scalars in every spelling js-yaml types, and near misses.
// prettier-ignore
const SCALARS = [
  '0', '-0', '+0', '00', '08', '012', '+12', '-12', '1_000', '0x1F', '0X1F', '0x', '0o17', '0o8', '0b101',
  '0b2', '-0x1F', '1e3', '1E3', '1e+3', '-1.5e-3', '1.5', '.5', '5.', '-.5', '+.5', '1.0.0', '1.', '.', '+',
  '-', '-.', '.inf', '-.inf', '+.Inf', '.INF', '.nan', '.NaN', '.NAN', '.Nan', 'inf', 'nan', '~', '~~', 'null',
  'Null', 'NULL', 'nULL', 'none', 'true', 'True', 'TRUE', 'tRUE', 'false', 'False', 'FALSE', 'yes', 'no', 'on',
  'off', 'y', 'n', '2001-12-14', '2001-12-14t21:59:43.10-05:00', '2001-12-14 21:59:43.10 -5',
  '2001-12-14T21:59:43Z', '2001-1-1', '2001-13-45', '2001-12-14 21:59', '12:30:00', '1:20', '190:20:30', '<<',
  '<', '<<<', '=', 'a b', 'a  b', 'é', 'ünïcödé', '😀', 'x😀y', '100m', '128Mi', '0.5', '1e400', '-1e400',
  '123456789012345678901234567890', '9007199254740993', 'v1', 'nginx:1.21', 'http://x.y/z?a=b#c', 'a#b', 'a:b',
  'a,b', '[a]b', 'a]', 'a}', 'a{b}', "it's", 'say "hi"', '%x', '@x', '`x`', '!x', '&x', '*x', '|', '>', '?x',
  ':x', '-x', '--x', '---x', '...x',
];

describe('plain scalar typing', () => {
  it('types every scalar as js-yaml does', () => {
    // Texts that start no plain scalar (an anchor, a quote, …) are no question for the typing.
    for (const text of SCALARS.filter((scalar) => !/^(?:[&*!|>'"%@`#,[\]{}]|[-?:](?: |$))/.test(scalar))) {
      let expected: unknown;
      try {
        expected = yaml.load(`${text}\n`);
      } catch {
        continue;
      }
      if (typeof expected === 'object' && expected !== null && !(expected instanceof Date)) continue;
      if (typeof expected === 'string' && expected !== text) continue;
      expect(shape(RESOLVE(text)), text).toEqual(shape(expected));
    }
  });

  it('uses the schema’s implicit types in the schema’s order, and no resolver for another schema', () => {
    const tags = (
      yaml.DEFAULT_SCHEMA as unknown as { compiledImplicit: { tag: string }[] }
    ).compiledImplicit.map((type) => type.tag.replace('tag:yaml.org,2002:', ''));
    expect(tags).toEqual(['null', 'bool', 'int', 'float', 'timestamp', 'merge']);
    const custom = yaml.DEFAULT_SCHEMA.extend({
      implicit: [new yaml.Type('!x', { kind: 'scalar', resolve: () => true })],
    });
    expect(createPlainScalarResolver(custom)).toBeUndefined();
  });
});

describe('what the fast reader leaves to js-yaml', () => {
  it.each([
    ['an alias inside its own anchored mapping', 'a: &x\n  b: *x\n'],
    ['an anchored flow collection', 'a: &x [1]\nb: *x\n'],
    ['an anchored sequence item', '- &x\n  a: 1\n- *x\n'],
    ['an alias of an unknown anchor', 'a: *x\n'],
    ['a merge key', 'a: &x 1\nb:\n  <<: {c: 1}\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a local tag', 'a: !env_var HOME\n'],
    ['a complex key', '? a\n: 1\n'],
    ['a directive', '%YAML 1.2\n---\na: 1\n'],
    ['a tab in the indentation', 'a:\n\tb: 1\n'],
    ['a tab before a value', 'a:\t1\n'],
    ['a multi-line plain scalar', 'a: one\n  two\n'],
    ['a multi-line quoted scalar', 'a: "one\n  two"\n'],
    ['an escape in a double-quoted scalar', 'a: "one\\ttwo"\n'],
    ['a duplicate key', 'a: 1\nb: 2\na: 3\n'],
    ['a duplicate key spelled differently', 'true: 1\n"true": 2\n'],
    [
      'a duplicate key of a large mapping',
      `${Array.from({ length: 20 }, (_, key) => `k${key}: ${key}\n`).join('')}k3: x\n`,
    ],
    ['a duplicate key of a flow mapping', 'a: {b: 1, b: 2}\n'],
    ['a byte order mark', '\uFEFFa: 1\n'],
    ['a scalar document', 'just text\n'],
    ['a flow document', '{a: 1}\n'],
    ['an empty sequence item', 'a:\n  -\n  - b\n'],
    ['a timestamp key', '2001-01-01: a\n'],
    ['a multi-line flow collection', 'a: [1,\n  2]\n'],
    ['a flow mapping entry without a value', 'a: {b, c: 1}\n'],
    ['a syntax error', 'a: 1\n b: 2\n'],
    ['a bad indentation', 'a:\n  b: 1\n c: 2\n'],
    ['a non-printable character', 'a: b\u0001c\n'],
    ['a NUL', 'a: b\u0000\n'],
  ])('%s', (_, text) => {
    expect(fastReads(text)).toBe(false);
    expectSameAsJsYaml(text);
    expectSameAsJsYaml(text, { duplicateKeys: 'last' });
  });

  it('leaves duplicate keys to js-yaml under either option', () => {
    const text = 'kind: Pod\nimage: a\nimage: b\n';
    expect(parseYaml(text, 'f.yaml').diagnostics).toEqual([
      expect.objectContaining({ code: 'yaml-syntax', line: 3 }),
    ]);
    const last = parseYaml(text, 'f.yaml', { duplicateKeys: 'last' });
    expect(last.documents[0]?.value).toEqual({ kind: 'Pod', image: 'b' });
    expect(last.documents[0]?.positions.positionOf(last.documents[0].value as object, 'image')).toEqual({
      line: 3,
      column: 8,
    });
  });

  it('keeps js-yaml’s special cases it does read', () => {
    for (const text of [
      '',
      '\n',
      '\r\n',
      ' \n',
      '#\n',
      '---\n',
      '---',
      '...\n',
      'a: 1\n---\n',
      'a: 1\n...\n---\nb: 2\n...\n',
      '--- # c\na: 1\n',
      '__proto__: {a: 1}\nconstructor: 2\n',
      '- __proto__: x\n',
      'true: 1\nnull: 2\n~: 3\n1.0: 4\n0x10: 5\n.inf: 6\n.nan: 7\n-0: 8\n',
      '10: a\n2: b\nx: c\n1: d\n',
      "a: ''\nb: \"\"\nc: 'it''s'\nd: '''x'''\n",
      'a: &x 1\nb: *x\nc: [*x]\n',
      'a: &x one\n---\nb: *x\n',
      'a: &x\n  b: 1\nc: *x\nd: [*x]\n',
      'a: &x # c\n- 1\nb: *x\n',
      'a: &x 1\nb: &x\n  c: 2\nd: *x\n',
      'a: &x\n  b: &x 1\nc: *x\n',
      'a: |\n  x\n\n  y\n\n\nb: >-\n  folded\n  text\n\n   more\n  back\nc: |+\n  keep\n\n',
      'a: |2\n   x\n  y\nb: >1\n  z\n',
      'a: |\n\n   late\n',
      'a: |\n  x\n# c\n  y: 1\n',
      'a: b\n    # deeper comment\nc: d\n',
      'a: b\n  # deeper comment\n  c\n',
      'a: b\n  - c\n',
      'a:\n- b\n- c\nd: e\n',
      'a:\n- b\n-c: d\n',
      '- - a\n  - b\n- c\n',
      '- a: |\n    text\n  b: 1\n',
      '-   a: 1\n    b: 2\n',
      'a  : 1\n"b"  : 2\n\'c\' : 3\n',
      'a: [b, c,]\nd: {e: f,}\ng: [ ]\n',
      'a: b#c\nd: "e"#f\n',
      'a: 1\r\nb: |\r\n  x\r\n\r\n  y\r\nc: 2\r\n',
      'a: 1\rb:\r  - c\r',
      'ünï: cödé\n"😀": x\n',
      'a:\n' +
        Array.from({ length: 45 }, (_, depth) => `${'  '.repeat(depth + 1)}k${depth}:`).join('\n') +
        ' x\n',
      '- '.repeat(120) + 'x\n',
      'a: -1\nb: - 1\n',
      'a: x\n---\n...\n',
      '---\n---\n',
      '--- \na: 1\n--- #\nb: 2\n',
    ]) {
      expectSameAsJsYaml(text);
    }
  });
});

/** A small deterministic random source (mulberry32), so that a failure can be replayed. */
function randomSource(seed: number): (limit: number) => number {
  let state = seed >>> 0;
  return (limit) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return (((value ^ (value >>> 14)) >>> 0) % limit) | 0;
  };
}

// prettier-ignore
const KEYS = [
  '__proto__', 'constructor', 'toString', 'true', 'True', 'null', '~', '1', '01', '1.0', '-0', '0x10', '.inf',
  '<<', '"quoted"', "'single'", '"a b"', "'it''s'", '"__proto__"', 'a b', 'é', 'k#x', 'k:x', '-k', '?k', '10',
  'image', 'name', '2001-01-01',
];

// prettier-ignore
const VALUES = [
  ...SCALARS, '', ' ', '# comment', 'x # comment', 'x#y', 'a: b', 'a:', "'q'", '"q"', "'a # b'", '"a: b"',
  '"\\n"', "'a''b'", '"unclosed', "'unclosed", '[]', '{}', '[ ]', '[a, b]', '[a, [b, c]]', '{a: 1, b: [2]}',
  '{a: }', '[a,]', '[a, ]', '{"a":1}', "{'a': b}", '[a: b]', '{a}', '[a #c]', '[a] x', '|', '|-', '|+', '>',
  '>-', '|2', '>1-', '| x', '&a x', '&a', '*a', '*missing', '&a [1]', '!!str x', '!x y', '- x', '? x', ': x',
  '@x', '`x`', '%x', 'x\t', '\tx', 'a\tb', 'x  ', 'é ü', '😀', '\u00a0x', '\u0085', '\u2028', '\ud800x',
  '\u007f', '\u0001', '\ufeff',
];

type Mutation = (lines: string[], pick: (limit: number) => number) => void;

const choose = <T>(list: readonly T[], pick: (limit: number) => number): T => list[pick(list.length)]!;

function splitEntry(line: string): { indent: string; head: string; rest: string } | undefined {
  const match = /^( *(?:- )*)([^:#'"]+|"[^"]*"|'[^']*'): ?(.*)$/.exec(line);
  return match ? { indent: match[1]!, head: match[2]!, rest: match[3]! } : undefined;
}

const MUTATIONS: Mutation[] = [
  // Indentation.
  (lines, pick) => {
    const at = pick(lines.length);
    lines[at] = pick(2) === 0 ? ` ${lines[at]!}` : lines[at]!.replace(/^ {1,2}/, '');
  },
  // A value replaced with a tricky one.
  (lines, pick) => {
    const at = pick(lines.length);
    const entry = splitEntry(lines[at]!);
    if (entry) lines[at] = `${entry.indent}${entry.head}: ${choose(VALUES, pick)}`;
  },
  // A key replaced with a tricky one.
  (lines, pick) => {
    const at = pick(lines.length);
    const entry = splitEntry(lines[at]!);
    if (entry) lines[at] = `${entry.indent}${choose(KEYS, pick)}: ${entry.rest}`;
  },
  // A sequence item holding a tricky value.
  (lines, pick) => {
    const at = pick(lines.length);
    const indent = /^ */.exec(lines[at]!)![0];
    lines.splice(at, 0, `${indent}- ${choose(VALUES, pick)}`);
  },
  // Quote style of a value.
  (lines, pick) => {
    const at = pick(lines.length);
    const entry = splitEntry(lines[at]!);
    if (!entry || entry.rest === '') return;
    const quote = choose(["'", '"', ''], pick);
    lines[at] = `${entry.indent}${entry.head}: ${quote}${entry.rest.replace(/^['"]|['"]$/g, '')}${quote}`;
  },
  // Comments: a line at any indentation, or after a value, with or without a space.
  (lines, pick) => {
    const at = pick(lines.length);
    const kind = pick(3);
    if (kind === 0) lines.splice(at, 0, `${' '.repeat(pick(8))}# a comment: with - things`);
    else lines[at] = `${lines[at]!}${kind === 1 ? ' # c' : '#c'}`;
  },
  // `: ` or `#` inside a value.
  (lines, pick) => {
    const at = pick(lines.length);
    lines[at] = `${lines[at]!}${choose([': x', ':', ' :x', ' #x', '#x', ',x', ' - x'], pick)}`;
  },
  // An empty value.
  (lines, pick) => {
    const at = pick(lines.length);
    const entry = splitEntry(lines[at]!);
    if (entry) lines[at] = `${entry.indent}${entry.head}:`;
  },
  // Document markers.
  (lines, pick) => {
    lines.splice(
      pick(lines.length + 1),
      0,
      choose(['---', '...', '--- # c', '---x', ' ---', '--- a: 1', '--- |'], pick),
    );
  },
  // Trailing spaces and tabs.
  (lines, pick) => {
    const at = pick(lines.length);
    lines[at] = `${lines[at]!}${choose([' ', '  ', '\t', ' \t '], pick)}`;
  },
  // A line removed, repeated, or joined to the next.
  (lines, pick) => {
    const at = pick(lines.length);
    const kind = pick(3);
    if (kind === 0) lines.splice(at, 1);
    else if (kind === 1) lines.splice(at, 0, lines[at]!);
    else if (at + 1 < lines.length) lines.splice(at, 2, `${lines[at]!} ${lines[at + 1]!.trimStart()}`);
  },
  // A block scalar with lines at various indentations.
  (lines, pick) => {
    const at = pick(lines.length);
    const entry = splitEntry(lines[at]!);
    if (!entry) return;
    const inner = entry.indent.replace(/- /g, '  ').length + 2;
    const body = Array.from({ length: pick(4) }, () =>
      pick(4) === 0 ? '' : `${' '.repeat(Math.max(0, inner + pick(3) - 1))}text ${pick(9)}`,
    );
    lines.splice(
      at,
      1,
      `${entry.indent}${entry.head}: ${choose(['|', '|-', '|+', '>', '>-', '>+', '|2', '>1'], pick)}`,
      ...body,
    );
  },
  // A character removed or a character inserted.
  (lines, pick) => {
    const at = pick(lines.length);
    const line = lines[at]!;
    const where = pick(line.length + 1);
    lines[at] =
      pick(2) === 0
        ? line.slice(0, where) + line.slice(where + 1)
        : line.slice(0, where) +
          choose([' ', '-', ':', '#', "'", '"', '[', '{', '\t', 'é', '&', '*', '!', '|'], pick) +
          line.slice(where);
  },
  // An anchor and an alias.
  (lines, pick) => {
    const first = pick(lines.length);
    const second = pick(lines.length);
    const a = splitEntry(lines[first]!);
    const b = splitEntry(lines[second]!);
    if (a) lines[first] = `${a.indent}${a.head}: &anchor ${a.rest}`.trimEnd();
    if (b) lines[second] = `${b.indent}${b.head}: *anchor`;
  },
];

describe('the fast YAML reader on mutated manifests', () => {
  it('answers as js-yaml does on every mutant, or leaves it to js-yaml', async () => {
    const seeds = [
      'fixtures/corpora/flux2-kustomize-helm-example/apps/base/podinfo/release.yaml',
      'fixtures/corpora/flux2-multi-tenancy/infrastructure/kyverno-policies/verify-flux-images.yaml',
      'fixtures/corpora/joryirving-home-ops/kubernetes/apps/base/media/plex/app/helmrelease.yaml',
      'fixtures/corpora/joryirving-home-ops/kubernetes/apps/base/downloads/metube/helmrelease.yaml',
      'fixtures/corpora/joryirving-home-ops/kubernetes/apps/base/self-hosted/webhook/resources/hooks.yaml',
    ];
    const texts = await Promise.all(seeds.map((seed) => readFile(repoPath(seed), 'utf8')));
    const pick = randomSource(15);
    let read = 0;
    const total = 4000;
    for (let round = 0; round < total; round += 1) {
      const lines = choose(texts, pick).split('\n');
      // A window of the file, from a top-level line, keeps each mutant small.
      const tops = lines.flatMap((line, index) => (/^[^\s#]/.test(line) ? [index] : []));
      const start = tops.length > 0 ? choose(tops, pick) : 0;
      const window = lines.slice(start, start + 10 + pick(30));
      for (let count = pick(3); count > 0 && window.length > 0; count -= 1)
        choose(MUTATIONS, pick)(window, pick);
      let text = window.join('\n');
      const ending = pick(10);
      if (ending === 0) text = text.replaceAll('\n', '\r\n');
      else if (ending === 1) text = `${text}\n`;
      else if (ending === 2) text = text.replaceAll('\n', '\r');
      if (expectSameAsJsYaml(text)) read += 1;
    }
    // The mutants exercise the fast reader, not only its giving up.
    expect(read / total, `${read} of ${total} mutants read by the fast reader`).toBeGreaterThan(0.3);
  });
});
