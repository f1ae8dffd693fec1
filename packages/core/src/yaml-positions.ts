import type { SourcePosition } from './source-text.js';
import { LineIndex } from './source-text.js';

// Up to this many containers a scan of the log (from the last answer) beats building a Map.
const LINEAR_SCAN_LIMIT = 50_000;

/**
 * Remembers where each value of a parsed YAML document is written. Positions are stored per
 * container (the mapping or sequence object js-yaml produced) and key, as raw offsets, and are
 * resolved to line and column only when asked, so that recording them costs almost nothing.
 */
export class YamlPositions {
  // The parser appends to a flat log while it reads: per container, the range of its entries;
  // per mapping entry, the key (as a string) and the value's offset; per sequence item, its
  // offset. No per-container allocation while parsing; a lookup Map is built only for large
  // files, on the first question.
  readonly #containers: object[] = [];
  // A mapping's range is in #keys/#offsets; a sequence's (start stored as -start - 1) is in
  // #itemOffsets, indexed by position, so sequence items cost one number each.
  readonly #rangeStarts: number[] = [];
  readonly #rangeEnds: number[] = [];
  readonly #keys: string[] = [];
  readonly #offsets: number[] = [];
  readonly #itemOffsets: number[] = [];
  #index: Map<object, number> | undefined;
  #cursor = 0;
  #hasRecorded = false;
  // Positions recorded one by one, and clones that answer like their original.
  readonly #recorded = new WeakMap<object, Map<string | number, number>>();
  readonly #aliases = new WeakMap<object, object>();
  readonly #lines: LineIndex;

  constructor(text: string) {
    this.#lines = new LineIndex(text);
  }

  /** @internal Records that `container[key]` starts (before whitespace) at `offset`. */
  record(container: object, key: string | number, offset: number): void {
    this.#hasRecorded = true;
    let offsets = this.#recorded.get(container);
    if (!offsets) {
      offsets = new Map();
      this.#recorded.set(container, offsets);
    }
    offsets.set(Array.isArray(container) && typeof key === 'number' ? key : String(key), offset);
  }

  /**
   * @internal Appends the entries of one container to the log: `keys[from..to)` with their
   * `offsets`, every second element starting at `from` when `pairs` (a mapping's children
   * alternate key, value), else every element with its index (a sequence).
   */
  appendContainer(
    container: object,
    children: readonly unknown[],
    offsets: readonly number[],
    from: number,
    to: number,
    pairs: boolean,
  ): void {
    this.#containers.push(container);
    if (pairs) {
      this.#rangeStarts.push(this.#keys.length);
      for (let index = from; index + 1 < to; index += 2) {
        const key = children[index];
        if (typeof key === 'string') this.#keys.push(key);
        else if (typeof key === 'number') this.#keys.push(String(key));
        else continue;
        this.#offsets.push(offsets[index + 1]!);
      }
      this.#rangeEnds.push(this.#keys.length);
    } else {
      this.#rangeStarts.push(-this.#itemOffsets.length - 1);
      for (let index = from; index < to; index += 1) this.#itemOffsets.push(offsets[index]!);
      this.#rangeEnds.push(this.#itemOffsets.length);
    }
    this.#index = undefined;
  }

  /**
   * @internal Appends the entries of one mapping to the log: `keys[from..to)` with their values'
   * `offsets`; an undefined key (a `true`, `false` or `null` key) is left out, as
   * {@link YamlPositions.appendContainer} leaves it out.
   */
  appendMapping(
    container: object,
    keys: readonly (string | undefined)[],
    offsets: readonly number[],
    from: number,
    to: number,
  ): void {
    this.#containers.push(container);
    this.#rangeStarts.push(this.#keys.length);
    for (let index = from; index < to; index += 1) {
      const key = keys[index];
      if (key === undefined) continue;
      this.#keys.push(key);
      this.#offsets.push(offsets[index]!);
    }
    this.#rangeEnds.push(this.#keys.length);
    this.#index = undefined;
  }

  /** @internal Appends the items of one sequence to the log: their offsets, `offsets[from..to)`. */
  appendSequence(container: object, offsets: readonly number[], from: number, to: number): void {
    this.#containers.push(container);
    this.#rangeStarts.push(-this.#itemOffsets.length - 1);
    for (let index = from; index < to; index += 1) this.#itemOffsets.push(offsets[index]!);
    this.#rangeEnds.push(this.#itemOffsets.length);
    this.#index = undefined;
  }

  /** @internal Forgets every container logged so far (a reader that gave up half-way). */
  clearLog(): void {
    this.#containers.length = 0;
    this.#rangeStarts.length = 0;
    this.#rangeEnds.length = 0;
    this.#keys.length = 0;
    this.#offsets.length = 0;
    this.#itemOffsets.length = 0;
    this.#index = undefined;
    this.#cursor = 0;
  }

