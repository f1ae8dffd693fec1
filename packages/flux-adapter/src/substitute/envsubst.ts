/** What one substitution did. */
export interface SubstitutionResult {
  /** The text after substitution. */
  readonly value: string;
  /** Variables that were read and defined, in order of first use. */
  readonly used: readonly string[];
  /** Variables that were read, undefined and without a default (left as `${NAME}`). */
  readonly unresolved: readonly string[];
}

/** A valid variable name for Flux's postBuild substitution. */
export const VARIABLE_NAME = /^[_a-zA-Z][_a-zA-Z0-9]*$/;

/**
 * Flux's postBuild substitution (the `envsubst` dialect of fluxcd/pkg) on one string:
 * `${VAR}`, `${VAR:=default}`, `${VAR:-default}`, `${VAR=default}`, `${VAR-default}`, `${#VAR}`,
 * `${VAR:pos:len}`, `${VAR/from/to}`, `${VAR//from/to}`, `${VAR^^}`, `${VAR,,}`, `${VAR^}`,
 * `${VAR,}`; `$$` is a literal `$` (so `$${VAR}` becomes `${VAR}`); `$VAR` without braces is left
 * alone. An undefined variable without a default is left as written and reported in
 * `unresolved` (kustomize-controller 1.9 fails the build on it).
 *
 * @example
 * ```ts
 * substituteText('ghcr.io/app:${TAG:=1.0}', (name) => undefined).value; // 'ghcr.io/app:1.0'
 * ```
 */
export function substituteText(
  text: string,
  lookup: (name: string) => string | undefined,
): SubstitutionResult {
  const used: string[] = [];
  const unresolved: string[] = [];
  const value = evaluate(text, lookup, used, unresolved);
  return { value, used, unresolved };
}

function evaluate(
  text: string,
  lookup: (name: string) => string | undefined,
  used: string[],
  unresolved: string[],
): string {
  if (!text.includes('$')) return text;
  let out = '';
  let index = 0;
  while (index < text.length) {
    const char = text[index];
    if (char !== '$') {
      out += char;
      index += 1;
      continue;
    }
    const next = text[index + 1];
    if (next === '$') {
      out += '$';
      index += 2;
      continue;
    }
    if (next !== '{') {
      out += char;
      index += 1;
      continue;
    }
    const end = findClosingBrace(text, index + 2);
    if (end === -1) {
      out += text.slice(index);
      break;
    }
    const expression = text.slice(index + 2, end);
    out += expand(expression, text.slice(index, end + 1), lookup, used, unresolved);
    index = end + 1;
  }
  return out;
}

function findClosingBrace(text: string, start: number): number {
  let depth = 1;
  for (let index = start; index < text.length; index += 1) {
    const char = text[index];
    if (char === '{') depth += 1;
    else if (char === '}') {
      depth -= 1;
      if (depth === 0) return index;
    }
  }
  return -1;
}

function expand(
  expression: string,
  original: string,
  lookup: (name: string) => string | undefined,
  used: string[],
  unresolved: string[],
): string {
  if (expression.startsWith('#')) {
    const name = expression.slice(1);
    if (!VARIABLE_NAME.test(name)) return original;
    const value = read(name, lookup, used);
    return String((value ?? '').length);
  }
  const match = /^[_a-zA-Z][_a-zA-Z0-9]*/.exec(expression);
  if (!match) return original;
  const name = match[0];
  const rest = expression.slice(name.length);
  const value = read(name, lookup, used);
  const fallback = (text: string): string => evaluate(text, lookup, used, unresolved);
  if (rest === '') {
    if (value === undefined) {
      if (!unresolved.includes(name)) unresolved.push(name);
      return original;
    }
    return value;
  }
  if (rest.startsWith(':=') || rest.startsWith(':-'))
    return value === undefined || value === '' ? fallback(rest.slice(2)) : value;
  if (rest.startsWith('=') || rest.startsWith('-'))
    return value === undefined ? fallback(rest.slice(1)) : value;
  if (value === undefined) {
    if (!unresolved.includes(name)) unresolved.push(name);
    return original;
  }
  if (rest === '^^') return value.toUpperCase();
  if (rest === ',,') return value.toLowerCase();
  if (rest === '^') return value.charAt(0).toUpperCase() + value.slice(1);
  if (rest === ',') return value.charAt(0).toLowerCase() + value.slice(1);
  const substring = /^:(-?\d+)(?::(\d+))?$/.exec(rest);
  if (substring) {
    const position = Number(substring[1]);
    const start = position < 0 ? Math.max(0, value.length + position) : position;
    return substring[2] === undefined ? value.slice(start) : value.slice(start, start + Number(substring[2]));
  }
  const replace = /^(\/\/?)([^/]*)\/?(.*)$/.exec(rest);
  if (replace) {
    const [, mode, pattern = '', replacement = ''] = replace;
    if (pattern === '') return value;
    return mode === '//' ? value.split(pattern).join(replacement) : value.replace(pattern, replacement);
  }
  const trim = /^(##?|%%?)(.*)$/.exec(rest);
  if (trim) {
    const [, mode = '', pattern = ''] = trim;
    if (mode.startsWith('#') && value.startsWith(pattern)) return value.slice(pattern.length);
    if (mode.startsWith('%') && value.endsWith(pattern)) return value.slice(0, value.length - pattern.length);
    return value;
  }
  return original;
}

function read(
  name: string,
  lookup: (name: string) => string | undefined,
  used: string[],
): string | undefined {
  const value = lookup(name);
  if (value !== undefined && !used.includes(name)) used.push(name);
  return value;
}
