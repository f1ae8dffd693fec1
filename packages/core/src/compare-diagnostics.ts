import type { Diagnostic } from './diagnostic.js';
import { compareStrings } from './compare-strings.js';

/**
 * Orders diagnostics by file, line, column, code and message so that reports are deterministic.
 */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    compareStrings(a.file, b.file) ||
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.column ?? 0) - (b.column ?? 0) ||
    compareStrings(a.code, b.code) ||
    compareStrings(a.message, b.message) ||
    compareStrings(a.object ?? '', b.object ?? '')
  );
}
