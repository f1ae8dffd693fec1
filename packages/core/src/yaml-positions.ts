import type { SourcePosition } from './source-text.js';
import { LineIndex } from './source-text.js';

/**
 * Remembers where each value of a parsed YAML document is written. Positions are stored per
 * container (the mapping or sequence object js-yaml produced) and key, as raw offsets, and are
 * resolved to line and column only when asked, so that recording them costs almost nothing.
 */
export class YamlPositions {
  // Per container: for a sequence, the offset of each item by index; for a mapping, a flat
  // list of key, offset pairs (few keys per mapping: a scan beats a Map per container).
  readonly #offsets = new WeakMap<object, (string | number)[]>();
  readonly #lines: LineIndex;

  constructor(text: string) {
    this.#lines = new LineIndex(text);
  }

  /** @internal Records that `container[key]` starts (before whitespace) at `offset`. */
  record(container: object, key: string | number, offset: number): void {
    let entries = this.#offsets.get(container);
    if (!entries) {
      entries = [];
      this.#offsets.set(container, entries);
    }
    if (Array.isArray(container) && typeof key === 'number') {
      entries[key] = offset;
      return;
    }
    const name = String(key);
    for (let index = 0; index < entries.length; index += 2) {
      if (entries[index] === name) {
        entries[index + 1] = offset;
        return;
      }
    }
    entries.push(name, offset);
  }

  /** @internal Records the offsets of a mapping's values as key, offset pairs (keys as strings). */
  setEntries(mapping: object, entries: (string | number)[]): void {
    this.#offsets.set(mapping, entries);
  }

  /** @internal Records the offsets of a sequence's items, by index. */
  setOffsets(sequence: object, offsets: number[]): void {
    this.#offsets.set(sequence, offsets);
  }

  /**
   * The 1-based line and column of the first character of `container[key]`'s text: after
   * whitespace, comments, anchors and tags, and after an opening quote.
   */
  positionOf(container: object, key: string | number): SourcePosition | undefined {
    const offset = this.#offsetOf(container, key);
    if (offset === undefined) return undefined;
    return this.#lines.positionAt(skipToContent(this.#lines.text, offset));
  }

  #offsetOf(container: object, key: string | number): number | undefined {
    const entries = this.#offsets.get(container);
    if (!entries) return undefined;
    if (Array.isArray(container) && typeof key === 'number') {
      const offset = entries[key];
      return typeof offset === 'number' ? offset : undefined;
    }
    const name = String(key);
    // The last occurrence wins, as it does for the parsed value of a duplicate key.
    for (let index = entries.length - 2; index >= 0; index -= 2) {
      if (entries[index] === name) return entries[index + 1] as number;
    }
    return undefined;
  }

  /** Copies the positions recorded for `from` so that `to` (a clone) answers the same. */
  copy(from: object, to: object): void {
    const entries = this.#offsets.get(from);
    if (entries) this.#offsets.set(to, entries);
  }

  /** The position of a raw character offset in the same text. */
  positionAt(offset: number): SourcePosition {
    return this.#lines.positionAt(offset);
  }
}

/** Skips whitespace, comments, anchors (`&a`), tags (`!t`) and an opening quote. */
function skipToContent(text: string, start: number): number {
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
    } else if (char === '"' || char === "'") {
      return index + 1;
    } else if (char === '|' || char === '>') {
      // A block scalar: its text starts on the next line, after the indentation.
      const end = text.indexOf('\n', index);
      if (end === -1) return index;
      index = end + 1;
      while (text[index] === ' ') index += 1;
      return index;
    } else {
      return index;
    }
  }
  return Math.min(index, Math.max(0, text.length - 1));
}
