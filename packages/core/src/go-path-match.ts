/**
 * Go's `path/filepath.Match` on a Unix system, which Flux's ignore patterns (fluxcd/pkg
 * `sourceignore/gitignore`) use to match one path element: `*` any run of non-`/` characters,
 * `?` one non-`/` character, `[…]` a class (`[^…]` negated: Go knows no `[!…]`), `\` escapes
 * the next character. Returns `'error'` for a malformed pattern (an unclosed class, a trailing
 * backslash), which Go reports as `ErrBadPattern` and the caller treats as no match.
 */
export function goPathMatch(pattern: string, name: string): boolean | 'error' {
  const quick = quickMatch(pattern, name);
  if (quick !== undefined) return quick;
  const p = [...pattern];
  const n = [...name];
  let rest = p;
  let subject = n;
  chunks: while (rest.length > 0) {
    const { star, chunk, after } = scanGlobChunk(rest);
    rest = after;
    if (star && chunk.length === 0) return !subject.includes('/');
    const first = matchChunk(chunk, subject);
    if (first !== 'error' && first !== false && (first.length === 0 || rest.length > 0)) {
      subject = first;
      continue;
    }
    if (first === 'error') return 'error';
    if (star) {
      for (let index = 0; index < subject.length && subject[index] !== '/'; index += 1) {
        const tail = matchChunk(chunk, subject.slice(index + 1));
        if (tail === 'error') return 'error';
        if (tail !== false) {
          // The last chunk must consume the whole name: try a later start.
          if (rest.length === 0 && tail.length > 0) continue;
          subject = tail;
          continue chunks;
        }
      }
    }
    // No match; Go still reports a malformed rest of the pattern.
    while (rest.length > 0) {
      const next = scanGlobChunk(rest);
      rest = next.after;
      if (matchChunk(next.chunk, []) === 'error') return 'error';
    }
    return false;
  }
  return subject.length === 0;
}

/**
 * @internal Splits off the leading stars and the chunk up to the next star outside a class, as
 * Go's `scanChunk` does (shared with envsubst's variant of `path.Match` in flux-adapter).
 */
export function scanGlobChunk(pattern: readonly string[]): {
  star: boolean;
  chunk: string[];
  after: string[];
} {
  let start = 0;
  while (pattern[start] === '*') start += 1;
  const star = start > 0;
  let inClass = false;
  let index = start;
  for (; index < pattern.length; index += 1) {
    const char = pattern[index];
    if (char === '\\') {
      if (index + 1 < pattern.length) index += 1;
    } else if (char === '[') inClass = true;
    else if (char === ']') inClass = false;
    else if (char === '*' && !inClass) break;
  }
  return { star, chunk: pattern.slice(start, index), after: pattern.slice(index) };
}

/** Matches a star-free chunk at the start of `subject`: the rest, false, or 'error'. */
function matchChunk(chunk: string[], subject: string[]): string[] | false | 'error' {
  let failed = false;
  let s = 0;
  let c = 0;
  while (c < chunk.length) {
    if (!failed && s >= subject.length) failed = true;
    const char = chunk[c]!;
    if (char === '[') {
      const current = failed ? 0 : subject[s]!.codePointAt(0)!;
      if (!failed) s += 1;
      const result = matchGlobClass(chunk, c + 1, current);
      if (result === 'error') return 'error';
      c = result.next;
      if (!result.matches) failed = true;
    } else if (char === '?') {
      if (!failed) {
        if (subject[s] === '/') failed = true;
        s += 1;
      }
      c += 1;
    } else {
      let literal = char;
      if (char === '\\') {
        c += 1;
        if (c >= chunk.length) return 'error';
        literal = chunk[c]!;
      }
      if (!failed) {
        if (subject[s] !== literal) failed = true;
        s += 1;
      }
      c += 1;
    }
  }
  return failed ? false : subject.slice(s);
}

/**
 * @internal Matches the code point `current` against the class whose members start at
 * `chunk[start]` (just after its `[`) as Go's `path.Match` reads one: `^` negates, `a-z` is a
 * range, `\` escapes, `]` closes it unless it is the first member. Returns whether it matched
 * and the index after the `]`, or `'error'` for a malformed class.
 */
export function matchGlobClass(
  chunk: readonly string[],
  start: number,
  current: number,
): { matches: boolean; next: number } | 'error' {
  let c = start;
  let negated = false;
  if (chunk[c] === '^') {
    negated = true;
    c += 1;
  }
  let matched = false;
  let ranges = 0;
  for (;;) {
    if (chunk[c] === ']' && ranges > 0) return { matches: matched !== negated, next: c + 1 };
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
}

/** One character of a class (escapes allowed), or 'error' at its end or on a bare `-`/`]`. */
function classChar(chunk: readonly string[], index: number): { char: number; next: number } | 'error' {
  let char = chunk[index];
  let next = index + 1;
  if (char === undefined || char === '-' || char === ']') return 'error';
  if (char === '\\') {
    char = chunk[next];
    next += 1;
    if (char === undefined) return 'error';
  }
  // A class must be closed: something has to follow its last character.
  if (next >= chunk.length) return 'error';
  return { char: char.codePointAt(0)!, next };
}

// Patterns without `?`, a class, an escape or a `/` (most ignore patterns: `.git`, `*.png`)
// are a literal, maybe after one leading `*`: matched without splitting into code points, as
// every file name of a repository meets every such pattern.
const NOT_QUICK = /[?[\\/]/;

/** The answer for a literal or `*literal` pattern; undefined for any other pattern. */
function quickMatch(pattern: string, name: string): boolean | undefined {
  return quickMatcher(pattern)?.(name);
}

/** A matcher for a literal or `*literal` pattern; undefined for any other pattern. */
function quickMatcher(pattern: string): ((name: string) => boolean) | undefined {
  if (NOT_QUICK.test(pattern)) return undefined;
  const star = pattern.lastIndexOf('*');
  if (star === -1) return (name) => name === pattern;
  if (star !== 0) return undefined;
  // `*` stands for any run of characters but `/`; the literal after it holds no `/`.
  const suffix = pattern.slice(1);
  return (name) => name.endsWith(suffix) && !name.includes('/');
}

/**
 * {@link goPathMatch} with the pattern fixed, for a pattern matched against many names: a
 * literal or `*literal` pattern compares strings; any other remembers its answer per name (the
 * same folder names come back for every file below them).
 */
export function goPathMatcher(pattern: string): (name: string) => boolean | 'error' {
  const quick = quickMatcher(pattern);
  if (quick) return quick;
  const answers = new Map<string, boolean | 'error'>();
  return (name) => {
    let answer = answers.get(name);
    if (answer === undefined) {
      answer = goPathMatch(pattern, name);
      answers.set(name, answer);
    }
    return answer;
  };
}
