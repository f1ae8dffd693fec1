import { matchGlobClass, scanGlobChunk } from '@sluice/core';

/**
 * The glob of envsubst's `#`, `##`, `%`, `%%` operators: fluxcd/pkg `envsubst/path.Match`, a
 * variant of Go's `path.Match` in which `*` and `?` also match `/` (so `##` with a star and a
 * slash strips every folder of a path), a trailing `*` matches the rest, and a mismatch stops before the rest of the pattern is
 * checked. `[^…]` negates a class. Returns `'error'` for a malformed class or escape.
 */
export function envsubstPathMatch(pattern: string, name: string): boolean | 'error' {
  let rest = [...pattern];
  let subject = [...name];
  chunks: while (rest.length > 0) {
    const { star, chunk, after } = scanGlobChunk(rest);
    rest = after;
    if (star && chunk.length === 0) return true;
    const first = matchChunk(chunk, subject);
    if (first !== false && first !== 'error' && (first.length === 0 || rest.length > 0)) {
      subject = first;
      continue;
    }
    if (first === 'error') return 'error';
    if (star) {
      for (let index = 0; index < subject.length; index += 1) {
        const tail = matchChunk(chunk, subject.slice(index + 1));
        if (tail === 'error') return 'error';
        if (tail !== false) {
          if (rest.length === 0 && tail.length > 0) continue;
          subject = tail;
          continue chunks;
        }
      }
    }
    return false;
  }
  return subject.length === 0;
}

function matchChunk(chunk: readonly string[], subject: readonly string[]): string[] | false | 'error' {
  let c = 0;
  let s = 0;
  while (c < chunk.length) {
    if (s >= subject.length) return false;
    const char = chunk[c]!;
    if (char === '[') {
      const result = matchGlobClass(chunk, c + 1, subject[s]!.codePointAt(0)!);
      if (result === 'error') return 'error';
      if (!result.matches) return false;
      s += 1;
      c = result.next;
    } else if (char === '?') {
      s += 1;
      c += 1;
    } else {
      let literal = char;
      if (char === '\\') {
        c += 1;
        if (c >= chunk.length) return 'error';
        literal = chunk[c]!;
      }
      if (subject[s] !== literal) return false;
      s += 1;
      c += 1;
    }
  }
  return subject.slice(s);
}
