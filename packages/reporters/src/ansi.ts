/** The ANSI styles the table reporter uses. */
export type AnsiStyle = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'magenta' | 'cyan' | 'gray';

const CODES: Record<AnsiStyle, [number, number]> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  magenta: [35, 39],
  cyan: [36, 39],
  gray: [90, 39],
};

/** Wraps text in an ANSI style when `enabled`, else returns it unchanged. */
export function paint(enabled: boolean, style: AnsiStyle, text: string): string {
  if (!enabled || text === '') return text;
  const [open, close] = CODES[style];
  return `\u001b[${open}m${text}\u001b[${close}m`;
}
