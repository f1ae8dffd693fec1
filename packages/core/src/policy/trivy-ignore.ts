import type { Diagnostic } from '../diagnostic.js';
import type { IgnoreRule } from './types.js';

/** The ignore rules read from an ignore file, and what could not be read. */
export interface ParsedIgnoreFile {
  readonly ignores: IgnoreRule[];
  readonly diagnostics: Diagnostic[];
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Reads a date written `YYYY-MM-DD` (the only form Trivy accepts after `exp:`), or returns
 * undefined for anything else, including impossible dates such as `2025-02-30`.
 */
export function parseIgnoreDate(text: string): string | undefined {
  const match = DATE.exec(text);
  if (!match) return undefined;
  const date = new Date(`${text}T00:00:00Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== text ? undefined : text;
}

/**
 * Parses Trivy's plain `.trivyignore` format: one vulnerability ID per line, optionally followed
 * by `exp:YYYY-MM-DD` (the ignore stops applying once that date, midnight UTC, is past) and a
 * `# comment`, which becomes the rule's reason. Blank lines and `#` lines are skipped.
 *
 * A line whose `exp:` date cannot be read is skipped, as Trivy skips it (so the vulnerability is
 * not ignored: failing closed), and reported as an `invalid-ignore` error with its line.
 *
 * @example
 * ```ts
 * const { ignores, diagnostics } = parseTrivyIgnore('CVE-2023-1234 exp:2026-12-31 # no fix yet\n', '.trivyignore');
 * ignores[0]; // { id: 'CVE-2023-1234', expires: '2026-12-31', reason: 'no fix yet', source: { file: '.trivyignore', line: 1 } }
 * ```
 */
export function parseTrivyIgnore(text: string, file: string): ParsedIgnoreFile {
  const ignores: IgnoreRule[] = [];
  const diagnostics: Diagnostic[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const hash = trimmed.search(/\s#/);
    const body = hash === -1 ? trimmed : trimmed.slice(0, hash);
    const comment =
      hash === -1
        ? undefined
        : trimmed
            .slice(hash)
            .replace(/^\s*#+\s*/, '')
            .trim();
    const fields = body.split(/\s+/).filter(Boolean);
    const id = fields[0] ?? '';
    const expField = fields.slice(1).find((field) => field.startsWith('exp:'));
    let expires: string | undefined;
    if (expField !== undefined) {
      expires = parseIgnoreDate(expField.slice('exp:'.length));
      if (expires === undefined) {
        diagnostics.push({
          file,
          line,
          column: raw.indexOf(expField) + 1,
          severity: 'error',
          code: 'invalid-ignore',
          message: `Cannot read the expiry date "${expField}" (expected exp:YYYY-MM-DD); the ignore for ${id} is skipped, as Trivy skips it.`,
        });
        return;
      }
    }
    ignores.push({
      id,
      ...(expires === undefined ? {} : { expires }),
      ...(comment ? { reason: comment } : {}),
      source: { file, line },
    });
  });
  return { ignores, diagnostics };
}
