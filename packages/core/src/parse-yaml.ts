import yaml from 'js-yaml';
import type { Diagnostic } from './diagnostic.js';
import { LineIndex } from './source-text.js';
import { readYamlFast } from './yaml-fast-parse.js';
import { createPlainScalarResolver } from './yaml-plain-scalar.js';
import { YamlPositions } from './yaml-positions.js';

/** One YAML document of a file, with the positions of its values. */
export interface YamlDocument {
  /** Relative path of the file, forward slashes. */
  readonly file: string;
  /** 0-based index of the document inside the file. */
  readonly index: number;
  /** 1-based line where the document's content starts. */
  readonly line: number;
  /** The parsed value: usually an object, but any YAML value is possible. */
  readonly value: unknown;
  /** Where each value of the document is written. */
  readonly positions: YamlPositions;
}

/** The documents of one file and what went wrong while reading them. */
export interface ParsedYaml {
  readonly documents: YamlDocument[];
  readonly diagnostics: Diagnostic[];
}

const DOCUMENT_SEPARATOR = /^---(?=\s|$)/gm;

// Local tags (`!env_var FOO`, `!include x`, `!reference [...]`) belong to other tools; their
// values are read as plain YAML instead of failing the whole document.
const EMPTY_BY_KIND = { scalar: () => '', sequence: () => [], mapping: () => ({}) } as const;
const SCHEMA = yaml.DEFAULT_SCHEMA.extend(
  (['scalar', 'sequence', 'mapping'] as const).map(
    (kind) =>
      new yaml.Type('!', { kind, multi: true, construct: (data: unknown) => data ?? EMPTY_BY_KIND[kind]() }),
  ),
);

// Files written in the plain subset of YAML that manifests use are read by a faster reader that
// builds the same values and positions; anything else (and anything it is unsure of) by js-yaml.
const RESOLVE_PLAIN = createPlainScalarResolver(SCHEMA);

/** Options of {@link parseYaml}. */
export interface ParseYamlOptions {
  /**
   * A key repeated in one mapping: `error` (a `yaml-syntax` diagnostic, as kustomize's go-yaml v3
   * reports it) or `last` (the last value wins, as go-yaml v2 and `sigs.k8s.io/yaml` read it).
   * @default 'error'
   */
  readonly duplicateKeys?: 'error' | 'last';
}

/**
 * Parses every YAML document of a file and records the position of every value.
 *
 * A syntax error costs only the document it is in: the file is split at its `---` separators
 * and every other document is still parsed. The error becomes a `yaml-syntax` diagnostic with
 * the parser's reason, line and column.
 *
 * @example
 * ```ts
 * const { documents } = parseYaml(text, 'apps/web.yaml');
 * const doc = documents[0];
 * doc.positions.positionOf(container, 'image'); // { line: 12, column: 16 }
 * ```
 */
export function parseYaml(text: string, file: string, options: ParseYamlOptions = {}): ParsedYaml {
  return parseYamlWith(text, file, options, true);
}

/**
 * @internal {@link parseYaml} with js-yaml reading every file, never the fast reader: the
 * reference the fast reader is tested against.
 */
export function parseYamlWithJsYaml(text: string, file: string, options: ParseYamlOptions = {}): ParsedYaml {
  return parseYamlWith(text, file, options, false);
}

function parseYamlWith(text: string, file: string, options: ParseYamlOptions, fast: boolean): ParsedYaml {
  const positions = new YamlPositions(text);
  const lastKeyWins = options.duplicateKeys === 'last';
  const read = fast && RESOLVE_PLAIN ? readYamlFast(text, positions, RESOLVE_PLAIN) : undefined;
  let parsed: ParsedYaml;
  if (read) {
    const documents = read.map(({ value, offset }, index): YamlDocument => ({
      file,
      index,
      // As js-yaml's path does: an empty document has the line of the text's start.
      line: positions.positionAt(value === null ? 0 : offset).line,
      value,
      positions,
    }));
    parsed = { documents, diagnostics: [] };
  } else {
    try {
      parsed = { documents: loadDocuments(text, file, positions, 0, 0, lastKeyWins), diagnostics: [] };
    } catch {
      parsed = parseDocumentByDocument(text, file, positions, lastKeyWins);
    }
  }
  const separator = lineSeparatorDiagnostic(text, file);
  if (separator) parsed.diagnostics.push(separator);
  return parsed;
}

// go-yaml (v2 and v3, which Flux and kustomize parse with) reads NEL, LS and PS as line breaks,
// like CR and LF (its `is_break`); js-yaml follows YAML 1.2, where they are ordinary characters.
// A comment or a scalar holding one therefore reads differently: Flux may see a key or an item
// that Sluice reads as text.
const GO_YAML_ONLY_BREAKS = /[\u0085\u2028\u2029]/;

/**
 * A `yaml-line-separator` error at the first NEL (U+0085), LINE SEPARATOR (U+2028) or PARAGRAPH
 * SEPARATOR (U+2029) of a text, which Flux's YAML parser reads as a line break and Sluice's
 * does not; undefined when there is none.
 */
