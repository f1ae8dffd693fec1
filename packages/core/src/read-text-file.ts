import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Diagnostic } from './diagnostic.js';
import type { DiagnosticCode } from './diagnostic-codes.js';
import { isSluiceError } from './errors.js';
import { PATH_OUTSIDE_ROOT, resolveInsideRoot } from './safe-path.js';

/** The largest file read by default: 10 MiB. */
export const DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024;

// Git and most editors call a file binary when its first 8000 bytes hold a NUL byte.
const BINARY_SNIFF_LENGTH = 8000;

/** Options of {@link readTextFile}; every field is optional. */
export interface ReadTextOptions {
  /** Files larger than this many bytes are not read (diagnostic `file-too-large`). Default: {@link DEFAULT_MAX_FILE_SIZE}. */
  readonly maxFileSize?: number;
}

/** A file's text, or the diagnostic that says why it was not read. */
export type ReadTextResult =
  | { readonly ok: true; readonly text: string; readonly size: number }
  | { readonly ok: false; readonly diagnostic: Diagnostic };

/**
 * Reads a UTF-8 text file below a root by its relative path, refusing paths that leave the
 * root (also through symlinks). Oversized, binary, non-UTF-8 and unreadable files become a
 * diagnostic (`file-too-large`, `binary-file`, `invalid-encoding`, `unreadable`,
 * `path-outside-root`), never an exception. A UTF-8 byte order mark is dropped.
 *
 * @example
 * ```ts
 * const result = await readTextFile('/repo', 'apps/base/kustomization.yaml');
 * if (result.ok) parseManifests(result.text, 'apps/base/kustomization.yaml');
 * ```
 */
export async function readTextFile(
  root: string,
  relativePath: string,
  options: ReadTextOptions = {},
): Promise<ReadTextResult> {
  let realPath: string;
  try {
    realPath = await resolveInsideRoot(root, relativePath);
  } catch (error) {
    const code = isSluiceError(error, PATH_OUTSIDE_ROOT) ? 'path-outside-root' : 'unreadable';
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, diagnostic: { file: relativePath, severity: 'error', code, message } };
  }
  return readTextAt(realPath, relativePath, options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE);
}

/** @internal Reads a file whose real path was already checked; `file` names it in diagnostics. */
export async function readTextAt(
  realPath: string,
  file: string,
  maxFileSize: number,
): Promise<ReadTextResult> {
  let bytes: Buffer;
  try {
    const handle = await open(realPath, 'r');
    try {
      // The size is taken from the open handle, so a file swapped after listing is still capped.
      const { size } = await handle.stat();
      if (size > maxFileSize) return tooLarge(file, maxFileSize, size);
      bytes = await handle.readFile();
      if (bytes.length > maxFileSize) return tooLarge(file, maxFileSize);
    } finally {
      await handle.close();
    }
  } catch (error) {
    return unreadable(file, error);
  }
  return decode(bytes, file);
}

/**
 * Reads a text file whose path the caller already checked to stay inside its root (as
 * {@link readTextFile} does), synchronously, with the same limits and diagnostics
 * (`file-too-large`, `binary-file`, `invalid-encoding`, `unreadable`); `file` names it in them.
 * For a caller that reads a repository's many small files one after another: there, a
 * thread-pool round trip per open, stat, read and close costs more than the read itself.
 */
export function readTextAtSync(path: string, file: string, maxFileSize: number): ReadTextResult {
  let bytes: Buffer;
  try {
    const descriptor = openSync(path, 'r');
    try {
      // The size is taken from the open descriptor, so a file swapped after listing is still capped.
      const { size } = fstatSync(descriptor);
      if (size > maxFileSize) return tooLarge(file, maxFileSize, size);
      bytes = readFileSync(descriptor);
      if (bytes.length > maxFileSize) return tooLarge(file, maxFileSize);
    } finally {
      closeSync(descriptor);
    }
  } catch (error) {
    return unreadable(file, error);
  }
  return decode(bytes, file);
}

// One decoder for every file: without `stream`, each decode() starts afresh, and making a
// decoder per file of a large repository showed in profiles. A byte order mark is dropped.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Decodes bytes as UTF-8 text, or says why they are not text. */
export function decode(bytes: Uint8Array, file: string): ReadTextResult {
  if (
    bytes.length >= 2 &&
    ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
  ) {
    return failure(file, 'invalid-encoding', `${file} is UTF-16 encoded; only UTF-8 is read`);
  }
  if (bytes.subarray(0, BINARY_SNIFF_LENGTH).includes(0)) {
    return failure(file, 'binary-file', `${file} is a binary file (it contains NUL bytes); not read`);
  }
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return failure(file, 'invalid-encoding', `${file} is not valid UTF-8; not read`);
  }
  return { ok: true, text, size: bytes.length };
}

/** `file-too-large`: over the limit when listed (`size` known) or grown past it while read. */
function tooLarge(file: string, maxFileSize: number, size?: number): ReadTextResult {
  return size === undefined
    ? failure(
        file,
        'file-too-large',
        `${file} grew past the limit of ${maxFileSize} bytes while read; not read`,
      )
    : failure(
        file,
        'file-too-large',
        `${file} is ${size} bytes, more than the limit of ${maxFileSize}; not read`,
      );
}

function unreadable(file: string, error: unknown): ReadTextResult {
  return failure(
    file,
    'unreadable',
    `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`,
  );
}

function failure(file: string, code: DiagnosticCode, message: string): ReadTextResult {
  return { ok: false, diagnostic: { file, severity: 'error', code, message } };
}
