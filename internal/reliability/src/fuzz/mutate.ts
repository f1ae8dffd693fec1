/** A seeded pseudo-random generator (mulberry32): the same seed gives the same run. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SNIPPETS = [
  '&a ',
  '*a',
  '<<: *a',
  '{{ .Values.image }}',
  '---',
  '...',
  '\t',
  '"',
  "'",
  '[',
  '{',
  ': ',
  '- ',
  '!!python/object:os.system',
  '!include x',
  '${VAR}',
  '$(id)',
  '--help',
  '\u0000',
  '\ufeff',
  '\u202e',
  'image: -rf',
  'path: ../../..',
  'path: /etc',
  'dependsOn: [{name: self}]',
  '%YAML 1.3',
];

/** The mutations applied to a YAML text, by name. */
export const MUTATIONS: Readonly<Record<string, (text: string, random: () => number) => string>> = {
  deleteLine: (text, random) => withLines(text, (lines) => lines.splice(pick(lines.length, random), 1)),
  duplicateLine: (text, random) =>
    withLines(text, (lines) => {
      const at = pick(lines.length, random);
      lines.splice(at, 0, lines[at] ?? '');
    }),
  swapLines: (text, random) =>
    withLines(text, (lines) => {
      const a = pick(lines.length, random);
      const b = pick(lines.length, random);
      [lines[a], lines[b]] = [lines[b] ?? '', lines[a] ?? ''];
    }),
  indent: (text, random) =>
    withLines(text, (lines) => {
      const at = pick(lines.length, random);
      lines[at] = `${' '.repeat(1 + pick(4, random))}${lines[at] ?? ''}`;
    }),
  insertSnippet: (text, random) => {
    const at = pick(text.length + 1, random);
    return text.slice(0, at) + SNIPPETS[pick(SNIPPETS.length, random)]! + text.slice(at);
  },
  randomBytes: (text, random) => {
    const at = pick(text.length + 1, random);
    const noise = Array.from({ length: 1 + pick(8, random) }, () =>
      String.fromCharCode(pick(0x3000, random)),
    ).join('');
    return text.slice(0, at) + noise + text.slice(at);
  },
  truncate: (text, random) => text.slice(0, pick(text.length + 1, random)),
  replaceValue: (text, random) =>
    withLines(text, (lines) => {
      const at = pick(lines.length, random);
      const line = lines[at] ?? '';
      const colon = line.indexOf(': ');
      if (colon !== -1) lines[at] = `${line.slice(0, colon + 2)}${SNIPPETS[pick(SNIPPETS.length, random)]}`;
    }),
};

/** Applies 1 to 3 random mutations; returns the text and the names applied. */
export function mutate(text: string, random: () => number): { text: string; applied: string[] } {
  const names = Object.keys(MUTATIONS);
  const applied: string[] = [];
  let result = text;
  for (let count = 1 + pick(3, random); count > 0; count -= 1) {
    const name = names[pick(names.length, random)]!;
    applied.push(name);
    result = MUTATIONS[name]!(result, random);
  }
  return { text: result, applied };
}

function pick(size: number, random: () => number): number {
  return size <= 0 ? 0 : Math.floor(random() * size);
}

function withLines(text: string, change: (lines: string[]) => void): string {
  const lines = text.split('\n');
  change(lines);
  return lines.join('\n');
}
