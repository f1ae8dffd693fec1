/**
 * The parser of Flux's envsubst dialect (fluxcd/pkg `envsubst/parse`, read at e2cfd1a), written
 * from its scanner and grammar, on UTF-8 bytes as Go reads strings:
 *
 * - `${NAME}` and `${NAME<op>…}` with `:=`, `:-`, `:?`, `:+`, `=` (defaults; `-`, `+` and `?`
 *   without a colon are not operators: `${A-x}` is an error), `:pos[:len]`, `/`, `//`, `/#`, `/%`,
 *   `#`, `##`, `%`, `%%`, `^`, `^^`, `,`, `,,` and `${#NAME}`;
 * - `$$` keeps a literal `$` (so `$${A}` is the text `${A}`); `$NAME` without braces is text;
 * - inside a function, `\/` and `\\` escape in replace patterns; defaults hold no escapes;
 * - a NUL character ends the text, as Go's scanner treats rune 0 as the end.
 *
 * A malformed expression makes the whole text fail (`EnvsubstSyntaxError`), as it makes Flux's
 * build fail. Nesting is bounded ({@link MAX_ENVSUBST_NESTING}) instead of recursing as deep as
 * a repository wants.
 */

/** A text node: `value` read from input bytes `[start, end)`, made of the byte `ranges` (escapes dropped). */
export interface TextNode {
  readonly type: 'text';
  readonly value: string;
  readonly start: number;
  readonly end: number;
  readonly ranges: readonly (readonly [number, number])[];
}

/** A `${…}` expression over input bytes `[start, end)`. */
export interface FuncNode {
  readonly type: 'func';
  /** The variable name. */
  readonly param: string;
  /** The operator (`''` for a plain `${NAME}`). */
  readonly name: string;
  readonly args: readonly EnvsubstNode[];
  readonly start: number;
  readonly end: number;
}

/** A parsed piece of text. */
export type EnvsubstNode = TextNode | FuncNode;

/** The text does not parse as envsubst (`bad substitution`, `missing closing brace`, …). */
export class EnvsubstSyntaxError extends Error {
  readonly code = 'SLUICE_ENVSUBST_SYNTAX';
}

/** Deepest `${…}` nesting parsed (Flux has no limit; real defaults nest once or twice). */
export const MAX_ENVSUBST_NESTING = 64;

/** Nesting past {@link MAX_ENVSUBST_NESTING}. */
export class EnvsubstLimitError extends Error {
  readonly code = 'SLUICE_ENVSUBST_LIMIT';
}

const EOF = 0;
const T_ILLEGAL = 0;
const T_EOF = 1;
const T_IDENT = 2;
const T_LBRACK = 3;
const T_RBRACK = 4;
const SCAN_IDENT = 1;
const SCAN_LBRACK = 2;
const SCAN_RBRACK = 4;
const SCAN_ESCAPE = 8;
const DOLLAR = 1;
const BACKSLASH = 2;

type Accept = (rune: number, index: number) => boolean;

const code = (char: string): number => char.charCodeAt(0);
const acceptRune: Accept = () => true;
const acceptIdent: Accept = (r) => isLetterOrDigit(r) || r === code('_');
const acceptColon: Accept = (r) => r === code(':');
const acceptOneHash: Accept = (r, i) => r === code('#') && i === 1;
const acceptNotClosing: Accept = (r) => r !== code('}');
const acceptHashFunc: Accept = (r, i) => r === code('#') && i < 3;
const acceptPercentFunc: Accept = (r, i) => r === code('%') && i < 3;
const acceptDefaultFunc: Accept = (r, i) =>
  (i === 1 && r === code(':')) || (i === 2 && '=-?+'.includes(String.fromCodePoint(r)));
const acceptReplaceFunc: Accept = (r, i) =>
  (i === 1 && r === code('/')) || (i === 2 && '/#%'.includes(String.fromCodePoint(r)));
