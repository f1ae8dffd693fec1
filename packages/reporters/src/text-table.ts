import { sanitizeText } from './sanitize-text.js';

/** One cell: its plain text, and a function that colours the padded text. */
export interface TextCell {
  readonly text: string;
  readonly style?: (padded: string) => string;
}

/** Options of {@link formatTextTable}. */
export interface TextTableOptions {
  /**
   * The widest line, in columns. When the table is wider, the widest columns are narrowed and
   * their cells wrap onto more lines; nothing is cut.
   * @default Infinity (every cell on one line)
   */
  readonly width?: number;
  readonly headerStyle?: (text: string) => string;
}

const GAP = '  ';
// A column is never narrowed below this (or its header, or its natural width when smaller).
const MIN_COLUMN = 10;
// Long words (image references, paths) break after one of these, in this order of preference,
// when one is in the second half of the line.
const BREAK_AFTER: readonly (readonly string[])[] = [['/'], [':', '@', '=', ','], ['-', '_', '.']];

/** The display width of plain text, counting each code point once. */
export function displayWidth(text: string): number {
  return [...text].length;
}

/** Plain text for a terminal cell: {@link sanitizeText} (no escapes, controls or workflow commands, one line). */
export function cellText(text: string): string {
  return sanitizeText(text);
}

/**
 * Wraps one line of plain text to `width` columns (`restWidth` after the first line): at
 * spaces, and a word longer than the width after a `/`, `:` or similar near its end (else
 * anywhere). Nothing is dropped: the lines hold every character of the text.
 */
export function wrapText(text: string, width: number, restWidth = width): string[] {
  if (!Number.isFinite(width) || width < 1 || displayWidth(text) <= width) return [text];
  const lines: string[] = [];
  const limit = (): number => Math.max(lines.length === 0 ? width : restWidth, 1);
  let line = '';
  for (const word of text.split(' ')) {
    let rest = word;
    for (;;) {
      const used = line === '' ? 0 : displayWidth(line) + 1;
      if (used + displayWidth(rest) <= limit()) {
        line = line === '' ? rest : `${line} ${rest}`;
        break;
      }
      if (line !== '') {
        lines.push(line);
        line = '';
        continue;
      }
      const [head, tail] = splitWord(rest, limit());
      lines.push(head);
      rest = tail;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

function splitWord(word: string, width: number): [string, string] {
  const points = [...word];
  let cut = width;
  search: for (const marks of BREAK_AFTER) {
    for (let index = width - 1; index >= Math.ceil(width / 2); index -= 1) {
      if (marks.includes(points[index]!)) {
        cut = index + 1;
        break search;
      }
    }
  }
  return [points.slice(0, cut).join(''), points.slice(cut).join('')];
}

/**
 * Wraps text to `width` columns, every line after the first indented by `hang` spaces; leading
 * spaces of the text indent every line.
 */
export function wrapWithIndent(text: string, width: number, hang: number): string[] {
  const lead = text.length - text.trimStart().length;
  const margin = ' '.repeat(lead);
  const pad = ' '.repeat(hang);
  return wrapText(text.trimStart(), width - lead, width - lead - hang).map(
    (line, index) => `${margin}${index === 0 ? '' : pad}${line}`,
  );
}

/**
 * Column widths that fit `available` columns of text: every column keeps its natural width
 * when the table fits; otherwise the widest columns are capped at one common width (the largest
 * that fits), never below their minimum.
 */
function fitWidths(natural: readonly number[], minimum: readonly number[], available: number): number[] {
  const total = (cap: number): number =>
    natural.reduce((sum, width, column) => sum + Math.max(minimum[column]!, Math.min(width, cap)), 0);
  if (!Number.isFinite(available) || total(Infinity) <= available) return [...natural];
  let low = 0;
  let high = Math.max(...natural);
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (total(middle) <= available) low = middle;
    else high = middle - 1;
  }
  const widths = natural.map((width, column) => Math.max(minimum[column]!, Math.min(width, low)));
  // Hand out what is left, one column at a time, to the columns that were capped.
  let left = available - widths.reduce((sum, width) => sum + width, 0);
  for (let column = 0; column < widths.length && left > 0; column += 1) {
    if (natural[column]! > widths[column]!) {
      widths[column]! += 1;
      left -= 1;
    }
  }
  return widths;
}

/**
 * Lays out rows as an aligned table with a header rule. Cell text is sanitized; with a `width`,
 * wide columns are narrowed and their cells wrapped onto more lines so that every line fits.
 * Colour is applied after padding so that alignment never counts escapes.
 */
export function formatTextTable(
  header: readonly string[],
  rows: readonly (readonly TextCell[])[],
  options: TextTableOptions = {},
): string {
  const clean = rows.map((row) => row.map((cell) => ({ ...cell, text: cellText(cell.text) })));
  const natural = header.map((title, column) =>
    Math.max(displayWidth(title), ...clean.map((row) => displayWidth(row[column]?.text ?? ''))),
  );
  const minimum = header.map((title, column) => {
    const longestWord = Math.max(
      0,
      ...clean.flatMap((row) => (row[column]?.text ?? '').split(' ').map(displayWidth)),
    );
    return Math.min(natural[column]!, Math.max(displayWidth(title), Math.min(longestWord, MIN_COLUMN)));
  });
  const available = (options.width ?? Infinity) - GAP.length * (header.length - 1);
  const widths = fitWidths(natural, minimum, available);
  const pad = (text: string, column: number): string =>
    text + ' '.repeat(Math.max(widths[column]! - displayWidth(text), 0));
  const renderRow = (cells: readonly TextCell[]): string[] => {
    const wrapped = cells.map((cell, column) => wrapText(cell.text, widths[column]!));
    const height = Math.max(1, ...wrapped.map((lines) => lines.length));
    const lines: string[] = [];
    for (let index = 0; index < height; index += 1) {
      const line = cells.map((cell, column) => {
        const text = wrapped[column]![index] ?? '';
        const padded = column === cells.length - 1 ? text : pad(text, column);
        return cell.style && text !== '' ? cell.style(padded) : padded;
      });
      lines.push(line.join(GAP).trimEnd());
    }
    return lines;
  };
  const headerStyle = options.headerStyle ?? ((text: string) => text);
  const title = header
    .map((text, column) => (column === header.length - 1 ? text : pad(text, column)))
    .join(GAP);
  return [
    headerStyle(title.trimEnd()),
    widths.map((width) => '─'.repeat(width)).join(GAP),
    ...clean.flatMap((row) => renderRow(row)),
  ].join('\n');
}
