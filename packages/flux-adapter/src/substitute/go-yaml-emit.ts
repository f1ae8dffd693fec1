import { resolvesToString } from './go-yaml-resolve.js';

/**
 * Where one scalar of the object is written in the emitted text: `container[key]`'s value, or
 * its key (`isKey`), from character offset `start` to `end`.
 */
export interface EmittedSpan {
  readonly start: number;
  readonly end: number;
  readonly container: object;
  readonly key: string | number;
  readonly isKey: boolean;
}

/** The YAML text of one object and where each of its scalars is written. */
export interface EmittedYaml {
  readonly text: string;
  /** Sorted by `start`; spans never overlap. */
  readonly spans: readonly EmittedSpan[];
}

/** Thrown when an object nests deeper than {@link MAX_EMIT_DEPTH}. */
export class EmitDepthError extends Error {
  readonly code = 'SLUICE_EMIT_DEPTH';
}

/** Deepest nesting the emitter writes (a real object is a few dozen levels deep). */
export const MAX_EMIT_DEPTH = 512;

const BEST_INDENT = 2;
const BEST_WIDTH = 80;

type Style = 'plain' | 'single' | 'double' | 'literal';

/** Which value or key of which container a scalar is. */
type EmittedSpanPlace = Pick<EmittedSpan, 'container' | 'key' | 'isKey'>;

/** What go-yaml's emitter may write a string as (`yaml_emitter_analyze_scalar`). */
export interface ScalarAnalysis {
  readonly multiline: boolean;
  readonly flowPlain: boolean;
  readonly blockPlain: boolean;
  readonly singleQuoted: boolean;
  readonly block: boolean;
}

/**
 * Writes a JSON-like value (mappings, sequences, strings, numbers, booleans, null) as YAML text
 * exactly as kustomize's `Resource.AsYAML` does — `sigs.k8s.io/yaml.JSONToYAML`, that is go-yaml
 * v2.4.0's encoder: keys sorted by its natural order (`sorter.go`), block style with sequences not
 * indented under their key, empty collections in flow style, strings plain when they read back as
 * strings, else double-quoted, multi-line strings as literal blocks, and every scalar folded at
 * spaces past column 80 (`emitterc.go`). That text is what Flux's envsubst runs on; the spans let
 * Sluice map a position of the substituted text back to the value it came from.
 */
export function emitGoYaml(value: unknown): EmittedYaml {
  const writer = new Writer();
  writer.document(value);
  return { text: writer.text(), spans: writer.spans };
}

class Writer {
  readonly spans: EmittedSpan[] = [];
  #out = '';
  #column = 0;
  #indent = -1;
  readonly #indents: number[] = [];
  #whitespace = true;
  #indention = true;
  #mappingContext = false;
  #simpleKeyContext = false;
  #flowLevel = 0;

  text(): string {
    return this.#out;
  }

  document(value: unknown): void {
    this.#node(value, false, false, undefined, 0);
    // Document end: a line break unless at the start of a line.
    this.#writeIndent();
  }

