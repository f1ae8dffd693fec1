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
  const dependsOn = spec.dependsOn;
  if (dependsOn !== undefined && !Array.isArray(dependsOn)) {
    return { status: 'refused', reason: `${file}: spec.dependsOn is not a list` };
  }
  const present = (dependsOn ?? []).some(
    (item: unknown) =>
      isRecord(item) &&
      item.name === entry.name &&
      (typeof item.namespace === 'string' ? item.namespace : target.namespace) === entry.namespace,
  );
  if (present) return { status: 'present' };
  return appendToSpecList(text, file, document, 'dependsOn', {
    block: [`name: ${entry.name}`, ...(ownNamespace ? [] : [`namespace: ${entry.namespace}`])],
    flow: `{name: ${entry.name}${ownNamespace ? '' : `, namespace: ${entry.namespace}`}}`,
  });
}

/** A Flux `spec.patches` entry: a JSON 6902 patch and its target. */
export interface AddedPatch {
  readonly target: { readonly group: string; readonly kind: string; readonly name: string };
  /** The patch text (a YAML list of operations), one line per operation field. */
  readonly patch: string;
}

/**
 * Adds `patches` to `spec.patches` of one Flux Kustomization written in a YAML file, in place,
 * as {@link addDependsOn} adds a `dependsOn` entry: block items appended (or `patches:` added
 * first in `spec`), every other byte kept. A patch already there (same target and text) is not
 * added again; a flow `patches` list is refused.
 */
export function addPatches(
  text: string,
  file: string,
  target: DependsOnTarget,
  patches: readonly AddedPatch[],
): AddDependsOnResult {
  const document = findDocument(parseYaml(text, file).documents, target);
  if (!document) {
    return { status: 'refused', reason: `no Flux Kustomization ${target.name} found in ${file}` };
  }
  const spec = (document.value as Record<string, unknown>).spec;
  const existing = isRecord(spec) && Array.isArray(spec.patches) ? spec.patches : [];
  const missing = patches.filter(
    (patch) =>
      !existing.some(
        (item: unknown) =>
          isRecord(item) &&
          isRecord(item.target) &&
          item.target.name === patch.target.name &&
          item.target.kind === patch.target.kind &&
          item.patch === patch.patch,
      ),
  );
  if (missing.length === 0) return { status: 'present' };
  let current = text;
  for (const patch of missing) {
    const result = appendToSpecList(
      current,
      file,
      findDocument(parseYaml(current, file).documents, target),
      'patches',
      {
        block: [
          'target:',
          `  group: ${patch.target.group}`,
          `  kind: ${patch.target.kind}`,
          `  name: ${JSON.stringify(patch.target.name)}`,
          'patch: |',
          ...patch.patch
            .trimEnd()
            .split('\n')
            .map((line) => `  ${line}`),
        ],
      },
    );
    if (result.status !== 'added') return result;
    current = result.text;
  }
  return { status: 'added', text: current };
}

/** One item to append to a list under `spec`: its block lines (after `- `) and its flow form. */
interface SpecListItem {
  readonly block: readonly string[];
  /** @default undefined (a flow list is refused) */
  readonly flow?: string;
}

function appendToSpecList(
  text: string,
  file: string,
  document: YamlDocument | undefined,
  key: string,
  item: SpecListItem,
): AddDependsOnResult {
  if (!document) return { status: 'refused', reason: `${file}: the Kustomization is no longer found` };
  const root = document.value as Record<string, unknown>;
  const spec = root.spec;
  if (!isRecord(spec)) return { status: 'refused', reason: `${file}: spec is not a map` };
  const specOffset = document.positions.contentOffsetOf(root, 'spec');
  if (specOffset === undefined || text[specOffset] === '{') {
    return { status: 'refused', reason: `${file}: spec is written as a flow map` };
  }
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const list = spec[key];
  if (list === undefined) {
    const indent = ' '.repeat(columnOf(text, specOffset));
    const lines = [`${indent}${key}:`, ...blockItem(`${indent}  `, item.block)];
    const at = lineStart(text, specOffset);
    return { status: 'added', text: `${text.slice(0, at)}${lines.join(eol)}${eol}${text.slice(at)}` };
  }
  if (!Array.isArray(list)) return { status: 'refused', reason: `${file}: spec.${key} is not a list` };
  const listOffset = document.positions.contentOffsetOf(spec, key);
  if (listOffset === undefined) return { status: 'refused', reason: `${file}: spec.${key} has no position` };
  if (text[listOffset] === '[') {
    const close = closingBracket(text, listOffset);
    if (close === undefined || item.flow === undefined) {
      return { status: 'refused', reason: `${file}: spec.${key} is a flow list` };
    }
    const empty = text.slice(listOffset + 1, close).trim() === '';
    return {
      status: 'added',
      text: `${text.slice(0, close)}${empty ? '' : ', '}${item.flow}${text.slice(close)}`,
    };
  }
  if (text[listOffset] !== '-') {
    return { status: 'refused', reason: `${file}: spec.${key} is not a block or flow list` };
  }
  const dash = columnOf(text, listOffset);
  const lastOffset = document.positions.contentOffsetOf(list, list.length - 1) ?? listOffset;
  const at = endOfItem(text, lastOffset, dash);
  const inserted = blockItem(' '.repeat(dash), item.block).join(eol);
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

function blockItem(indent: string, lines: readonly string[]): string[] {
  return lines.map((line, index) => `${indent}${index === 0 ? '- ' : '  '}${line}`);
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
