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
    let start = 0;
    while (rest[start] === '*') start += 1;
    const star = start > 0;
    let end = start;
    let inClass = false;
    for (; end < rest.length; end += 1) {
      const char = rest[end];
      if (char === '\\') {
        if (end + 1 < rest.length) end += 1;
      } else if (char === '[') inClass = true;
      else if (char === ']') inClass = false;
      else if (char === '*' && !inClass) break;
    }
    const chunk = rest.slice(start, end);
    rest = rest.slice(end);
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
      const current = subject[s]!.codePointAt(0)!;
      s += 1;
      c += 1;
      let negated = false;
      if (chunk[c] === '^') {
        negated = true;
        c += 1;
      }
      let matched = false;
      let ranges = 0;
      for (;;) {
        if (chunk[c] === ']' && ranges > 0) {
          c += 1;
          break;
        }
        const low = classChar(chunk, c);
        if (low === 'error') return 'error';
        c = low.next;
        let high = low.char;
        if (chunk[c] === '-') {
          const upper = classChar(chunk, c + 1);
          if (upper === 'error') return 'error';
          c = upper.next;
          high = upper.char;
        }
        if (low.char <= current && current <= high) matched = true;
        ranges += 1;
      }
      if (matched === negated) return false;
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

function classChar(chunk: readonly string[], index: number): { char: number; next: number } | 'error' {
  let char = chunk[index];
  let next = index + 1;
  if (char === undefined || char === '-' || char === ']') return 'error';
  if (char === '\\') {
    char = chunk[next];
    next += 1;
    if (char === undefined) return 'error';
  }
  if (next >= chunk.length) return 'error';
  return { char: char.codePointAt(0)!, next };
}