  // The context flags and the span's place are plain arguments: no object per node (hot path).
  #node(
    value: unknown,
    mapping: boolean,
    simpleKey: boolean,
    at: EmittedSpanPlace | undefined,
    depth: number,
  ): void {
    if (depth > MAX_EMIT_DEPTH) throw new EmitDepthError(`object nests deeper than ${MAX_EMIT_DEPTH} levels`);
    this.#mappingContext = mapping;
    this.#simpleKeyContext = simpleKey;
    if (Array.isArray(value)) {
      if (value.length === 0) this.#emptyFlow('[', ']');
      else this.#sequence(value, depth);
    } else if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
      const keys = sortedKeys(value);
      if (keys.length === 0) this.#emptyFlow('{', '}');
      else this.#mapping(value as Record<string, unknown>, keys, depth);
    } else {
      this.#scalar(value, at);
    }
  }

  #emptyFlow(open: string, close: string): void {
    this.#writeIndicator(open, true, true, false);
    this.#increaseIndent(true, false);
    this.#flowLevel += 1;
    this.#flowLevel -= 1;
    this.#popIndent();
    this.#writeIndicator(close, false, false, false);
  }

  #sequence(items: readonly unknown[], depth: number): void {
    this.#increaseIndent(false, this.#mappingContext && !this.#indention);
    for (let index = 0; index < items.length; index += 1) {
      this.#writeIndent();
      this.#writeIndicator('-', true, false, true);
      this.#node(items[index], false, false, { container: items, key: index, isKey: false }, depth + 1);
    }
    this.#popIndent();
  }

  #mapping(map: Record<string, unknown>, keys: readonly string[], depth: number): void {
    this.#increaseIndent(false, false);
    for (const key of keys) {
      this.#writeIndent();
      if (isSimpleKey(key)) {
        this.#node(key, true, true, { container: map, key, isKey: true }, depth + 1);
        this.#writeIndicator(':', false, false, false);
      } else {
        this.#writeIndicator('?', true, false, true);
        this.#node(key, true, false, { container: map, key, isKey: true }, depth + 1);
        this.#writeIndent();
        this.#writeIndicator(':', true, false, true);
      }
      this.#node(map[key], true, false, { container: map, key, isKey: false }, depth + 1);
    }
    this.#popIndent();
  }

  #scalar(value: unknown, at: EmittedSpanPlace | undefined): void {
    const { text, preferred } = scalarText(value);
    const analysis = analyzeScalar(text);
    const style = this.#selectStyle(preferred, analysis, text);
    this.#increaseIndent(true, false);
    const start = this.#startOfValue(style);
    if (style === 'plain') this.#writePlain(text, !this.#simpleKeyContext);
    else if (style === 'single') this.#writeSingleQuoted(text, !this.#simpleKeyContext);
    else if (style === 'double') this.#writeDoubleQuoted(text, !this.#simpleKeyContext);
    else this.#writeLiteral(text);
    if (at) {
      const end = this.#out.length - (style === 'single' || style === 'double' ? 1 : 0);
      this.spans.push({
        start,
        end: Math.max(start, end),
        container: at.container,
        key: at.key,
        isKey: at.isKey,
      });
    }
    this.#popIndent();
  }

  /** Where the value's text will start (after the separating space and an opening quote). */
  #startOfValue(style: Style): number {
    const space = this.#whitespace ? 0 : 1;
    return this.#out.length + space + (style === 'single' || style === 'double' ? 1 : 0);
  }

  #selectStyle(preferred: Style, analysis: ScalarAnalysis, text: string): Style {
    let style = preferred;
    if (this.#simpleKeyContext && analysis.multiline) style = 'double';
    if (style === 'plain') {
      if ((this.#flowLevel > 0 && !analysis.flowPlain) || (this.#flowLevel === 0 && !analysis.blockPlain))
        style = 'single';
      if (text.length === 0 && (this.#flowLevel > 0 || this.#simpleKeyContext)) style = 'single';
    }
    if (style === 'single' && !analysis.singleQuoted) style = 'double';
    if (style === 'literal' && (!analysis.block || this.#flowLevel > 0 || this.#simpleKeyContext))
      style = 'double';
    return style;
  }

  // ---- emitterc.go primitives -------------------------------------------------------------

  #emit(text: string, columns: number): void {
    this.#out += text;
    this.#column += columns;
  }

  #put(char: string): void {
    this.#emit(char, 1);
  }

  #putBreak(): void {
    this.#out += '\n';
    this.#column = 0;
  }

  /** A character that is a line break other than LF: written as is, the column restarts. */
  #writeRawBreak(char: string): void {
    this.#out += char;
    this.#column = 0;
  }

  #increaseIndent(flow: boolean, indentless: boolean): void {
    this.#indents.push(this.#indent);
    if (this.#indent < 0) this.#indent = flow ? BEST_INDENT : 0;
    else if (!indentless) this.#indent += BEST_INDENT;
  }

  #popIndent(): void {
    this.#indent = this.#indents.pop() ?? -1;
  }

  #writeIndent(): void {
    const indent = Math.max(this.#indent, 0);
    if (!this.#indention || this.#column > indent || (this.#column === indent && !this.#whitespace))
      this.#putBreak();
    if (this.#column < indent) this.#emit(' '.repeat(indent - this.#column), indent - this.#column);
    this.#whitespace = true;
    this.#indention = true;
  }

  #writeIndicator(
    indicator: string,
    needWhitespace: boolean,
    isWhitespace: boolean,
    isIndention: boolean,
  ): void {
    if (needWhitespace && !this.#whitespace) this.#put(' ');
    this.#emit(indicator, indicator.length);
    this.#whitespace = isWhitespace;
    this.#indention = this.#indention && isIndention;
  }

  #writePlain(value: string, allowBreaks: boolean): void {
    if (!this.#whitespace) this.#put(' ');
    const width = columnsOf(value);
    // Folding happens only at a space past column 80: a value that ends before it is written whole.
    if (!allowBreaks || this.#column + width <= BEST_WIDTH || !value.includes(' ')) {
      this.#emit(value, width);
      this.#whitespace = false;
      this.#indention = false;
      return;
    }
    const chars = [...value];
    let spaces = false;
    for (let index = 0; index < chars.length; index += 1) {
      const char = chars[index]!;
      if (char === ' ') {
        if (allowBreaks && !spaces && this.#column > BEST_WIDTH && chars[index + 1] !== ' ')
          this.#writeIndent();
        else this.#put(char);
        spaces = true;
      } else {
        this.#put(char);
        this.#indention = false;
        spaces = false;
      }
    }
    this.#whitespace = false;
    this.#indention = false;
  }

  #writeSingleQuoted(value: string, allowBreaks: boolean): void {
    this.#writeIndicator("'", true, false, false);
    if (this.#writeQuotedWhole(value, "'", allowBreaks)) return;
    const chars = [...value];
    let spaces = false;
    let breaks = false;
    for (let index = 0; index < chars.length; index += 1) {
      const char = chars[index]!;
      if (char === ' ') {
        if (
          allowBreaks &&
          !spaces &&
          this.#column > BEST_WIDTH &&
          index > 0 &&
          index < chars.length - 1 &&
          chars[index + 1] !== ' '
        )
          this.#writeIndent();
        else this.#put(char);
        spaces = true;
      } else if (isBreak(char)) {
        if (!breaks && char === '\n') this.#putBreak();
        if (char === '\n') this.#putBreak();
        else this.#writeRawBreak(char);
        this.#indention = true;
        breaks = true;
      } else {
        if (breaks) this.#writeIndent();
        if (char === "'") this.#put("'");
        this.#put(char);
        this.#indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.#writeIndicator("'", false, false, false);
    this.#whitespace = false;
    this.#indention = false;
  }

  #writeDoubleQuoted(value: string, allowBreaks: boolean): void {
    this.#writeIndicator('"', true, false, false);
    if (this.#writeQuotedWhole(value, '"', allowBreaks)) return;
    const chars = [...value];
    // yamlprivateh.go `is_bom(value, i)` ignores `i` and tests the start of the value: a string
    // that starts with U+FEFF has every character escaped (as recorded from kubectl kustomize).
    const bom = chars[0] === '\uFEFF';
    let spaces = false;
    for (let index = 0; index < chars.length; index += 1) {
      const char = chars[index]!;
      const code = char.codePointAt(0)!;
      if (!isPrintable(code) || bom || isBreak(char) || char === '"' || char === '\\') {
        this.#put('\\');
        const escape = ESCAPES.get(code);
        if (escape !== undefined) this.#put(escape);
        else {
          const [letter, width] = code <= 0xff ? ['x', 2] : code <= 0xffff ? ['u', 4] : ['U', 8];
          this.#emit(`${letter}${code.toString(16).toUpperCase().padStart(width, '0')}`, 1 + width);
        }
        spaces = false;
      } else if (char === ' ') {
        if (allowBreaks && !spaces && this.#column > BEST_WIDTH && index > 0 && index < chars.length - 1) {
          this.#writeIndent();
          if (chars[index + 1] === ' ') this.#put('\\');
        } else this.#put(char);
        spaces = true;
      } else {
        this.#put(char);
        spaces = false;
      }
    }
    this.#writeIndicator('"', false, false, false);
    this.#whitespace = false;
    this.#indention = false;
  }

  /**
   * The common case of a quoted scalar in one piece: printable ASCII without the quote or `\\`
   * (nothing to escape or double, no break) that cannot fold (it ends before column 80, or
   * breaks are not allowed, or it has no space). Writes it with its closing quote and returns
   * true; otherwise writes nothing and returns false.
   */
  #writeQuotedWhole(value: string, quote: '"' | "'", allowBreaks: boolean): boolean {
    if (!QUOTED_WHOLE.test(value) || value.includes(quote)) return false;
    if (allowBreaks && this.#column + value.length > BEST_WIDTH && value.includes(' ')) return false;
    this.#emit(value, value.length);
    this.#writeIndicator(quote, false, false, false);
    this.#whitespace = false;
    this.#indention = false;
    return true;
  }

  #writeLiteral(value: string): void {
    this.#writeIndicator('|', true, false, false);
    // A break or a space is one UTF-16 unit: the first and last units tell as code points would.
    if (value[0] === ' ' || isBreak(value[0] ?? ''))
      this.#writeIndicator(String(BEST_INDENT), false, false, false);
    const chomp = chompHint(value);
    if (chomp !== '') this.#writeIndicator(chomp, false, false, false);
    this.#putBreak();
    this.#indention = true;
    this.#whitespace = true;
    // Line by line rather than character by character (dashboards and scripts are long): a
    // break is written as is, a line's text after the indentation in one piece.
    let breaks = true;
    let line = 0;
    while (line <= value.length) {
      const next = nextBreak(value, line);
      if (next > line) {
        if (breaks) this.#writeIndent();
        const text = value.slice(line, next);
        this.#emit(text, columnsOf(text));
        this.#indention = false;
        breaks = false;
      }
      if (next === value.length) break;
      const char = value[next]!;
      if (char === '\n') this.#putBreak();
      else this.#writeRawBreak(char);
      this.#indention = true;
      breaks = true;
      line = next + 1;
    }
  }
}

const ESCAPES: ReadonlyMap<number, string> = new Map([
  [0x00, '0'],
  [0x07, 'a'],
  [0x08, 'b'],
  [0x09, 't'],
  [0x0a, 'n'],
  [0x0b, 'v'],
  [0x0c, 'f'],
  [0x0d, 'r'],
  [0x1b, 'e'],
  [0x22, '"'],
  [0x5c, '\\'],
  [0x85, 'N'],
  [0xa0, '_'],
  [0x2028, 'L'],
  [0x2029, 'P'],
]);

// Printable ASCII other than `\\` (a quote is checked on its own).
const QUOTED_WHOLE = /^[\x20-\x5b\x5d-\x7e]*$/;

/** Emitter columns of a text: one per character (code point). */
function columnsOf(text: string): number {
  return /[\uD800-\uDFFF]/.test(text) ? [...text].length : text.length;
}

/** The index of the first line break (LF, CR, NEL, LS, PS) at or after `from`, or the length. */
function nextBreak(text: string, from: number): number {
  for (let index = from; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === 0x0a || code === 0x0d || code === 0x85 || code === 0x2028 || code === 0x2029) return index;
  }
  return text.length;
}

function isBreak(char: string): boolean {
  return char === '\n' || char === '\r' || char === '\u0085' || char === '\u2028' || char === '\u2029';
}

/** yamlprivateh.go `is_printable` (four-byte characters are not). */
function isPrintable(code: number): boolean {
  return (
    code === 0x0a ||
    (code >= 0x20 && code <= 0x7e) ||
    (code >= 0xa0 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd && code !== 0xfeff)
  );
}

/** The scalar text of a value and the style encode.go asks for. */
function scalarText(value: unknown): { text: string; preferred: Style } {
  if (typeof value === 'string') {
    if (value.includes('\n')) return { text: value, preferred: 'literal' };
    return { text: value, preferred: resolvesToString(value) ? 'plain' : 'double' };
  }
  if (typeof value === 'number') return { text: formatGoNumber(value), preferred: 'plain' };
  if (typeof value === 'boolean') return { text: value ? 'true' : 'false', preferred: 'plain' };
  if (typeof value === 'bigint') return { text: value.toString(), preferred: 'plain' };
  if (value instanceof Date) return { text: value.toISOString().replace('.000Z', 'Z'), preferred: 'plain' };
  return { text: 'null', preferred: 'plain' };
}

/** An integer as Go's `FormatInt`, any other number as `FormatFloat(f, 'g', -1, 64)`. */
export function formatGoNumber(value: number): string {
  if (Number.isNaN(value)) return '.nan';
  if (value === Infinity) return '.inf';
  if (value === -Infinity) return '-.inf';
  if (Number.isInteger(value) && Math.abs(value) < 1e21) return BigInt(value).toString();
  const [mantissa = '', exponentText = '0'] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) {
    const sign = exponent < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return String(value);
}

// Printable ASCII with no indicator, space or break anywhere and no `-` in front: plain everywhere.
const SIMPLE_SCALAR = /^[A-Za-z0-9_/][A-Za-z0-9_./=+-]*$/;
const SIMPLE_ANALYSIS: ScalarAnalysis = {
  multiline: false,
  flowPlain: true,
  blockPlain: true,
  singleQuoted: true,
  block: true,
};

/**
 * emitterc.go `yaml_emitter_analyze_scalar`: which styles can write `value` so that it reads
 * back as written (`blockPlain`: plain, outside a flow collection).
 */
export function analyzeScalar(value: string): ScalarAnalysis {
  if (SIMPLE_SCALAR.test(value)) return SIMPLE_ANALYSIS;
  if (value.length === 0)
    return { multiline: false, flowPlain: false, blockPlain: true, singleQuoted: true, block: false };
  const chars = [...value];
  let blockIndicators = false;
  let flowIndicators = false;
  let lineBreaks = false;
  let specialCharacters = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;
  if (value.startsWith('---') || value.startsWith('...')) {
    blockIndicators = true;
    flowIndicators = true;
  }
  let precededByWhitespace = true;
  for (let index = 0; index < chars.length; index += 1) {
    const char = chars[index]!;
    const next = chars[index + 1];
    const followedByWhitespace = next === undefined || next === ' ' || next === '\t';
    if (index === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(char)) {
        flowIndicators = true;
        blockIndicators = true;
      } else if (char === '?' || char === ':') {
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      } else if (char === '-' && followedByWhitespace) {
        flowIndicators = true;
        blockIndicators = true;
      }
    } else if (',?[]{}'.includes(char)) {
      flowIndicators = true;
    } else if (char === ':') {
      flowIndicators = true;
      if (followedByWhitespace) blockIndicators = true;
    } else if (char === '#' && precededByWhitespace) {
      flowIndicators = true;
      blockIndicators = true;
    }
    if (!isPrintable(char.codePointAt(0)!)) specialCharacters = true;
    if (char === ' ') {
      if (index === 0) leadingSpace = true;
      if (index === chars.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(char)) {
      lineBreaks = true;
      if (index === 0) leadingBreak = true;
      if (index === chars.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = char === ' ' || char === '\t' || isBreak(char) || char === '\0';
  }
  let flowPlain = true;
  let blockPlain = true;
  let singleQuoted = true;
  let block = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) {
    flowPlain = false;
    blockPlain = false;
  }
  if (trailingSpace) block = false;
  if (breakSpace) {
    flowPlain = false;
    blockPlain = false;
    singleQuoted = false;
  }
  if (spaceBreak || specialCharacters) {
    flowPlain = false;
    blockPlain = false;
    singleQuoted = false;
    block = false;
  }
  if (lineBreaks) {
    flowPlain = false;
    blockPlain = false;
  }
  if (flowIndicators) flowPlain = false;
  if (blockIndicators) blockPlain = false;
  return { multiline: lineBreaks, flowPlain, blockPlain, singleQuoted, block };
}

/** emitterc.go `yaml_emitter_write_block_scalar_hints`: the chomping indicator. */
function chompHint(value: string): string {
  if (value.length === 0) return '-';
  if (!isBreak(value[value.length - 1]!)) return '-';
  if (value.length === 1) return '+';
  return isBreak(value[value.length - 2]!) ? '+' : '';
}

/** A mapping's keys in sorter.go's order. */
function sortedKeys(map: object): string[] {
  return Object.keys(map).sort(compareKeys);
}

/**
 * emitterc.go `yaml_emitter_check_simple_key` for a string key: no line break and at most 128
 * bytes of UTF-8 (a UTF-16 unit is at most 3 bytes, so a short key needs no byte count).
 */
export function isSimpleKey(key: string): boolean {
  if (key.includes('\n') || /[\r\u0085\u2028\u2029]/.test(key)) return false;
  return key.length * 3 <= 128 || Buffer.byteLength(key) <= 128;
}

/**
 * sorter.go `keyList.Less` for string keys: letters after other characters, letters by code
 * point, runs of digits by their numeric value (a natural order: `a2` before `a10`).
 */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  // Where the keys first differ, two ASCII characters that are not digits decide as sorter.go
  // does (a letter after anything else, else by code) without its rune-by-rune walk: keys are
  // compared n log n times per mapping, and almost all of them are plain ASCII words.
  const length = Math.min(a.length, b.length);
  let index = 0;
  while (index < length && a.charCodeAt(index) === b.charCodeAt(index)) index += 1;
  if (index === length) return a.length < b.length ? -1 : 1;
  const ca = a.charCodeAt(index);
  const cb = b.charCodeAt(index);
  if (ca < 0x80 && cb < 0x80 && !isAsciiDigit(ca) && !isAsciiDigit(cb)) {
    const la = isAsciiLetter(ca);
    if (la !== isAsciiLetter(cb)) return la ? 1 : -1;
    return ca < cb ? -1 : 1;
  }
  return goKeyLess(a, b) ? -1 : 1;
}

function isAsciiDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isAsciiLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

function goKeyLess(a: string, b: string): boolean {
  const ar = [...a];
  const br = [...b];
  for (let i = 0; i < ar.length && i < br.length; i += 1) {
    if (ar[i] === br[i]) continue;
    const al = isLetter(ar[i]!);
    const bl = isLetter(br[i]!);
    if (al && bl) return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)!;
    if (al || bl) return bl;
    let an = 0n;
    let bn = 0n;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]!); j -= 1) {
        if (ar[j] !== '0') {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < ar.length && isDigit(ar[ai]!); ai += 1) an = an * 10n + BigInt(ar[ai]!.charCodeAt(0) - 48);
    let bi = i;
    for (; bi < br.length && isDigit(br[bi]!); bi += 1) bn = bn * 10n + BigInt(br[bi]!.charCodeAt(0) - 48);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)!;
  }
  return ar.length < br.length;
}

function isLetter(char: string): boolean {
  return /\p{L}/u.test(char);
}

function isDigit(char: string): boolean {
  return /\p{Nd}/u.test(char);
}
