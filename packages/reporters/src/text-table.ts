import { stripControlCharacters } from './sanitize-text.js';
import { truncateText } from './sanitize-text.js';

/** One cell: its plain text, and a function that colours the padded text. */
export interface TextCell {
  readonly text: string;
  readonly style?: (padded: string) => string;
}

/** The display width of plain text, counting each code point once. */
export function displayWidth(text: string): number {
  return [...text].length;
}

/** Plain text for a terminal cell: control characters and escapes removed, one line. */
export function cellText(text: string): string {
  return stripControlCharacters(text).replace(/\s+/g, ' ').trim();
}

/**
 * Lays out rows as an aligned table with a header rule. Cell text is sanitized and cut to
 * `maxCellWidth`; colour is applied after padding so that alignment never counts escapes.
 */
export function formatTextTable(
  header: readonly string[],
  rows: readonly (readonly TextCell[])[],
  options: { readonly maxCellWidth: number; readonly headerStyle?: (text: string) => string },
): string {
  const clean = rows.map((row) =>
    row.map((cell) => ({ ...cell, text: truncateText(cellText(cell.text), options.maxCellWidth) })),
  );
  const widths = header.map((title, column) =>
    Math.max(displayWidth(title), ...clean.map((row) => displayWidth(row[column]?.text ?? ''))),
  );
  const pad = (text: string, column: number): string =>
    text + ' '.repeat(Math.max((widths[column] ?? 0) - displayWidth(text), 0));
  const line = (cells: readonly TextCell[]): string =>
    cells
      .map((cell, column) => {
        const padded = column === cells.length - 1 ? cell.text : pad(cell.text, column);
        return cell.style ? cell.style(padded) : padded;
      })
      .join('  ')
      .trimEnd();
  const headerStyle = options.headerStyle ?? ((text: string) => text);
  const title = header
    .map((text, column) => (column === header.length - 1 ? text : pad(text, column)))
    .join('  ');
  return [
    headerStyle(title.trimEnd()),
    widths.map((width) => '─'.repeat(width)).join('  '),
    ...clean.map((row) => line(row)),
  ].join('\n');
}