  /**
   * The 1-based line and column of the first character of `container[key]`'s text: after
   * whitespace, comments, anchors and tags, and after an opening quote.
   */
  positionOf(container: object, key: string | number): SourcePosition | undefined {
    const offset = this.#offsetOf(this.#aliases.get(container) ?? container, key);
    if (offset === undefined) return undefined;
    return this.#lines.positionAt(skipToContent(this.#lines.text, offset));
  }

  /**
   * The character offset where `container[key]`'s text starts (after whitespace, anchors, tags
   * and an opening quote), or undefined when it was not recorded.
   */
  contentOffsetOf(container: object, key: string | number): number | undefined {
    const offset = this.#offsetOf(this.#aliases.get(container) ?? container, key);
    return offset === undefined ? undefined : skipToContent(this.#lines.text, offset);
  }

  /**
   * How `container[key]`'s scalar is written: `literal` (`|`), `folded` (`>`), or `flow` (plain
   * or quoted); undefined when its position was not recorded.
   */
  scalarStyleOf(container: object, key: string | number): 'literal' | 'folded' | 'flow' | undefined {
    const offset = this.#offsetOf(this.#aliases.get(container) ?? container, key);
    if (offset === undefined) return undefined;
    const char = this.#lines.text[skipToIndicator(this.#lines.text, offset)];
    return char === '|' ? 'literal' : char === '>' ? 'folded' : 'flow';
  }

  #offsetOf(container: object, key: string | number): number | undefined {
    const wanted = Array.isArray(container) && typeof key === 'number' ? key : String(key);
    if (this.#hasRecorded) {
      const recorded = this.#recorded.get(container)?.get(wanted);
      if (recorded !== undefined) return recorded;
    }
    const position = this.#find(container);
    if (position === -1) return undefined;
    const start = this.#rangeStarts[position]!;
    const end = this.#rangeEnds[position]!;
    if (start < 0) {
      const index = -start - 1 + (typeof wanted === 'number' ? wanted : Number(wanted));
      return Number.isInteger(index) && index >= -start - 1 && index < end
        ? this.#itemOffsets[index]
        : undefined;
    }
    // The last occurrence wins, as it does for the parsed value.
    for (let index = end - 1; index >= start; index -= 1) {
      if (this.#keys[index] === wanted) return this.#offsets[index];
    }
    return undefined;
  }

  /**
   * The log position of a container. Questions come roughly in the order the parser logged the
   * containers (document by document, field by field), so the search starts where the last
   * answer was found; large files get a Map instead.
   */
  #find(container: object): number {
    const containers = this.#containers;
    if (containers.length > LINEAR_SCAN_LIMIT) {
      if (!this.#index) {
        this.#index = new Map();
        for (const [position, item] of containers.entries()) this.#index.set(item, position);
      }
      return this.#index.get(container) ?? -1;
    }
    let position = containers.indexOf(container, this.#cursor);
    if (position === -1 && this.#cursor > 0) position = containers.lastIndexOf(container, this.#cursor - 1);
    if (position !== -1) this.#cursor = position;
    return position;
  }

  /** Copies the positions recorded for `from` so that `to` (a clone) answers the same. */
  copy(from: object, to: object): void {
    this.#aliases.set(to, this.#aliases.get(from) ?? from);
  }

  /** The position of a raw character offset in the same text. */
  positionAt(offset: number): SourcePosition {
    return this.#lines.positionAt(offset);
  }
}

/** Skips whitespace, comments, anchors (`&a`) and tags (`!t`): the index of the value's first character. */
function skipToIndicator(text: string, start: number): number {
  let index = start;
  while (index < text.length) {
    const char = text[index];
    if (char === ' ' || char === '\t' || char === '\n' || char === '\r') {
      index += 1;
    } else if (char === '#') {
      const end = text.indexOf('\n', index);
      index = end === -1 ? text.length : end;
    } else if (char === '&' || char === '!') {
      while (index < text.length && !/\s/.test(text[index] ?? ' ')) index += 1;
    } else {
      return index;
    }
  }
  return index;
}

/**
 * Skips what {@link skipToIndicator} skips, then an opening quote or a block scalar's header:
 * the index of the value's first character of text.
 */
function skipToContent(text: string, start: number): number {
  const index = skipToIndicator(text, start);
  // Past the end (only whitespace or comments left): the last character, as positions need one.
  if (index >= text.length) return Math.max(0, text.length - 1);
  const char = text[index];
  if (char === '"' || char === "'") return index + 1;
  if (char !== '|' && char !== '>') return index;
  // A block scalar: its text starts on the next line, after the indentation.
  const end = text.indexOf('\n', index);
  if (end === -1) return index;
  let content = end + 1;
  while (text[content] === ' ') content += 1;
  return content;
}
