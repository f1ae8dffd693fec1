import type { z } from 'zod';
import type { YamlDocument } from './parse-yaml.js';

/** A schema problem of a YAML or JSON document, placed at its line. */
export interface LocatedIssue {
  /** The path of the bad value, such as `workloads[3].images[0].ref`; '' at the top level. */
  readonly path: string;
  /** 1-based line of the bad value (or of its nearest written parent), when known. */
  readonly line?: number;
  readonly message: string;
}

/**
 * Places the first problem zod found in a parsed document at its line: the line of the bad key,
 * or of its nearest parent that is written (an unknown key is reported on its parent by zod:
 * the key itself is pointed at). Config files and the images file of `sluice scan
 * --images-from` report `file:line: path: message` this way.
 *
 * @example
 * ```ts
 * const { documents } = parseYaml(text, 'images.json');
 * const result = ImagesFile.safeParse(documents[0]?.value);
 * if (!result.success) {
 *   const { line, path, message } = locateSchemaIssue(result.error, documents[0]);
 *   throw new Error(`images.json:${line}: ${path}: ${message}`);
 * }
 * ```
 */
export function locateSchemaIssue(error: z.ZodError, document?: YamlDocument): LocatedIssue {
  const issue = error.issues[0];
  const keys = [
    ...(issue?.path ?? []),
    ...(issue?.code === 'unrecognized_keys' ? issue.keys.slice(0, 1) : []),
  ];
  const line = document ? lineOfPath(document, keys) : undefined;
  return {
    path: formatPath(keys),
    ...(line === undefined ? {} : { line }),
    message: issue?.message ?? 'invalid',
  };
}

/** Formats a key path as `a.b[0].c`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index > 0 ? '.' : ''}${String(key)}`))
    .join('');
}

/** The line of the deepest key of `path` that is written in the document. */
export function lineOfPath(document: YamlDocument, path: readonly PropertyKey[]): number | undefined {
  let container = document.value;
  let line: number | undefined;
  for (const key of path) {
    if (typeof container !== 'object' || container === null || typeof key === 'symbol') break;
    line = document.positions.positionOf(container, key)?.line ?? line;
    container = (container as Record<string | number, unknown>)[key];
  }
  return line;
}
