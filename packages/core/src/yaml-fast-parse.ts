// A reader for the plain subset of YAML that Kubernetes manifests are written in, which builds
// the very values and positions js-yaml (with parse-yaml's listener) builds, several times
// faster: block mappings and sequences (with `- key: v` compact nesting), comments, document
// markers, one-line plain and quoted scalars (no escapes), literal and folded block scalars,
// one-line flow collections, anchors on a scalar or a block collection and their aliases. It
// gives up (returns undefined) on anything else and on anything js-yaml would reject, so that
// the caller reads that file with js-yaml: tags, `?` keys, directives, tabs where whitespace
// is skipped, multi-line plain or quoted scalars, duplicate and merge keys, a BOM, a NUL, deep
// nesting. Each step mirrors a branch of js-yaml's loader (lib/loader.js), which records a
// node's position where it opens it; the differential tests hold the two to the same answers.
import { readBlockScalar } from './yaml-block-scalar.js';
import {
  COLON,
  CR,
  DASH,
  DOT,
  HASH,
  LF,
  NON_PRINTABLE,
  SPACE,
  TAB,
  cannotStartPlain,
  isBreakOrEnd,
  isFlowIndicator,
  isSpaceOrBreakOrEnd,
} from './yaml-fast-chars.js';
import type { PlainScalarResolver } from './yaml-plain-scalar.js';
import type { YamlPositions } from './yaml-positions.js';

/** A document the fast reader read: its value and where its content starts. */
export interface FastYamlDocument {
  readonly value: unknown;
  /** Offset of the root node's first character (where js-yaml's listener opens it). */
  readonly offset: number;
}

// Thrown (never outside this file) when the text leaves the subset; made once, so giving up
// costs no stack trace.
const GIVE_UP = new Error('outside the subset the fast YAML reader reads');
// js-yaml nests at most 100 nodes; a manifest never comes close.
const MAX_DEPTH = 40;
const HAS_OWN = Object.prototype.hasOwnProperty;
// The value of an anchor whose collection is being read.
const OPEN_ANCHOR = Symbol('open anchor');

// Where a plain scalar's scan stopped.
const STOP_LINE_END = 0;
const STOP_COMMENT = 1;
const STOP_COLON = 2;
const STOP_FLOW = 3;

/**
 * Reads every document of `text` into values and records their positions in `positions`
 * (which must not have logged anything yet), or returns undefined when the text leaves the
 * subset this reader knows it reads exactly as js-yaml does; `positions` is then left empty.
 */
export function readYamlFast(
  text: string,
  positions: YamlPositions,
  resolve: PlainScalarResolver,
): FastYamlDocument[] | undefined {
  if (text.length > 0 && text.charCodeAt(0) === 0xfeff) return undefined;
  if (text.includes('\0')) return undefined;
  const reader = new FastReader(text, positions, resolve);
  try {
    return reader.readAll();
  } catch (error) {
    if (error !== GIVE_UP) throw error;
    positions.clearLog();
    return undefined;
  }
}

class FastReader {
  readonly #input: string;
  readonly #length: number;
  readonly #positions: YamlPositions;
  readonly #resolve: PlainScalarResolver;
  readonly #commentEndsAtLf: boolean;
  #pos = 0;
  #lineStart = 0;
  // Leading spaces of the line the reader stands on (js-yaml's lineIndent).
  #indent = 0;
  #depth = 0;
  // Where the last plain scalar scan stopped, and how.
  #stop = STOP_LINE_END;
  #stopAt = 0;
  // Children of the open containers: keys (undefined: not logged) and offsets, as stacks.
  readonly #keys: (string | undefined)[] = [];
  readonly #offsets: number[] = [];
  #height = 0;
  // Whether the position log holds the key the last readKey read.
  #keyLogged = true;
  // The values anchored (`&name value`) so far in this document.
  readonly #anchors = new Map<string, unknown>();

  constructor(text: string, positions: YamlPositions, resolve: PlainScalarResolver) {
    // js-yaml reads the text with a line break added when it has none at its end.
    const last = text.charCodeAt(text.length - 1);
    this.#input = text.length === 0 || last === LF || last === CR ? text : `${text}\n`;
    this.#length = this.#input.length;
    this.#positions = positions;
    this.#resolve = resolve;
    this.#commentEndsAtLf = !text.includes('\r');
  }

