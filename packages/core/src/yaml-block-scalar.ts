import { CR, DASH, HASH, LF, NON_PRINTABLE, SPACE, TAB } from './yaml-fast-chars.js';

/** A block scalar's text, and the line the reader stands on after it. */
export interface BlockScalar {
  readonly text: string;
  /** The first non-space character of the line that ends the scalar, or the input's length. */
  readonly end: number;
  /** Where that line starts. */
  readonly lineStart: number;
  /** Its leading spaces. */
  readonly indent: number;
}

/**
 * Reads the literal (`|`) or folded (`>`) block scalar whose indicator is at `start` exactly as
 * js-yaml's readBlockScalar does, `nodeIndent` being the indentation js-yaml gives it (its
 * parent's plus one). Undefined where js-yaml would throw. `input` ends with a line break, as
 * js-yaml's does.
 */
export function readBlockScalar(input: string, start: number, nodeIndent: number): BlockScalar | undefined {
  const folding = input.charCodeAt(start) === 0x3e;
  let pos = start;
  let chomping = 0; // 0 clip, 1 strip, 2 keep
  let detectedIndent = false;
  let textIndent = nodeIndent;
  let code: number;
  for (;;) {
    code = input.charCodeAt(++pos);
    if (code === 0x2b || code === DASH) {
      if (chomping !== 0) return undefined;
      chomping = code === 0x2b ? 2 : 1;
    } else if (code >= 0x31 && code <= 0x39) {
      if (detectedIndent) return undefined;
      textIndent = nodeIndent + (code - 0x30) - 1;
      detectedIndent = true;
    } else {
      break;
    }
  }
  if (code === SPACE) {
    while (code === SPACE) code = input.charCodeAt(++pos);
    if (code === HASH) while (code !== LF && code !== CR && code === code) code = input.charCodeAt(++pos);
  }
  if (code !== LF && code !== CR) return undefined;
  let text = '';
  let emptyLines = 0;
  let didReadContent = false;
  let atMoreIndented = false;
  for (;;) {
    // On a line break: past it, then the line's indentation.
    pos += code === CR && input.charCodeAt(pos + 1) === LF ? 2 : 1;
    const lineStart = pos;
    let lineIndent = 0;
    code = input.charCodeAt(pos);
    while ((!detectedIndent || lineIndent < textIndent) && code === SPACE) {
      lineIndent += 1;
      code = input.charCodeAt(++pos);
    }
    if (!detectedIndent && lineIndent > textIndent) textIndent = lineIndent;
    if (code === LF || code === CR) {
      emptyLines += 1;
      continue;
    }
    if (!detectedIndent && textIndent === 0) return undefined;
    if (lineIndent < textIndent) {
      // The end of the scalar: chomping, and the next line's first non-space.
      if (chomping === 2) text += '\n'.repeat(didReadContent ? 1 + emptyLines : emptyLines);
      else if (chomping === 0 && didReadContent) text += '\n';
      return { text, end: pos, lineStart, indent: lineIndent };
    }
    if (folding) {
      if (code === SPACE || code === TAB) {
        // More-indented lines are not folded.
        atMoreIndented = true;
        text += '\n'.repeat(didReadContent ? 1 + emptyLines : emptyLines);
      } else if (atMoreIndented) {
        atMoreIndented = false;
        text += '\n'.repeat(emptyLines + 1);
      } else if (emptyLines === 0) {
        if (didReadContent) text += ' ';
      } else {
        text += '\n'.repeat(emptyLines);
      }
    } else {
      text += '\n'.repeat(didReadContent ? 1 + emptyLines : emptyLines);
    }
    didReadContent = true;
    detectedIndent = true;
    emptyLines = 0;
    const contentStart = pos;
    let unusual = false;
    while (code !== LF && code !== CR && code === code) {
      if (code < SPACE ? code !== TAB : code >= 0x7f) unusual = true;
      code = input.charCodeAt(++pos);
    }
    const line = input.slice(contentStart, pos);
    if (unusual && NON_PRINTABLE.test(line)) return undefined;
    text += line;
    // The input ends with a line break, so a content line never meets the end.
    if (code !== code) return undefined;
  }
}