const acceptOneEqual: Accept = (r, i) => i === 1 && r === code('=');
const acceptOneColon: Accept = (r, i) => i === 1 && r === code(':');
const rejectColonClose: Accept = (r) => r !== code(':') && r !== code('}');
const acceptSlash: Accept = (r) => r === code('/');
const acceptNotSlash: Accept = (r) => r !== code('/');
const acceptCasingFunc: Accept = (r, i) => (r === code(',') || r === code('^')) && i < 3;

// Go's unicode.IsLetter / unicode.IsDigit (ASCII answered without a Unicode regex: names are).
function isLetterOrDigit(rune: number): boolean {
  if (rune < 0x80)
    return (rune >= 0x30 && rune <= 0x39) || (rune >= 0x41 && rune <= 0x5a) || (rune >= 0x61 && rune <= 0x7a);
  return /[\p{L}\p{Nd}]/u.test(String.fromCodePoint(rune));
}

/** Go's scanner, on bytes; `skip` (an escape) removes a byte by recording it as dropped. */
class Scanner {
  pos = 0;
  start = 0;
  width = 0;
  mode = 0;
  escapeChars = 0;
  accept: Accept = acceptRune;
  /** Byte offsets dropped by escapes, increasing. */
  readonly #dropped: number[] = [];
  // Go's skip() deletes buf[pos-1] and keeps pos: in the original bytes, pos moves one on.
  #shift = 0;

  constructor(readonly bytes: Uint8Array) {}

  read(): number {
    if (this.pos + this.#shift >= this.bytes.length) {
      this.width = 0;
      return EOF;
    }
    const at = this.pos + this.#shift;
    const byte = this.bytes[at]!;
    // ASCII is one byte, one rune: no decoding (and no tuple) for it.
    if (byte < 0x80) {
      this.width = 1;
      this.pos += 1;
      return byte;
    }
    const [rune, width] = decodeRune(this.bytes, at);
    this.width = width;
    this.pos += width;
    return rune;
  }

  unread(): void {
    this.pos -= this.width;
  }

  skip(): void {
    this.#dropped.push(this.pos + this.#shift - 1);
    this.#shift += 1;
  }

  peek(): number {
    const rune = this.read();
    this.unread();
    return rune;
  }

  /** Input byte offset of the scanner's position. */
  offset(): number {
    return this.pos + this.#shift;
  }

  /** The current token: its text (escaped bytes dropped) and its input byte range. */
  string(): { value: string; start: number; end: number; ranges: [number, number][] } {
    const token = this.token();
    return { value: decodeRanges(this.bytes, token.ranges), ...token };
  }

  /** The current token's input byte range and its stretches without escapes, not decoded. */
  token(): { start: number; end: number; ranges: [number, number][] } {
    const end = this.offset();
    let from = this.startOffset;
    const ranges: [number, number][] = [];
    for (const dropped of this.#dropped) {
      if (dropped < from || dropped >= end) continue;
      ranges.push([from, dropped]);
      from = dropped + 1;
    }
    ranges.push([from, end]);
    return { start: this.startOffset, end, ranges };
  }

  /** Input byte offset where the current token starts. */
  startOffset = 0;

  scan(): number {
    this.start = this.pos;
    this.startOffset = this.offset();
    const rune = this.read();
    if (rune === EOF) return T_EOF;
    if (this.scanLbrack(rune)) return T_LBRACK;
    if (this.scanRbrack(rune)) return T_RBRACK;
    if (this.scanIdent(rune)) return T_IDENT;
    return T_ILLEGAL;
  }

  scanIdent(first: number): boolean {
    if ((this.mode & SCAN_IDENT) === 0) return false;
    if (this.scanEscaped(first)) this.skip();
    else if (!this.accept(first, this.pos - this.start)) return false;
    for (;;) {
      // Plain text accepts every rune but `$` and NUL, which end or escape it: jump to the next one.
      if (this.accept === acceptRune) this.#skipPlainText();
      const rune = this.read();
      if (rune === EOF) {
        this.unread();
        break;
      }
      if (this.scanLbrack(rune)) {
        this.unread();
        this.unread();
        break;
      }
      if (this.scanEscaped(rune)) {
        this.skip();
        continue;
      }
      if (!this.accept(rune, this.pos - this.start)) {
        this.unread();
        break;
      }
    }
    return true;
  }

