import type { EnvsubstPiece, EnvsubstResult } from './envsubst.js';
import { goMapString } from './go-case.js';

const MAX_SIMPLE_EXPRESSION = 256;
// `${NAME}`, `${NAME:=text}`, `${NAME:-text}`, `${NAME^^}`: an ASCII name, a default without
// `$`, braces, escapes or NUL (one text argument to the parser).
const SIMPLE_EXPRESSION = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:[=-])([^${}\\\0]*)|(\^\^))?\}/;

/**
 * `evaluateEnvsubst` for a text whose every `$` opens `${NAME}`, `${NAME:=text}`,
 * `${NAME:-text}` or `${NAME^^}` (an ASCII name, a default without `$`, braces or escapes):
 * the common expressions of a repository, without the parser and the byte buffers. Returns
 * undefined for any other text; the result is the one `evaluateEnvsubst` gives.
 */
export function evaluateSimpleEnvsubst(
  text: string,
  lookup: (name: string) => string | undefined,
  strict: boolean,
): EnvsubstResult | undefined {
  const pieces: EnvsubstPiece[] = [];
  const used: string[] = [];
  const missing: string[] = [];
  const defaulted: string[] = [];
  let out = '';
  let from = 0;
  for (let dollar = text.indexOf('$'); dollar !== -1; dollar = text.indexOf('$', from)) {
    const match = SIMPLE_EXPRESSION.exec(text.slice(dollar, dollar + MAX_SIMPLE_EXPRESSION));
    if (!match) return undefined;
    const name = match[1]!;
    const isDefault = match[2] !== undefined;
    const end = dollar + match[0].length;
    if (dollar > from) {
      pieces.push({ outStart: out.length, outEnd: out.length + dollar - from, inStart: from, inEnd: dollar });
      out += text.slice(from, dollar);
    }
    // envsubst.ts `evaluateFunc` and `lookupFunc` for these operators.
    const value = lookup(name);
    let written: string;
    if (value !== undefined) {
      if (!used.includes(name)) used.push(name);
      written = value;
    } else if (isDefault) {
      if (!defaulted.includes(name)) defaulted.push(name);
      written = '';
    } else if (strict) {
      // Left as written.
      if (!missing.includes(name)) missing.push(name);
      written = text.slice(dollar, end);
    } else written = '';
    if (value !== undefined || isDefault || !strict) {
      if (match[4] === '^^') written = goMapString(written, 'upper');
      else if (isDefault && written === '') written = match[3] ?? '';
    }
    const piece = { outStart: out.length, outEnd: out.length + written.length, inStart: dollar, inEnd: end };
    pieces.push(value !== undefined && value !== '' ? { ...piece, variable: name } : piece);
    out += written;
    from = end;
  }
  if (from < text.length) {
    pieces.push({
      outStart: out.length,
      outEnd: out.length + text.length - from,
      inStart: from,
      inEnd: text.length,
    });
    out += text.slice(from);
  }
  return { value: out, pieces, used, missing, defaulted };
}
