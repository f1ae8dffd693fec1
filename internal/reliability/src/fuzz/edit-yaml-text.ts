// Small edits of YAML text that keep the rest of a corpus file byte for byte (its comments,
// layout and every other object's lines), so that a mutation changes one thing only. Each edit
// returns undefined when the text is not laid out the way it can edit (flow-style mappings,
// for example): the fuzzer then picks another construct.

/**
 * Adds `entry` to the top-level list `key` of a kustomization file: after `key:` in block style
 * (with the indentation of the list's first item), at the start of a flow list, or as a new key
 * at the end.
 */
export function addTopLevelListEntry(text: string, key: string, entry: string): string | undefined {
  const lines = text.split('\n');
  const at = lines.findIndex((line) => line.startsWith(`${key}:`));
  if (at === -1) return `${text}${text.endsWith('\n') || text === '' ? '' : '\n'}${key}:\n  - ${entry}\n`;
  const rest = lines[at]!.slice(key.length + 1)
    .replace(/#.*$/, '')
    .trim();
  if (rest.startsWith('[')) {
    const inside = rest.slice(1).trim();
    lines[at] = `${key}: [${entry}${inside.startsWith(']') ? '' : ', '}${inside}`;
    return lines.join('\n');
  }
  if (rest !== '' && rest !== '[]') return undefined;
  if (rest === '[]') {
    lines[at] = `${key}:\n  - ${entry}`;
    return lines.join('\n');
  }
  const next = lines.slice(at + 1).find((line) => line.trim() !== '' && !line.trim().startsWith('#'));
  const indent = next !== undefined && /^\s*- /.test(next) ? /^\s*/.exec(next)![0] : '  ';
  lines.splice(at + 1, 0, `${indent}- ${entry}`);
  return lines.join('\n');
}

/**
 * Adds `block` (lines relative to the spec's children, such as `postBuild:\n  substitute: …`)
 * under `spec:` of the YAML document holding line `line` (1-based), indented like the spec's
 * first child. Undefined when that spec is not a block mapping or already has `block`'s first key.
 */
export function addToSpec(text: string, line: number, block: string): string | undefined {
  const lines = text.split('\n');
  let start = line - 1;
  while (start > 0 && !/^---(\s|$)/.test(lines[start]!)) start -= 1;
  let end = line;
  while (end < lines.length && !/^---(\s|$)/.test(lines[end]!)) end += 1;
  const spec = lines.findIndex(
    (text, index) => index >= start && index < end && /^spec:\s*(#.*)?$/.test(text),
  );
  if (spec === -1) return undefined;
  const child = lines.slice(spec + 1, end).find((text) => text.trim() !== '' && !text.trim().startsWith('#'));
  const indent = child === undefined ? '' : /^\s*/.exec(child)![0];
  if (indent === '') return undefined;
  const firstKey = block.split('\n')[0]!.split(':')[0]!;
  if (lines.slice(spec + 1, end).some((text) => text.startsWith(`${indent}${firstKey}:`))) return undefined;
  const added = block.split('\n').map((text) => `${indent}${text.replaceAll('\t', indent)}`);
  lines.splice(spec + 1, 0, ...added);
  return lines.join('\n');
}
