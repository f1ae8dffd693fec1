/** A 1-based line and column in a text file. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/**
 * Converts character offsets of one text into 1-based line and column. Built once per file;
 * each lookup is a binary search over the line starts.
 */
export class LineIndex {
  readonly #lineStarts: number[];

  constructor(readonly text: string) {
    const starts = [0];
    for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) {
      starts.push(index + 1);
    }
    this.#lineStarts = starts;
  }

  /** The 1-based line and column of a 0-based character offset. */
  positionAt(offset: number): SourcePosition {
    const starts = this.#lineStarts;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((starts[middle] ?? 0) <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - (starts[low] ?? 0) + 1 };
  }
}