export function lineSeparatorDiagnostic(text: string, file: string): Diagnostic | undefined {
  // Every text read passes here: searching for each character is ~50 times faster than the
  // character class over a whole file, and almost no file holds one.
  if (!text.includes('\u0085') && !text.includes('\u2028') && !text.includes('\u2029')) return undefined;
  const match = GO_YAML_ONLY_BREAKS.exec(text);
  if (!match) return undefined;
  const { line, column } = new LineIndex(text).positionAt(match.index);
  const name =
    { '\u0085': 'U+0085 (NEXT LINE)', '\u2028': 'U+2028 (LINE SEPARATOR)' }[match[0]] ??
    'U+2029 (PARAGRAPH SEPARATOR)';
  return {
    file,
    line,
    column,
    severity: 'error',
    code: 'yaml-line-separator',
    message: `${file} holds ${name} at line ${line}: Flux's YAML parser reads it as a line break, Sluice's does not, so what Flux deploys from this file is unknown`,
  };
}

function parseDocumentByDocument(
  text: string,
  file: string,
  positions: YamlPositions,
  lastKeyWins: boolean,
): ParsedYaml {
  const documents: YamlDocument[] = [];
  const diagnostics: Diagnostic[] = [];
  const lines = new LineIndex(text);
  const starts = [0, ...[...text.matchAll(DOCUMENT_SEPARATOR)].map((match) => match.index)];
  let index = 0;
  for (const [position, start] of starts.entries()) {
    const end = starts[position + 1] ?? text.length;
    if (start === end) continue;
    const chunk = text.slice(start, end);
    if (position === 0 && start === 0 && end !== text.length && isBlank(chunk)) continue;
    try {
      const loaded = loadDocuments(chunk, file, positions, start, index, lastKeyWins);
      for (const document of loaded) documents.push(document);
      index += Math.max(loaded.length, 1);
    } catch (error) {
      diagnostics.push(syntaxDiagnostic(error, file, lines, start));
      index += 1;
    }
  }
  return { documents, diagnostics };
}

function loadDocuments(
  text: string,
  file: string,
  positions: YamlPositions,
  baseOffset: number,
  firstIndex: number,
  lastKeyWins: boolean,
): YamlDocument[] {
  // The listener runs twice for every node, so its bookkeeping lives in flat arrays used as
  // stacks with explicit heights: no object per node, no array resizing. A node's finished
  // children sit on the child stack from the height saved when it opened; when it closes they
  // are recorded and dropped.
  const openOffsets: number[] = [];
  const frameStarts: number[] = [];
  let depth = 0;
  const childValues: unknown[] = [];
  const childOffsets: number[] = [];
  let height = 0;
  const roots: unknown[] = [];
  const rootOffsets: number[] = [];
  const values = yaml.loadAll(text, undefined, {
    schema: SCHEMA,
    // js-yaml's JSON compatibility: a repeated key overrides the earlier one instead of failing.
    json: lastKeyWins,
    listener(event, state) {
      if (event === 'open') {
        openOffsets[depth] = state.position + baseOffset;
        frameStarts[depth] = height;
        depth += 1;
        return;
      }
      if (depth === 0) return;
      depth -= 1;
      const offset = openOffsets[depth]!;
      const start = frameStarts[depth]!;
      const value: unknown = state.result;
      if (height > start) {
        // A flow collection in block context closes twice: the outer node's only child is
        // the collection itself, whose positions are already recorded.
        const wrapper = height - start === 1 && childValues[start] === value;
        if (!wrapper && typeof value === 'object' && value !== null) {
          const kind = state.kind;
          if (kind === 'mapping' || kind === 'sequence') {
            positions.appendContainer(value, childValues, childOffsets, start, height, kind === 'mapping');
          }
        }
        height = start;
      }
      if (depth > 0) {
        childValues[height] = value;
        childOffsets[height] = offset;
        height += 1;
      } else {
        roots.push(value);
        rootOffsets.push(offset);
      }
    },
  });
  // js-yaml closes exactly one root node per document, in document order, so the root of
  // document `position` is `roots[position]`. Should that ever not hold, a map of each value's
  // first root (built once) still keeps the lookup linear.
  let firstRoot: Map<unknown, number> | undefined;
  const rootOf = (value: unknown, position: number): number => {
    if (Object.is(roots[position], value)) return position;
    if (firstRoot === undefined) {
      firstRoot = new Map();
      for (const [root, rootValue] of roots.entries())
        if (!firstRoot.has(rootValue)) firstRoot.set(rootValue, root);
    }
    return firstRoot.get(value) ?? -1;
  };
  return values.map((value, position) => {
    const root = value === null ? -1 : rootOf(value, position);
    const offset = root === -1 ? baseOffset : (rootOffsets[root] ?? baseOffset);
    return {
      file,
      index: firstIndex + position,
      line: positions.positionAt(offset).line,
      value,
      positions,
    };
  });
}

function syntaxDiagnostic(error: unknown, file: string, lines: LineIndex, baseOffset: number): Diagnostic {
  if (error instanceof yaml.YAMLException) {
    const offset = baseOffset + (error.mark?.position ?? 0);
    const { line, column } = lines.positionAt(offset);
    return {
      file,
      line,
      column,
      severity: 'error',
      code: 'yaml-syntax',
      message: error.reason || error.message,
    };
  }
  const { line } = lines.positionAt(baseOffset);
  return { file, line, severity: 'error', code: 'yaml-syntax', message: String(error) };
}

function isBlank(chunk: string): boolean {
  return chunk.split('\n').every((line) => line.trim() === '' || line.trimStart().startsWith('#'));
}
