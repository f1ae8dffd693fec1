import yaml from 'js-yaml';
import { analyzeScalar, isSimpleKey } from './go-yaml-emit.js';
import { resolvesToString } from './go-yaml-resolve.js';

/**
 * What the scalar-by-scalar substitution (`substituteScalars`) needs to know about one
 * scalar of the emitted text: how the emitter writes it (style, folding, key width) and how
 * js-yaml reads it back after substitution, exactly as the whole-text path would.
 *
 * @module
 */

/** The text no longer reads back as one scalar as written: the whole-text path decides. */
export const BAIL: unique symbol = Symbol('bail');

/** Line breaks other than LF: go-yaml writes them raw in quoted scalars and js-yaml folds CR. */
export const ODD_BREAK = /[\r\u0085\u2028\u2029]/;
// First characters of the plain scalars js-yaml may read as something other than a string
// (null, bool, int, float, timestamp, merge), and the characters any of those can hold.
const NON_STRING_FIRST = /^[-+.0-9~nNtTfF<]/;
const NON_STRING_CHARS = /^[0-9A-Za-z_+\-.:~< \t]*$/;
const FOLD_WIDTH = 80;

/** How the emitter writes a string that holds an expression (the styles the shortcut reads back). */
export type ScalarStyle = 'plain' | 'single' | 'literal';

const PLAIN_EXPRESSION = /^[A-Za-z0-9_/$=+][A-Za-z0-9_./=+${}@:-]*[A-Za-z0-9_./=+${}@-]$/;

/** How the emitter writes a string value (go-yaml-emit.ts `#selectStyle`); undefined: double-quoted. */
export function styleOf(value: string): ScalarStyle | undefined {
  // The common case (`${CLUSTER}-app`, `https://${DOMAIN}/x`): no space, no indicator in front
  // and no `---`/`...`, no `: `, ` #` or `:` at the end: plain (with `${` or `$$` in it, no
  // resolve.go pattern matches: a string).
  if (PLAIN_EXPRESSION.test(value)) return 'plain';
  const analysis = analyzeScalar(value);
  if (value.includes('\n')) return analysis.block ? 'literal' : undefined;
  if (!resolvesToString(value)) return undefined;
  if (analysis.blockPlain) return 'plain';
  return analysis.singleQuoted && !analysis.multiline ? 'single' : undefined;
}

/**
 * The substituted text of a scalar read back in the style it was written in, or BAIL when it
 * no longer reads as one scalar of that style, as written.
 */
export function readBack(text: string, style: ScalarStyle): unknown {
  if (style === 'literal') return text;
  if (text === '') return BAIL;
  const analysis = analyzeScalar(text);
  if (style === 'plain') return analysis.blockPlain ? plainValue(text) : BAIL;
  // Single-quoted on one line, printable, every quote doubled.
  if (analysis.multiline || !analysis.singleQuoted) return BAIL;
  for (let index = text.indexOf("'"); index !== -1; index = text.indexOf("'", index + 2))
    if (text[index + 1] !== "'") return BAIL;
  return text.replaceAll("''", "'");
}

/** Where a literal block's first line has its first character after spaces; undefined when it has none. */
export function firstContent(text: string): number | undefined {
  let index = 0;
  while (text[index] === ' ') index += 1;
  return index >= text.length || text[index] === '\n' ? undefined : index;
}

/**
 * Whether the emitter folds a plain or single-quoted scalar starting at `column`
 * (go-yaml-emit.ts `#writePlain`, `#writeSingleQuoted`): at a space past column 80 that follows
 * a character other than a space and comes before one, neither first nor last.
 */
export function folds(text: string, column: number): boolean {
  const chars = [...text];
  let at = column;
  for (let index = 0; index < chars.length; index += 1) {
    if (
      chars[index] === ' ' &&
      at > FOLD_WIDTH &&
      index > 0 &&
      index < chars.length - 1 &&
      chars[index - 1] !== ' ' &&
      chars[index + 1] !== ' '
    )
      return true;
    at += 1;
  }
  return false;
}

/** Emitter columns of a text: one per code point. */
function columnsOf(text: string): number {
  let columns = 0;
  for (const _ of text) columns += 1;
  return columns;
}

/** The columns of a key the emitter writes plain; undefined when it is quoted. */
export function plainKeyWidth(key: string): number | undefined {
  return resolvesToString(key) && analyzeScalar(key).blockPlain ? columnsOf(key) : undefined;
}

/**
 * A key the emitter writes on one line without an expression, that js-yaml reads back as
 * written (`<<`, written plain, is a merge key to js-yaml).
 */
export function readsBackAsKey(key: string): boolean {
  // Objects repeat their keys (`metadata`, `name`, `image`): each is checked once.
  let known = keyCache.get(key);
  if (known === undefined) {
    known = key !== '<<' && !key.includes('${') && !key.includes('$$') && isSimpleKey(key) && readsBack(key);
    if (keyCache.size >= CACHE_LIMIT) keyCache.clear();
    keyCache.set(key, known);
  }
  return known;
}

const keyCache = new Map<string, boolean>();

/** A string without an expression that js-yaml reads back from the emitted text as written. */
export function readsBack(value: string): boolean {
  if (ODD_BREAK.test(value)) return false;
  if (!NON_STRING_FIRST.test(value) || !NON_STRING_CHARS.test(value)) return true;
  // Written quoted: read as a string.
  if (!resolvesToString(value) || !analyzeScalar(value).blockPlain) return true;
  return plainValue(value) === value;
}

const CACHE_LIMIT = 4096;
const plainCache = new Map<string, unknown>();

/**
 * A one-line text read as js-yaml reads a plain scalar with the default schema (`8080` a
 * number, `~` null, `2024-01-01` a date), or BAIL when js-yaml refuses it. The text must be one
 * that go-yaml's emitter would write plain (see `analyzeScalar`), so that it reads as one
 * scalar on its own as it does in its place.
 */
function plainValue(text: string): unknown {
  if (!NON_STRING_FIRST.test(text) || !NON_STRING_CHARS.test(text)) return text;
  const cached = plainCache.get(text);
  if (cached !== undefined) return cached;
  let value: unknown;
  try {
    value = yaml.load(text, { schema: yaml.DEFAULT_SCHEMA });
  } catch {
    return BAIL;
  }
  // A date is a new object on every read; the rest is kept.
  if (!(value instanceof Date) && value !== undefined) {
    if (plainCache.size >= CACHE_LIMIT) plainCache.clear();
    plainCache.set(text, value);
  }
  return value;
}
