import { envsubstPathMatch } from './envsubst-match.js';
import { goMapRune, goMapString } from './go-case.js';
import { EnvsubstSyntaxError, parseEnvsubst, type EnvsubstNode, type FuncNode } from './envsubst-parse.js';

export { EnvsubstLimitError, EnvsubstSyntaxError, MAX_ENVSUBST_NESTING } from './envsubst-parse.js';

/** A valid variable name for Flux's postBuild substitution (kustomize_varsub.go `varsubRegex`). */
export const VARIABLE_NAME = /^[_a-zA-Z][_a-zA-Z0-9]*$/;

/** One stretch of the output and where it came from (character offsets). */
export interface EnvsubstPiece {
  readonly outStart: number;
  readonly outEnd: number;
  /** The input range: the text copied, or the whole `${…}` expression. */
  readonly inStart: number;
  readonly inEnd: number;
  /** The variable whose value this stretch is, when it is one (a default is not). */
  readonly variable?: string;
}

/** What {@link evaluateEnvsubst} produced. */
export interface EnvsubstResult {
  readonly value: string;
  /** In output order, covering the output. */
  readonly pieces: readonly EnvsubstPiece[];
  /** Variables read that have a value, in order of first use. */
  readonly used: readonly string[];
  /** Variables read without a value outside a default operator (strict mode fails on them). */
  readonly missing: readonly string[];
  /** Variables read without a value under a default operator (the default was used). */
  readonly defaulted: readonly string[];
}

/** Options of {@link evaluateEnvsubst}. */
export interface EnvsubstOptions {
  /**
   * Strict mode (kustomize-controller's `StrictPostBuildSubstitutions`, on by default since
   * 1.9): a variable without a value is `missing` (Flux fails the build) and its expression is
   * left as written; otherwise it reads as "".
   * @default true
   */
  readonly strict?: boolean;
}

/**
 * Flux's envsubst (fluxcd/pkg `envsubst`: `Eval` → `Template.Execute`) on a text: every
 * `${…}` expression is evaluated with the variables of `lookup`. Returns the output with a map
 * from each output stretch back to the input, so that positions of the substituted text can be
 * traced to what was written.
 *
 * @throws EnvsubstSyntaxError or EnvsubstLimitError (see `parseEnvsubst`).
 */
export function evaluateEnvsubst(
  text: string,
  lookup: (name: string) => string | undefined,
  options: EnvsubstOptions = {},
): EnvsubstResult {
  const bytes = Buffer.from(text, 'utf8');
  const toChar = byteToCharOffsets(text, bytes);
  const nodes = parseEnvsubst(bytes);
  const state: EvalState = {
    lookup,
    strict: options.strict !== false,
    used: [],
    missing: [],
    defaulted: [],
    bytes,
  };
  const pieces: EnvsubstPiece[] = [];
  let value = '';
  for (const node of nodes) {
    if (node.type === 'text') {
      // One piece per stretch between dropped escape characters, so positions stay exact.
      for (const [start, end] of node.ranges) {
        const inStart = toChar(start);
        const inEnd = toChar(end);
        pieces.push({ outStart: value.length, outEnd: value.length + (inEnd - inStart), inStart, inEnd });
        value += text.slice(inStart, inEnd);
      }
      continue;
    }
    const { text: out, variable } = evaluateTop(node, state);
    const piece: { -readonly [K in keyof EnvsubstPiece]: EnvsubstPiece[K] } = {
      outStart: value.length,
      outEnd: value.length + out.length,
      inStart: toChar(node.start),
      inEnd: toChar(node.end),
    };
    if (variable !== undefined) piece.variable = variable;
    pieces.push(piece);
    value += out;
  }
  return { value, pieces, used: state.used, missing: state.missing, defaulted: state.defaulted };
}

/** What {@link substituteText} did. */
export interface SubstitutionResult {
  /** The text after substitution. */
  readonly value: string;
  /** Variables that were read and defined, in order of first use. */
  readonly used: readonly string[];
  /** Variables that were read, undefined and without a default (left as written). */
  readonly unresolved: readonly string[];
}

/**
 * Flux's postBuild substitution on one string, in strict mode (an undefined variable without a
 * default is left as written and reported in `unresolved`). A text Flux refuses is returned
 * unchanged with no variables.
 *
 * @example
 * ```ts
 * substituteText('ghcr.io/app:${TAG:=1.0}', () => undefined).value; // 'ghcr.io/app:1.0'
 * ```
 */
export function substituteText(
  text: string,
  lookup: (name: string) => string | undefined,
): SubstitutionResult {
  try {
    const result = evaluateEnvsubst(text, lookup);
    return { value: result.value, used: result.used, unresolved: result.missing };
  } catch {
    return { value: text, used: [], unresolved: [] };
  }
}

interface EvalState {
  readonly lookup: (name: string) => string | undefined;
  readonly strict: boolean;
  readonly used: string[];
  readonly missing: string[];
  readonly defaulted: string[];
  readonly bytes: Uint8Array;
}

function evaluateTop(node: EnvsubstNode, state: EvalState): { text: string; variable?: string } {
  if (node.type === 'text') return { text: node.value };
  const value = state.lookup(node.param);
  const text = evaluateFunc(node, state);
  return value !== undefined && value !== '' ? { text, variable: node.param } : { text };
}

function evaluateNode(node: EnvsubstNode, state: EvalState): string {
  return node.type === 'text' ? node.value : evaluateFunc(node, state);
}

