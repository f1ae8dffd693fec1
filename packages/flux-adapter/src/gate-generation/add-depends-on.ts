import { parseYaml, type YamlDocument } from '@sluice/core';

/** The Flux Kustomization to edit, as the repository model knows it. */
export interface DependsOnTarget {
  readonly name: string;
  /** Its namespace after the build (a `dependsOn` entry without namespace means this one). */
  readonly namespace: string;
  /** The line its document starts on in the file. */
  readonly line: number;
}

/** A `dependsOn` entry to add. */
export interface AddedDependency {
  readonly name: string;
  readonly namespace: string;
}

/** What {@link addDependsOn} did: the new text, nothing (already there), or why it cannot. */
export type AddDependsOnResult =
  | { readonly status: 'added'; readonly text: string }
  | { readonly status: 'present' }
  | { readonly status: 'refused'; readonly reason: string };

/**
 * Adds `entry` to `spec.dependsOn` of one Flux Kustomization written in a YAML file, in place:
 * a line inserted in its block list (or an item in its flow list, or a new `dependsOn` key
 * first in `spec`), every other byte of the file kept (comments, quoting, order, other
 * documents). The namespace is written only when it differs from the Kustomization's own,
 * which Flux assumes. Nothing changes when the entry is already there (running twice is one
 * run). A layout it cannot edit exactly (a flow `spec`, a `dependsOn` that is not a list, a
 * document it cannot find) is refused with the reason, never rewritten.
 *
 * @example
 * ```ts
 * addDependsOn(text, 'clusters/prod/apps.yaml', { name: 'apps', namespace: 'flux-system', line: 1 },
 *   { name: 'sluice-gate', namespace: 'flux-system' });
 * // { status: 'added', text: '…\n  dependsOn:\n    - name: infra\n    - name: sluice-gate\n…' }
 * ```
 */
export function addDependsOn(
  text: string,
  file: string,
  target: DependsOnTarget,
  entry: AddedDependency,
): AddDependsOnResult {
  const parsed = parseYaml(text, file);
  const document = findDocument(parsed.documents, target);
  if (!document) {
    return { status: 'refused', reason: `no Flux Kustomization ${target.name} found in ${file}` };
  }
  const root = document.value as Record<string, unknown>;
  const spec = root.spec;
  if (!isRecord(spec)) return { status: 'refused', reason: `${file}: spec is not a map` };
  const specOffset = document.positions.contentOffsetOf(root, 'spec');
  if (specOffset === undefined || text[specOffset] === '{') {
    return { status: 'refused', reason: `${file}: spec is written as a flow map` };
  }
  const ownNamespace = entry.namespace === target.namespace;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const dependsOn = spec.dependsOn;
  if (dependsOn === undefined) {
    const indent = ' '.repeat(columnOf(text, specOffset));
    const lines = [`${indent}dependsOn:`, ...blockItem(`${indent}  `, entry, ownNamespace)];
    const at = lineStart(text, specOffset);
    return { status: 'added', text: `${text.slice(0, at)}${lines.join(eol)}${eol}${text.slice(at)}` };
  }
  if (!Array.isArray(dependsOn)) {
    return { status: 'refused', reason: `${file}: spec.dependsOn is not a list` };
  }
  const present = dependsOn.some(
    (item) =>
      isRecord(item) &&
      item.name === entry.name &&
      (typeof item.namespace === 'string' ? item.namespace : target.namespace) === entry.namespace,
  );
  if (present) return { status: 'present' };
  const listOffset = document.positions.contentOffsetOf(spec, 'dependsOn');
  if (listOffset === undefined) {
    return { status: 'refused', reason: `${file}: spec.dependsOn has no position` };
  }
  if (text[listOffset] === '[') {
    const close = closingBracket(text, listOffset);
    if (close === undefined) {
      return { status: 'refused', reason: `${file}: spec.dependsOn is not closed` };
    }
    const empty = text.slice(listOffset + 1, close).trim() === '';
    const item = `{name: ${entry.name}${ownNamespace ? '' : `, namespace: ${entry.namespace}`}}`;
    return {
      status: 'added',
      text: `${text.slice(0, close)}${empty ? '' : ', '}${item}${text.slice(close)}`,
    };
  }
  if (text[listOffset] !== '-') {
    return {
      status: 'refused',
      reason: `${file}: spec.dependsOn is not a block or flow list`,
    };
  }
  const dash = columnOf(text, listOffset);
  const lastOffset = document.positions.contentOffsetOf(dependsOn, dependsOn.length - 1) ?? listOffset;
  const at = endOfItem(text, lastOffset, dash);
  const inserted = blockItem(' '.repeat(dash), entry, ownNamespace).join(eol);
  const before = text.slice(0, at);
  return {
    status: 'added',
    text: `${before}${before.endsWith('\n') ? '' : eol}${inserted}${eol}${text.slice(at)}`,
  };
}

function findDocument(documents: readonly YamlDocument[], target: DependsOnTarget): YamlDocument | undefined {
  const candidates = documents.filter((document) => {
    const value = document.value;
    if (!isRecord(value) || value.kind !== 'Kustomization') return false;
    if (typeof value.apiVersion !== 'string' || !value.apiVersion.startsWith('kustomize.toolkit.fluxcd.io/'))
      return false;
    return isRecord(value.metadata) && value.metadata.name === target.name;
  });
  return (
    candidates.find((document) => document.line === target.line) ??
    (candidates.length === 1 ? candidates[0] : undefined)
  );
}

function blockItem(indent: string, entry: AddedDependency, ownNamespace: boolean): string[] {
  return ownNamespace
    ? [`${indent}- name: ${entry.name}`]
    : [`${indent}- name: ${entry.name}`, `${indent}  namespace: ${entry.namespace}`];
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function columnOf(text: string, offset: number): number {
  return offset - lineStart(text, offset);
}

/**
 * The offset just after the last line of a block list item starting at `offset`: following
 * lines belong to it while they are indented deeper than its dash (blank and comment lines in
 * between are kept where they are).
 */
function endOfItem(text: string, offset: number, dash: number): number {
  let end = text.indexOf('\n', offset);
  if (end === -1) return text.length;
  let cursor = end + 1;
  while (cursor < text.length) {
    const next = text.indexOf('\n', cursor);
    const line = text.slice(cursor, next === -1 ? text.length : next);
    const content = line.trimStart();
    if (content.trim() !== '' && !content.startsWith('#')) {
      if (line.length - content.length <= dash) break;
      end = next === -1 ? text.length : next;
    }
    if (next === -1) break;
    cursor = next + 1;
  }
  return end === text.length ? end : end + 1;
}

/** The offset of the `]` closing the flow list opened at `open` (quotes skipped). */
function closingBracket(text: string, open: number): number | undefined {
  let depth = 0;
  for (let index = open; index < text.length; index += 1) {
    const char = text[index];
    if (char === '"' || char === "'") {
      const close = text.indexOf(char, index + 1);
      if (close === -1) return undefined;
      index = close;
    } else if (char === '[' || char === '{') {
      depth += 1;
    } else if (char === ']' || char === '}') {
      depth -= 1;
      if (depth === 0) return char === ']' ? index : undefined;
    } else if (char === '#' && /\s/.test(text[index - 1] ?? ' ')) {
      const newline = text.indexOf('\n', index);
      if (newline === -1) return undefined;
      index = newline;
    }
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
