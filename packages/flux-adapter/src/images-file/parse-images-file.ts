import { LineIndex, SluiceError, locateSchemaIssue, parseYaml } from '@sluice/core';
import { IMAGES_FILE_VERSION, ImagesFile } from './images-file-schema.js';

/** Error code of an images file that cannot be read as one. */
export const INVALID_IMAGES_FILE = 'SLUICE_INVALID_IMAGES_FILE';

/**
 * Reads an images file (see {@link ImagesFile}) and validates it: JSON syntax, the version, and
 * every field. The whole file is refused on the first problem, with `file:line` and what was
 * expected: a scan of half a model could pass what the full one blocks.
 *
 * @throws {SluiceError} `SLUICE_INVALID_IMAGES_FILE`, the message starting with `file:line:`.
 * @example
 * ```ts
 * const file = parseImagesFile(await readFile('images.json', 'utf8'), 'images.json');
 * buildGateReport({ images: file.images, workloads: file.workloads, diagnostics: file.diagnostics, … });
 * ```
 */
export function parseImagesFile(text: string, file: string): ImagesFile {
  const invalid = (line: number | undefined, message: string): never => {
    throw new SluiceError(
      INVALID_IMAGES_FILE,
      `${line === undefined ? file : `${file}:${line}`}: ${message}`,
    );
  };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const offset = /at position (\d+)/.exec(message)?.[1];
    const line = offset === undefined ? undefined : new LineIndex(text).positionAt(Number(offset)).line;
    return invalid(line, `not valid JSON (${message}); expected a Sluice images file`);
  }
  const version = (value as { version?: unknown } | null)?.version;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return invalid(
      1,
      'expected a JSON object (a Sluice images file, as `sluice images --format json` writes)',
    );
  }
  if (version !== IMAGES_FILE_VERSION) {
    const document = parseYaml(text, file).documents[0];
    const line = document?.positions.positionOf(document.value as object, 'version')?.line ?? 1;
    return invalid(
      line,
      `version: expected ${IMAGES_FILE_VERSION}, found ${JSON.stringify(version) ?? 'none'} (this Sluice reads images files of version ${IMAGES_FILE_VERSION}; write it with the same Sluice release)`,
    );
  }
  const result = ImagesFile.safeParse(value);
  if (result.success) return result.data;
  // Positions are only needed to explain a problem: parse again, as YAML (JSON is YAML), to find the line.
  const { line, path, message } = locateSchemaIssue(result.error, parseYaml(text, file).documents[0]);
  return invalid(line, `${path || '(top level)'}: ${message}`);
}