  #skipPlainText(): void {
    const from = this.pos + this.#shift;
    let next = this.bytes.indexOf(0x24, from);
    if (next === -1) next = this.bytes.length;
    if (this.#nul === undefined) this.#nul = this.bytes.indexOf(0);
    if (this.#nul >= from && this.#nul < next) next = this.#nul;
    if (next > from) {
      this.pos += next - from;
      this.width = 1;
    }
  }

  #nul: number | undefined;

  scanLbrack(rune: number): boolean {
    if ((this.mode & SCAN_LBRACK) === 0) return false;
    if (rune === code('$')) {
      if (this.read() === code('{')) return true;
      this.unread();
    }
    return false;
  }

  scanRbrack(rune: number): boolean {
    return (this.mode & SCAN_RBRACK) !== 0 && rune === code('}');
  }

  scanEscaped(rune: number): boolean {
    if ((this.mode & SCAN_ESCAPE) === 0) return false;
    if (rune === code('$') && (this.escapeChars & DOLLAR) !== 0 && this.peek() === code('$')) return true;
    if (rune === code('\\') && (this.escapeChars & BACKSLASH) !== 0) {
      const next = this.peek();
      return next === code('/') || next === code('\\');
    }
    return false;
  }
}

/** The text of byte stretches (UTF-8), decoded in one piece. */
function decodeRanges(bytes: Uint8Array, ranges: readonly (readonly [number, number])[]): string {
  const decoder = (part: Uint8Array): string =>
    Buffer.from(part.buffer, part.byteOffset, part.byteLength).toString('utf8');
  if (ranges.length === 1) return decoder(bytes.subarray(ranges[0]![0], ranges[0]![1]));
  return decoder(Buffer.concat(ranges.map(([a, b]) => bytes.subarray(a, b))));
}

/**
 * A text node of the top level, whose value is decoded only when asked: the evaluation copies
 * top-level text from the input by its ranges, and most of a rendered object's text is that.
 */
class TopLevelText implements TextNode {
  readonly type = 'text';
  readonly #bytes: Uint8Array;
  #value: string | undefined;

  constructor(
    bytes: Uint8Array,
    readonly start: number,
    readonly end: number,
    readonly ranges: readonly (readonly [number, number])[],
  ) {
    this.#bytes = bytes;
  }

  get value(): string {
    this.#value ??= decodeRanges(this.#bytes, this.ranges);
    return this.#value;
  }
}

/** Go's utf8.DecodeRune: the rune and its width; an invalid byte is U+FFFD of width 1. */
function decodeRune(bytes: Uint8Array, at: number): [number, number] {
  const b0 = bytes[at]!;
  if (b0 < 0x80) return [b0, 1];
  const need = b0 >= 0xf0 && b0 <= 0xf4 ? 4 : b0 >= 0xe0 ? 3 : b0 >= 0xc2 && b0 < 0xe0 ? 2 : 0;
  if (need === 0 || at + need > bytes.length) return [0xfffd, 1];
  let rune = b0 & (need === 2 ? 0x1f : need === 3 ? 0x0f : 0x07);
  for (let k = 1; k < need; k += 1) {
    const b = bytes[at + k]!;
    if ((b & 0xc0) !== 0x80) return [0xfffd, 1];
    rune = (rune << 6) | (b & 0x3f);
  }
  const min = need === 2 ? 0x80 : need === 3 ? 0x800 : 0x10000;
  if (rune < min || rune > 0x10ffff || (rune >= 0xd800 && rune <= 0xdfff)) return [0xfffd, 1];
  return [rune, need];
}

/**
 * Parses a text into its nodes, in order (a flat list: Go's `ListNode` chains hold the same).
 *
 * @throws EnvsubstSyntaxError when Flux's parser refuses the text.
 * @throws EnvsubstLimitError when `${…}` nest deeper than {@link MAX_ENVSUBST_NESTING}.
 */
export function parseEnvsubst(bytes: Uint8Array): EnvsubstNode[] {
  const parser = new Parser(new Scanner(bytes));
  return parser.parseAny();
}

class Parser {
  constructor(readonly s: Scanner) {}

