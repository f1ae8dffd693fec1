// Character codes and classes of the fast YAML reader, as js-yaml's loader (lib/loader.js)
// defines them.

/** ` ` */
export const SPACE = 0x20;
/** Tab */
export const TAB = 0x09;
/** Line feed */
export const LF = 0x0a;
/** Carriage return */
export const CR = 0x0d;
/** `#` */
export const HASH = 0x23;
/** `:` */
export const COLON = 0x3a;
/** `-` */
export const DASH = 0x2d;
/** `.` */
export const DOT = 0x2e;

/** js-yaml's test for characters a scalar may not hold (PATTERN_NON_PRINTABLE). */
export const NON_PRINTABLE =
  // eslint-disable-next-line no-control-regex
  /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:[^\uD800-\uDBFF]|^)[\uDC00-\uDFFF]/;

/** A line break, or the end of the text (NaN: past the end). */
export function isBreakOrEnd(code: number): boolean {
  return code === LF || code === CR || code !== code;
}

/** Whitespace, a line break or the end (js-yaml's isWsOrEol, and the end). */
export function isSpaceOrBreakOrEnd(code: number): boolean {
  return code === SPACE || code === TAB || code === LF || code === CR || code !== code;
}

/** `,`, `[`, `]`, `{` or `}`. */
export function isFlowIndicator(code: number): boolean {
  return code === 0x2c || code === 0x5b || code === 0x5d || code === 0x7b || code === 0x7d;
}

/**
 * Characters that cannot start a plain scalar (js-yaml's readPlainScalar) or that start a
 * node this reader leaves to js-yaml: flow indicators, `#`, `&`, `*`, `!`, `|`, `>`, quotes,
 * `%`, `@`, backtick.
 */
export function cannotStartPlain(code: number): boolean {
  switch (code) {
    case 0x2c: // ,
    case 0x5b: // [
    case 0x5d: // ]
    case 0x7b: // {
    case 0x7d: // }
    case HASH:
    case 0x26: // &
    case 0x2a: // *
    case 0x21: // !
    case 0x7c: // |
    case 0x3e: // >
    case 0x27: // '
    case 0x22: // "
    case 0x25: // %
    case 0x40: // @
    case 0x60: // `
    case SPACE:
    case TAB:
    case LF:
    case CR:
      return true;
    default:
      return code !== code;
  }
}
