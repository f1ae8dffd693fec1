import * as z from 'zod';

export { compareStrings } from './compare-strings.js';
export { compareDiagnostics } from './compare-diagnostics.js';

/** How serious a diagnostic is. `error` means something was skipped or could not be decided. */
export const DiagnosticSeverity = z.enum(['error', 'warning', 'info']);
/** How serious a diagnostic is. */
export type DiagnosticSeverity = z.infer<typeof DiagnosticSeverity>;

/**
 * Something Sluice noticed about its input: a file it could not parse, an image reference it
 * could not read, a `dependsOn` that points nowhere. Diagnostics are data, never thrown: the
 * rest of the input is still processed.
 */
export const Diagnostic = z.object({
  /** The file, relative to the scanned root, with forward slashes. Empty when not tied to a file. */
  file: z.string(),
  /** 1-based line, when known. */
  line: z.number().int().positive().optional(),
  /** 1-based column, when known. */
  column: z.number().int().positive().optional(),
  severity: DiagnosticSeverity,
  /** A stable kebab-case code such as `yaml-syntax` or `invalid-image-reference`. */
  code: z.string(),
  message: z.string(),
  /** The Flux object (`kind/namespace/name`) the diagnostic concerns, when there is one. */
  object: z.string().optional(),
});
/** Something Sluice noticed about its input; see the schema of the same name. */
export type Diagnostic = z.infer<typeof Diagnostic>;