  parseAny(): EnvsubstNode[] {
    const nodes: EnvsubstNode[] = [];
    for (;;) {
      const s = this.s;
      s.accept = acceptRune;
      s.mode = SCAN_IDENT | SCAN_LBRACK | SCAN_ESCAPE;
      s.escapeChars = DOLLAR;
      const token = s.scan();
      if (token === T_IDENT) {
        const { start, end, ranges } = s.token();
        nodes.push(new TopLevelText(s.bytes, start, end, ranges));
      } else if (token === T_EOF) return nodes;
      else if (token === T_LBRACK) nodes.push(this.parseFunc(this.s.startOffset, 1));
      else throw new EnvsubstSyntaxError('bad substitution');
    }
  }

  text(): TextNode {
    return { type: 'text', ...this.s.string() };
  }

  parseFunc(start: number, depth: number): FuncNode {
    if (depth > MAX_ENVSUBST_NESTING)
      throw new EnvsubstLimitError(`\${…} expressions nest deeper than ${MAX_ENVSUBST_NESTING} levels`);
    const s = this.s;
    s.escapeChars = BACKSLASH | DOLLAR;
    if (s.peek() === code('#')) return this.parseLenFunc(start);
    s.accept = acceptIdent;
    s.mode = SCAN_IDENT;
    if (s.scan() !== T_IDENT) throw new EnvsubstSyntaxError('unable to parse variable name');
    const name = s.string().value;
    switch (String.fromCodePoint(s.peek())) {
      case ':':
        return this.parseDefaultOrSubstr(name, start, depth);
      case '=':
        return this.parseDefaultFunc(name, start, depth);
      case ',':
      case '^':
        return this.parseCasingFunc(name, start);
      case '/':
        return this.parseReplaceFunc(name, start, depth);
      case '#':
        return this.parseRemoveFunc(name, acceptHashFunc, start, depth);
      case '%':
        return this.parseRemoveFunc(name, acceptPercentFunc, start, depth);
    }
    s.accept = acceptIdent;
    s.mode = SCAN_RBRACK;
    if (s.scan() !== T_RBRACK) throw new EnvsubstSyntaxError('missing closing brace');
    return this.func(name, '', [], start);
  }

  func(param: string, name: string, args: EnvsubstNode[], start: number): FuncNode {
    return { type: 'func', param, name, args, start, end: this.s.offset() };
  }

  parseParam(accept: Accept, mode: number, depth: number): EnvsubstNode {
    const s = this.s;
    s.accept = accept;
    s.mode = mode | SCAN_LBRACK;
    const token = s.scan();
    if (token === T_LBRACK) return this.parseFunc(s.startOffset, depth + 1);
    if (token === T_IDENT || token === T_RBRACK) return this.text();
    throw new EnvsubstSyntaxError('unable to parse substitution within function');
  }

  parseDefaultOrSubstr(name: string, start: number, depth: number): FuncNode {
    const s = this.s;
    s.read();
    const next = s.peek();
    // Go unreads by the width of the rune it peeked last, not of the colon: kept as it is.
    s.unread();
    if ('=-?+'.includes(String.fromCodePoint(next))) return this.parseDefaultFunc(name, start, depth);
    return this.parseSubstrFunc(name, start, depth);
  }

