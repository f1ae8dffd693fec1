import type { SourcePosition } from './source-text.js';
import { LineIndex } from './source-text.js';

/**
 * Remembers where each value of a parsed YAML document is written. Positions are stored per
 * container (the mapping or sequence object js-yaml produced) and key, as raw offsets, and are
 * resolved to line and column only when asked, so that recording them costs almost nothing.
 */
export class YamlPositions {
  readonly #offsets = new WeakMap<object, Map<string | number, number>>();
  readonly #lines: LineIndex;

  constructor(text: string) {
    this.#lines = new LineIndex(text);
  }

  /** @internal Records that `container[key]` starts (before whitespace) at `offset`. */
  record(container: object, key: string | number, offset: number): void {
    let offsets = this.#offsets.get(container);
    if (!offsets) {
      offsets = new Map();
      this.#offsets.set(container, offsets);
    }
    offsets.set(key, offset);
  }

  /**
   * The 1-based line and column of the first character of `container[key]`'s text: after
   * whitespace, comments, anchors and tags, and after an opening quote.
   */
  positionOf(container: object, key: string | number): SourcePosition | undefined {
    const offset = this.#offsets.get(container)?.get(key);
    if (offset === undefined) return undefined;
    return this.#lines.positionAt(skipToContent(this.#lines.text, offset));
  }

  /** Copies the positions recorded for `from` so that `to` (a clone) answers the same. */
  copy(from: object, to: object): void {
    const offsets = this.#offsets.get(from);
    if (offsets) this.#offsets.set(to, offsets);
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