// template.go `evalFunc`: the arguments first (a default's nested expressions are evaluated even
// when the variable is set), then the variable, then the function.
function evaluateFunc(node: FuncNode, state: EvalState): string {
  const args = node.args.map((arg) => evaluateNode(arg, state));
  const value = state.lookup(node.param);
  if (value !== undefined) {
    if (!state.used.includes(node.param)) state.used.push(node.param);
  } else if (isDefaultOp(node.name)) {
    if (!state.defaulted.includes(node.param)) state.defaulted.push(node.param);
  } else if (state.strict) {
    if (!state.missing.includes(node.param)) state.missing.push(node.param);
    return Buffer.from(state.bytes.subarray(node.start, node.end)).toString('utf8');
  }
  return lookupFunc(node.name, args.length)(value ?? '', args);
}

function isDefaultOp(name: string): boolean {
  return ['-', '+', '=', '?', ':-', ':+', ':=', ':?'].includes(name);
}

type SubstituteFunc = (value: string, args: readonly string[]) => string;

// template.go `lookupFunc`.
function lookupFunc(name: string, args: number): SubstituteFunc {
  switch (name) {
    // funcs.go: unicode.ToLower/ToUpper of the first rune, strings.ToLower/ToUpper of all; Go
    // maps each rune on its own (ß stays, İ lowers to i, no final sigma), JavaScript does not.
    case ',':
      return (s) => mapFirstRune(s, 'lower');
    case ',,':
      return (s) => goMapString(s, 'lower');
    case '^':
      return (s) => mapFirstRune(s, 'upper');
    case '^^':
      return (s) => goMapString(s, 'upper');
    case '#':
      return args === 0 ? (s) => String(Buffer.byteLength(s)) : (s, a) => trimPrefix(s, a[0], false);
    case '##':
      return (s, a) => trimPrefix(s, a[0], true);
    case '%':
      return (s, a) => trimSuffix(s, a[0], false);
    case '%%':
      return (s, a) => trimSuffix(s, a[0], true);
    case ':':
      return substring;
    case '/#':
      return (s, a) => (a.length === 2 && s.startsWith(a[0]!) ? a[1]! + s.slice(a[0]!.length) : s);
    case '/%':
      return (s, a) =>
        a.length === 2 && s.endsWith(a[0]!) ? s.slice(0, s.length - a[0]!.length) + a[1]! : s;
    case '/':
      return (s, a) => (a.length === 0 ? s : replaceFirst(s, a[0]!, a[1] ?? ''));
    case '//':
      return (s, a) => (a.length === 0 ? s : s.split(a[0]!).join(a[1] ?? ''));
    default:
      // funcs.go `toDefault`: the arguments, joined, when the value is empty.
      return (s, a) => (s.length === 0 && a.length > 0 ? a.join('') : s);
  }
}

function mapFirstRune(text: string, direction: 'upper' | 'lower'): string {
  if (text === '') return text;
  const first = text.codePointAt(0)!;
  return String.fromCodePoint(goMapRune(first, direction)) + text.slice(first > 0xffff ? 2 : 1);
}

function replaceFirst(text: string, from: string, to: string): string {
  const index = text.indexOf(from);
  return index === -1 ? text : text.slice(0, index) + to + text.slice(index + from.length);
}

// funcs.go `toSubstr`: byte positions; an unparsable position or length returns the value.
function substring(text: string, args: readonly string[]): string {
  const bytes = Buffer.from(text, 'utf8');
  const position = goAtoi(args[0]);
  if (position === undefined) return text;
  let pos = position;
  if (pos < 0) pos = Math.max(0, bytes.length + pos);
  if (args.length === 1) return pos < bytes.length ? bytes.subarray(pos).toString('utf8') : '';
  const length = goAtoi(args[1]);
  if (length === undefined) return text;
  if (pos + length >= bytes.length) return pos < bytes.length ? bytes.subarray(pos).toString('utf8') : '';
  // Go slices s[pos:pos+length] and panics on a negative length: Flux's build fails.
  if (length < 0) throw new EnvsubstSyntaxError(`\${…:${position}:${length}} has a negative length`);
  return bytes.subarray(pos, pos + length).toString('utf8');
}

function goAtoi(text: string | undefined): number | undefined {
  return text !== undefined && /^[+-]?[0-9]+$/.test(text) ? Number(text) : undefined;
}

// funcs.go `trimShortest`/`trimLongest` with envsubst's own path.Match, prefixes tried by byte length.
function trimPrefix(text: string, pattern: string | undefined, longest: boolean): string {
  if (pattern === undefined) return text;
  const bytes = Buffer.from(text, 'utf8');
  let shortest = '';
  for (let cut = 0; cut < bytes.length; cut += 1) {
    const prefix = bytes.subarray(0, bytes.length - cut).toString('utf8');
    const match = envsubstPathMatch(pattern, prefix);
    if (match === 'error') return text;
    if (match) {
      if (longest) return text.startsWith(prefix) ? text.slice(prefix.length) : text;
      shortest = prefix;
    }
  }
  return shortest !== '' && text.startsWith(shortest) ? text.slice(shortest.length) : text;
}

function trimSuffix(text: string, pattern: string | undefined, longest: boolean): string {
  if (pattern === undefined) return text;
  return reverse(trimPrefix(reverse(text), reverse(pattern), longest));
}

function reverse(text: string): string {
  return [...text].reverse().join('');
}

/** Character offset of each byte offset of `text`'s UTF-8 encoding. */
function byteToCharOffsets(text: string, bytes: Uint8Array): (offset: number) => number {
  if (bytes.length === text.length) return (offset) => offset;
  const table = new Uint32Array(bytes.length + 1);
  let byte = 0;
  let char = 0;
  for (const symbol of text) {
    const width = Buffer.byteLength(symbol);
    for (let k = 0; k < width; k += 1) table[byte + k] = char;
    byte += width;
    char += symbol.length;
  }
  table[bytes.length] = text.length;
  return (offset) => table[Math.min(Math.max(offset, 0), bytes.length)]!;
}