  parseSubstrFunc(param: string, start: number, depth: number): FuncNode {
    const s = this.s;
    s.accept = acceptOneColon;
    s.mode = SCAN_IDENT;
    if (s.scan() !== T_IDENT) throw new EnvsubstSyntaxError('bad substitution');
    const name = s.string().value;
    const args = [this.parseParam(rejectColonClose, SCAN_IDENT, depth)];
    s.accept = acceptColon;
    s.mode = SCAN_IDENT | SCAN_RBRACK;
    const token = s.scan();
    if (token === T_RBRACK) return this.func(param, name, args, start);
    if (token !== T_IDENT) throw new EnvsubstSyntaxError('bad substitution');
    args.push(this.parseParam(acceptNotClosing, SCAN_IDENT, depth));
    this.consumeRbrack();
    return this.func(param, name, args, start);
  }

  parseRemoveFunc(param: string, accept: Accept, start: number, depth: number): FuncNode {
    const s = this.s;
    s.accept = accept;
    s.mode = SCAN_IDENT;
    if (s.scan() !== T_IDENT) throw new EnvsubstSyntaxError('bad substitution');
    const name = s.string().value;
    const args = [this.parseParam(acceptNotClosing, SCAN_IDENT, depth)];
    this.consumeRbrack();
    return this.func(param, name, args, start);
  }

  parseReplaceFunc(param: string, start: number, depth: number): FuncNode {
    const s = this.s;
    s.accept = acceptReplaceFunc;
    s.mode = SCAN_IDENT;
    if (s.scan() !== T_IDENT) throw new EnvsubstSyntaxError('bad substitution');
    const name = s.string().value;
    const args = [this.parseParam(acceptNotSlash, SCAN_IDENT | SCAN_ESCAPE, depth)];
    s.accept = acceptSlash;
    s.mode = SCAN_IDENT;
    if (s.scan() !== T_IDENT) throw new EnvsubstSyntaxError('bad substitution');
    if (s.peek() === code('}')) {
      this.consumeRbrack();
      return this.func(param, name, args, start);
    }
    args.push(this.parseParam(acceptNotClosing, SCAN_IDENT | SCAN_ESCAPE, depth));
    this.consumeRbrack();
    return this.func(param, name, args, start);
  }

  parseDefaultFunc(param: string, start: number, depth: number): FuncNode {
    const s = this.s;
    s.accept = s.peek() === code('=') ? acceptOneEqual : acceptDefaultFunc;
    s.mode = SCAN_IDENT;
    if (s.scan() !== T_IDENT) throw new EnvsubstSyntaxError('unable to parse default function');
    const name = s.string().value;
    const args: EnvsubstNode[] = [];
    for (;;) {
      if (s.peek() === code('}')) {
        this.consumeRbrack();
        return this.func(param, name, args, start);
      }
      args.push(this.parseParam(acceptNotClosing, SCAN_IDENT, depth));
    }
  }

  parseCasingFunc(param: string, start: number): FuncNode {
    const s = this.s;
    s.accept = acceptCasingFunc;
    s.mode = SCAN_IDENT;
    if (s.scan() !== T_IDENT) throw new EnvsubstSyntaxError('bad substitution');
    const name = s.string().value;
    this.consumeRbrack();
    return this.func(param, name, [], start);
  }

  parseLenFunc(start: number): FuncNode {
    const s = this.s;
    s.accept = acceptOneHash;
    s.mode = SCAN_IDENT;
    if (s.scan() !== T_IDENT) throw new EnvsubstSyntaxError('bad substitution');
    const name = s.string().value;
    s.accept = acceptIdent;
    s.mode = SCAN_IDENT;
    if (s.scan() !== T_IDENT) throw new EnvsubstSyntaxError('bad substitution');
    const param = s.string().value;
    this.consumeRbrack();
    return this.func(param, name, [], start);
  }

  consumeRbrack(): void {
    this.s.mode = SCAN_RBRACK;
    if (this.s.scan() !== T_RBRACK) throw new EnvsubstSyntaxError('bad substitution');
  }
}