  readAll(): FastYamlDocument[] {
    const input = this.#input;
    const documents: FastYamlDocument[] = [];
    while (input.charCodeAt(this.#pos) === SPACE) this.#pos += 1;
    this.#indent = this.#pos;
    while (this.#pos < this.#length - 1) documents.push(this.#readDocument());
    return documents;
  }

  #readDocument(): FastYamlDocument {
    const input = this.#input;
    this.#anchors.clear();
    this.#settle();
    let code = input.charCodeAt(this.#pos);
    if (this.#indent === 0 && code === 0x25) throw GIVE_UP; // a directive
    if (this.#indent === 0 && code === DASH && input.startsWith('---', this.#pos)) {
      const next = input.charCodeAt(this.#pos + 3);
      if (next !== SPACE && !isBreakOrEnd(next)) throw GIVE_UP;
      this.#pos += 3;
      this.#endLine(false);
    }
    const offset = this.#pos;
    let value: unknown = null;
    code = input.charCodeAt(offset);
    if (this.#pos < this.#length && !(this.#indent === 0 && this.#atDocumentMarker())) {
      const column = offset - this.#lineStart;
      value =
        code === DASH && isSpaceOrBreakOrEnd(input.charCodeAt(offset + 1))
          ? this.#readBlockSequence(column)
          : this.#readBlockMapping(column);
    }
    if (this.#pos >= this.#length) return { value, offset };
    if (this.#indent !== 0 || !this.#atDocumentMarker()) throw GIVE_UP;
    if (input.charCodeAt(this.#pos) === DOT) {
      this.#pos += 3;
      this.#endLine(false);
    }
    return { value, offset };
  }

  /** At a line's first non-space character: `---` or `...` followed by whitespace or the end. */
  #atDocumentMarker(): boolean {
    const input = this.#input;
    const pos = this.#pos;
    const code = input.charCodeAt(pos);
    if (code !== DASH && code !== DOT) return false;
    return (
      input.charCodeAt(pos + 1) === code &&
      input.charCodeAt(pos + 2) === code &&
      isSpaceOrBreakOrEnd(input.charCodeAt(pos + 3))
    );
  }

  /**
   * Standing at a line's first non-space character: skips comment and blank lines to the next
   * line with content (or the end).
   */
  #settle(): void {
    const code = this.#input.charCodeAt(this.#pos);
    if (code === TAB) throw GIVE_UP;
    if (code === HASH) this.#skipComment();
    else if (code !== LF && code !== CR) return;
    this.#nextContentLine();
  }

  /**
   * After a node that ends on its line: spaces, then a comment or nothing, then the line break;
   * then on to the next line with content. A comment must follow a space, except after a plain
   * scalar (whose scan stopped at a `#` after whitespace).
   */
  #endLine(afterPlain: boolean): void {
    const input = this.#input;
    const start = this.#pos;
    let code = input.charCodeAt(this.#pos);
    while (code === SPACE) code = input.charCodeAt(++this.#pos);
    if (code === HASH) {
      if (this.#pos === start && !afterPlain) throw GIVE_UP;
      this.#skipComment();
    } else if (!isBreakOrEnd(code)) {
      throw GIVE_UP;
    }
    this.#nextContentLine();
  }

  #skipComment(): void {
    const input = this.#input;
    if (this.#commentEndsAtLf) {
      const end = input.indexOf('\n', this.#pos);
      this.#pos = end === -1 ? this.#length : end;
      return;
    }
    let code = input.charCodeAt(this.#pos);
    while (!isBreakOrEnd(code)) code = input.charCodeAt(++this.#pos);
  }

  /** Standing at a line break (or the end): on to the first content character of a later line. */
  #nextContentLine(): void {
    const input = this.#input;
    for (;;) {
      let code = input.charCodeAt(this.#pos);
      if (code === LF) this.#pos += 1;
      else if (code === CR) this.#pos += input.charCodeAt(this.#pos + 1) === LF ? 2 : 1;
      else if (this.#pos >= this.#length) return;
      else throw GIVE_UP;
      this.#lineStart = this.#pos;
      code = input.charCodeAt(this.#pos);
      while (code === SPACE) code = input.charCodeAt(++this.#pos);
      this.#indent = this.#pos - this.#lineStart;
      if (code === HASH) this.#skipComment();
      else if (code === TAB) throw GIVE_UP;
      else if (code !== LF && code !== CR) return;
    }
  }

  #enter(): void {
    this.#depth += 1;
    if (this.#depth > MAX_DEPTH) throw GIVE_UP;
  }

  /** A block mapping whose first key starts at the reader, in column `indent`. */
  #readBlockMapping(indent: number): Record<string, unknown> {
    this.#enter();
    const input = this.#input;
    const result: Record<string, unknown> = {};
    const base = this.#height;
    let unlogged = false;
    for (;;) {
      const key = this.#readKey();
      const logged = this.#keyLogged;
      if (!logged) unlogged = true;
      // The reader stands on the `:`; js-yaml opens the value's node right after it.
      const valueOffset = ++this.#pos;
      if (this.#isDuplicate(result, key, base, unlogged)) throw GIVE_UP;
      const value = this.#readMappingValue(indent);
      if (key === '__proto__') {
        Object.defineProperty(result, key, { configurable: true, enumerable: true, writable: true, value });
      } else {
        result[key] = value;
      }
      this.#push(logged ? key : undefined, valueOffset);
      if (this.#pos >= this.#length || this.#indent < indent) break;
      if (this.#indent > indent) throw GIVE_UP;
      const code = input.charCodeAt(this.#pos);
      if (indent === 0 && this.#atDocumentMarker()) break;
      if (code === DASH && isSpaceOrBreakOrEnd(input.charCodeAt(this.#pos + 1))) throw GIVE_UP;
    }
    this.#positions.appendMapping(result, this.#keys, this.#offsets, base, this.#height);
    this.#height = base;
    this.#depth -= 1;
    return result;
  }

  /** A block sequence whose first `-` is at the reader, in column `indent`. */
  #readBlockSequence(indent: number): unknown[] {
    this.#enter();
    const input = this.#input;
    const result: unknown[] = [];
    const base = this.#height;
    for (;;) {
      // On a `-` followed by whitespace: an item on the same line is all this reader reads.
      let code = input.charCodeAt(++this.#pos);
      while (code === SPACE) code = input.charCodeAt(++this.#pos);
      if (code === TAB || code === HASH || isBreakOrEnd(code)) throw GIVE_UP;
      const offset = this.#pos;
      result.push(this.#readCompactNode(indent));
      this.#push(undefined, offset);
      if (this.#pos >= this.#length || this.#indent < indent) break;
      if (this.#indent > indent) throw GIVE_UP;
      code = input.charCodeAt(this.#pos);
      if (code !== DASH || !isSpaceOrBreakOrEnd(input.charCodeAt(this.#pos + 1))) break;
    }
    this.#positions.appendSequence(result, this.#offsets, base, this.#height);
    this.#height = base;
    this.#depth -= 1;
    return result;
  }

  /**
   * Whether `key` is a key of the mapping being read: the keys of a small mapping are on the
   * stack from `base` (unless a key was left out of it), which beats a property lookup.
   */
  #isDuplicate(result: object, key: string, base: number, unlogged: boolean): boolean {
    if (unlogged || this.#height - base > 16) return HAS_OWN.call(result, key);
    const keys = this.#keys;
    for (let index = base; index < this.#height; index += 1) if (keys[index] === key) return true;
    return false;
  }

  #push(key: string | undefined, offset: number): void {
    this.#keys[this.#height] = key;
    this.#offsets[this.#height] = offset;
    this.#height += 1;
  }

  /**
   * The key at the reader (plain or quoted, on one line) up to its `:`, which must be followed
   * by whitespace; the reader is left on the `:`. Sets #keyLogged.
   */
  #readKey(): string {
    const input = this.#input;
    const start = this.#pos;
    const code = input.charCodeAt(start);
    let key: string;
    this.#keyLogged = true;
    if (code === 0x22 || code === 0x27) {
      key = this.#readQuoted();
      let next = input.charCodeAt(this.#pos);
      while (next === SPACE) next = input.charCodeAt(++this.#pos);
      if (next !== COLON) throw GIVE_UP;
    } else {
      if (cannotStartPlain(code)) throw GIVE_UP;
      if (
        (code === DASH || code === 0x3f || code === COLON) &&
        isSpaceOrBreakOrEnd(input.charCodeAt(start + 1))
      )
        throw GIVE_UP;
      const end = this.#scanPlain(start, false);
      if (this.#stop !== STOP_COLON) throw GIVE_UP;
      this.#pos = this.#stopAt;
      key = this.#plainKey(input.slice(start, end));
    }
    if (!isSpaceOrBreakOrEnd(input.charCodeAt(this.#pos + 1))) throw GIVE_UP;
    return key;
  }

  /** A plain key's text as js-yaml stores it: typed, then made a string (`1.0` → `1`). */
  #plainKey(text: string): string {
    // A merge key (`<<`) merges mappings: js-yaml's business.
    if (text === '<<') throw GIVE_UP;
    const value = this.#resolve(text);
    if (typeof value === 'string') return value;
    if (typeof value === 'number') return String(value);
    if (typeof value === 'boolean' || value === null) {
      // js-yaml's position log keeps string and number keys only.
      this.#keyLogged = false;
      return String(value);
    }
    // A timestamp: its key would be the date's text in the local time zone.
    throw GIVE_UP;
  }

  /** The value after a block mapping's `:` (the reader is right after it). */
  #readMappingValue(indent: number): unknown {
    const input = this.#input;
    let code = input.charCodeAt(this.#pos);
    while (code === SPACE) code = input.charCodeAt(++this.#pos);
    if (code === 0x26) {
      // An anchor alone on its line names the collection of the next lines.
      const start = this.#pos;
      const name = this.#readName();
      let after = this.#pos;
      while (input.charCodeAt(after) === SPACE) after += 1;
      code = input.charCodeAt(after);
      if ((code === HASH && after > this.#pos) || isBreakOrEnd(code)) {
        this.#pos = after;
        // js-yaml names the collection before reading it: an alias inside would be the
        // collection itself, which this reader leaves to js-yaml.
        this.#anchors.set(name, OPEN_ANCHOR);
        const value = this.#readNextLinesValue(indent, true);
        this.#anchors.set(name, value);
        return value;
      }
      this.#pos = start;
      code = 0x26;
    }
    if (code === HASH || isBreakOrEnd(code)) return this.#readNextLinesValue(indent, false);
    return this.#readInlineValue(code, indent);
  }

  /**
   * The value of a `key:` whose line holds nothing more (but a comment): a block collection on
   * the next lines, or null. An anchored value must be a collection.
   */
  #readNextLinesValue(indent: number, anchored: boolean): unknown {
    const input = this.#input;
    if (input.charCodeAt(this.#pos) === HASH) this.#skipComment();
    this.#nextContentLine();
    if (this.#pos < this.#length) {
      const code = input.charCodeAt(this.#pos);
      const dash = code === DASH && isSpaceOrBreakOrEnd(input.charCodeAt(this.#pos + 1));
      if (this.#indent > indent) {
        return dash ? this.#readBlockSequence(this.#indent) : this.#readBlockMapping(this.#indent);
      }
      // A sequence may sit at its key's indentation.
      if (this.#indent === indent && dash) return this.#readBlockSequence(indent);
    }
    if (anchored) throw GIVE_UP;
    return null;
  }

  /**
   * A node on the line of its `key:` or `-` that is no block collection: a block scalar, a
   * flow collection, a quoted or a plain scalar; then the rest of its line.
   */
  #readInlineValue(code: number, indent: number): unknown {
    const input = this.#input;
    if (code === 0x7c || code === 0x3e) {
      const scalar = readBlockScalar(input, this.#pos, indent + 1);
      if (scalar === undefined) throw GIVE_UP;
      this.#pos = scalar.end;
      this.#lineStart = scalar.lineStart;
      this.#indent = scalar.indent;
      if (this.#pos < this.#length) this.#settle();
      return scalar.text;
    }
    if (code === 0x26) {
      // An anchor, on a scalar of the same line only: js-yaml stores the typed scalar.
      const name = this.#readName();
      let next = input.charCodeAt(this.#pos);
      if (next !== SPACE) throw GIVE_UP;
      while (next === SPACE) next = input.charCodeAt(++this.#pos);
      if (next === 0x26 || next === 0x2a || next === 0x5b || next === 0x7b || next === 0x7c || next === 0x3e)
        throw GIVE_UP;
      const value = this.#readInlineValue(next, indent);
      this.#anchors.set(name, value);
      return value;
    }
    if (code === 0x2a) {
      // An alias of a value anchored earlier in the document (the same value).
      const name = this.#readName();
      const value = this.#anchors.get(name);
      if (value === undefined || value === OPEN_ANCHOR) throw GIVE_UP;
      this.#endLine(false);
      return value;
    }
    let value: unknown;
    if (code === 0x22 || code === 0x27) {
      value = this.#readQuoted();
    } else if (code === 0x5b || code === 0x7b) {
      value = this.#readFlowCollection();
    } else {
      if (cannotStartPlain(code)) throw GIVE_UP;
      const start = this.#pos;
      if (
        (code === DASH || code === 0x3f || code === COLON) &&
        isSpaceOrBreakOrEnd(input.charCodeAt(start + 1))
      )
        throw GIVE_UP;
      const end = this.#scanPlain(start, false);
      if (this.#stop === STOP_COLON) throw GIVE_UP;
      this.#pos = this.#stopAt;
      value = this.#resolve(input.slice(start, end));
      this.#endLine(true);
      return value;
    }
    this.#endLine(false);
    return value;
  }

  /** An anchor's or alias's name after its `&` or `*` (js-yaml's readAnchorProperty, readAlias). */
  #readName(): string {
    const input = this.#input;
    const start = ++this.#pos;
    let code = input.charCodeAt(start);
    while (!isSpaceOrBreakOrEnd(code) && !isFlowIndicator(code)) code = input.charCodeAt(++this.#pos);
    if (this.#pos === start) throw GIVE_UP;
    return input.slice(start, this.#pos);
  }

  /** A sequence item on the line of its `-`: a nested sequence, a mapping, or a node. */
  #readCompactNode(indent: number): unknown {
    const input = this.#input;
    const start = this.#pos;
    const code = input.charCodeAt(start);
    const column = start - this.#lineStart;
    if (code === DASH && isSpaceOrBreakOrEnd(input.charCodeAt(start + 1)))
      return this.#readBlockSequence(column);
    if (code === 0x22 || code === 0x27) {
      this.#readQuoted();
      let after = this.#pos;
      while (input.charCodeAt(after) === SPACE) after += 1;
      this.#pos = start;
      if (input.charCodeAt(after) === COLON && isSpaceOrBreakOrEnd(input.charCodeAt(after + 1)))
        return this.#readBlockMapping(column);
      return this.#readInlineValue(code, indent);
    }
    if (
      !cannotStartPlain(code) &&
      !((code === 0x3f || code === COLON) && isSpaceOrBreakOrEnd(input.charCodeAt(start + 1)))
    ) {
      this.#scanPlain(start, false);
      if (this.#stop === STOP_COLON) return this.#readBlockMapping(column);
    }
    return this.#readInlineValue(code, indent);
  }

  /**
   * Scans a plain scalar from `start` to where it stops on its line: the line's end, a comment,
   * a `:` followed by whitespace (or, in a flow collection, by a flow indicator), or a flow
   * indicator. Returns the end of its text (trailing whitespace excluded) and sets #stop and
   * #stopAt; gives up on a character js-yaml would reject in a scalar.
   */
  #scanPlain(start: number, inFlow: boolean): number {
    const input = this.#input;
    let index = start;
    let end = start;
    let unusual = false;
    for (;;) {
      const code = input.charCodeAt(index);
      if (code > COLON) {
        if (code >= 0x7f || (inFlow && (code === 0x5b || code === 0x5d || code === 0x7b || code === 0x7d))) {
          if (code < 0x7f) {
            this.#stop = STOP_FLOW;
            break;
          }
          unusual = true;
        }
        index += 1;
        end = index;
        continue;
      }
      if (code === COLON) {
        const next = input.charCodeAt(index + 1);
        if (isSpaceOrBreakOrEnd(next) || (inFlow && isFlowIndicator(next))) {
          this.#stop = STOP_COLON;
          break;
        }
      } else if (code === HASH) {
        const before = input.charCodeAt(index - 1);
        if (before === SPACE || before === TAB) {
          this.#stop = STOP_COMMENT;
          break;
        }
      } else if (code === LF || code === CR || code !== code) {
        this.#stop = STOP_LINE_END;
        break;
      } else if (inFlow && code === 0x2c) {
        this.#stop = STOP_FLOW;
        break;
      } else if (code < SPACE && code !== TAB) {
        unusual = true;
      }
      index += 1;
      if (code !== SPACE && code !== TAB) end = index;
    }
    this.#stopAt = index;
    if (unusual && NON_PRINTABLE.test(input.slice(start, end))) throw GIVE_UP;
    return end;
  }

  /** A quoted scalar on one line, without escapes; the reader is left after its closing quote. */
  #readQuoted(): string {
    const input = this.#input;
    const quote = input.charCodeAt(this.#pos);
    let index = this.#pos + 1;
    let segment = index;
    let text = '';
    for (;;) {
      const code = input.charCodeAt(index);
      if (code === quote) {
        if (quote === 0x27 && input.charCodeAt(index + 1) === 0x27) {
          text += input.slice(segment, index + 1);
          index += 2;
          segment = index;
          continue;
        }
        break;
      }
      if (code < SPACE ? code !== TAB : code === 0x5c && quote === 0x22) throw GIVE_UP;
      if (code !== code) throw GIVE_UP;
      index += 1;
    }
    this.#pos = index + 1;
    return text === '' ? input.slice(segment, index) : text + input.slice(segment, index);
  }

  /** A flow collection on one line: plain and quoted scalars and flow collections inside. */
  #readFlowCollection(): object {
    this.#enter();
    const input = this.#input;
    const isMapping = input.charCodeAt(this.#pos) === 0x7b;
    const terminator = isMapping ? 0x7d : 0x5d;
    const mapping: Record<string, unknown> = {};
    const sequence: unknown[] = [];
    const base = this.#height;
    let readNext = true;
    this.#pos += 1;
    for (;;) {
      let code = this.#skipFlowSpace();
      if (code === terminator) {
        this.#pos += 1;
        break;
      }
      if (!readNext || code === 0x2c) throw GIVE_UP;
      const offset = this.#pos;
      if (isMapping) {
        const key = this.#readFlowKey();
        const logged = this.#keyLogged;
        this.#pos += 1;
        code = this.#skipFlowSpace();
        if (code === 0x2c || code === terminator) throw GIVE_UP;
        const valueOffset = this.#pos;
        const value = this.#readFlowNode();
        if (HAS_OWN.call(mapping, key)) throw GIVE_UP;
        if (key === '__proto__') {
          Object.defineProperty(mapping, key, {
            configurable: true,
            enumerable: true,
            writable: true,
            value,
          });
        } else {
          mapping[key] = value;
        }
        this.#push(logged ? key : undefined, valueOffset);
      } else {
        sequence.push(this.#readFlowNode());
        this.#push(undefined, offset);
        if (this.#skipFlowSpace() === COLON) throw GIVE_UP;
      }
      code = this.#skipFlowSpace();
      readNext = code === 0x2c;
      if (readNext) this.#pos += 1;
    }
    // js-yaml's listener logs no empty collection.
    if (this.#height > base) {
      if (isMapping) this.#positions.appendMapping(mapping, this.#keys, this.#offsets, base, this.#height);
      else this.#positions.appendSequence(sequence, this.#offsets, base, this.#height);
    }
    this.#height = base;
    this.#depth -= 1;
    return isMapping ? mapping : sequence;
  }

  /** Spaces inside a flow collection; a line break, tab, comment or the end gives up. */
  #skipFlowSpace(): number {
    const input = this.#input;
    let code = input.charCodeAt(this.#pos);
    while (code === SPACE) code = input.charCodeAt(++this.#pos);
    if (code === TAB || code === HASH || isBreakOrEnd(code)) throw GIVE_UP;
    return code;
  }

  /** A key of a flow mapping up to its `:`, on which the reader is left. */
  #readFlowKey(): string {
    const input = this.#input;
    const start = this.#pos;
    const code = input.charCodeAt(start);
    this.#keyLogged = true;
    if (code === 0x22 || code === 0x27) {
      const key = this.#readQuoted();
      if (this.#skipFlowSpace() !== COLON) throw GIVE_UP;
      return key;
    }
    const end = this.#scanFlowPlain(start);
    if (this.#stop !== STOP_COLON) throw GIVE_UP;
    this.#pos = this.#stopAt;
    return this.#plainKey(input.slice(start, end));
  }

  /** A node inside a flow collection. */
  #readFlowNode(): unknown {
    const input = this.#input;
    const code = input.charCodeAt(this.#pos);
    if (code === 0x22 || code === 0x27) return this.#readQuoted();
    if (code === 0x5b || code === 0x7b) return this.#readFlowCollection();
    const start = this.#pos;
    const end = this.#scanFlowPlain(start);
    if (this.#stop === STOP_COLON) throw GIVE_UP;
    this.#pos = this.#stopAt;
    return this.#resolve(input.slice(start, end));
  }

  #scanFlowPlain(start: number): number {
    const input = this.#input;
    const code = input.charCodeAt(start);
    if (cannotStartPlain(code)) throw GIVE_UP;
    const next = input.charCodeAt(start + 1);
    if (
      (code === DASH || code === 0x3f || code === COLON) &&
      (isSpaceOrBreakOrEnd(next) || isFlowIndicator(next))
    )
      throw GIVE_UP;
    const end = this.#scanPlain(start, true);
    if (this.#stop === STOP_LINE_END || this.#stop === STOP_COMMENT) throw GIVE_UP;
    return end;
  }
}
