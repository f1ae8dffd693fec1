import type { Diagnostic } from '../diagnostic.js';
import { parseYaml } from '../parse-yaml.js';
import { parsePurl } from './purl.js';
import type { ParsedIgnoreFile } from './trivy-ignore.js';
import { parseIgnoreDate } from './trivy-ignore.js';
import type { IgnoreRule } from './types.js';

const OTHER_SECTIONS = ['misconfigurations', 'secrets', 'licenses'] as const;

/**
 * Parses Trivy's `.trivyignore.yaml` format. Only the `vulnerabilities` list matters to a CVE
 * gate; each entry has `id`, and optionally `paths` (globs over the finding's target), `purls`
 * (package URLs), `expired_at` (a date: the entry stops applying once it is past) and
 * `statement` (the reason). As in Trivy, `id` is required: Trivy matches entries by id
 * (`pkg/result/ignore.go`, `IgnoreFindings.Match`), so an entry without one ignores nothing
 * there, and here it is rejected with its line, never read as "every vulnerability in these
 * paths" (one `paths: ["**"]` entry would hide every finding).
 *
 * Nothing is thrown: a YAML syntax error, an entry that is not a mapping, a bad date, a bad
 * package URL or a field of the wrong type skips that entry (so it ignores nothing) and becomes
 * an `invalid-ignore` error diagnostic with its line. Non-empty `misconfigurations`, `secrets`
 * and `licenses` sections get an `ignore-section-unused` info diagnostic.
 *
 * @example
 * ```ts
 * const text = 'vulnerabilities:\n  - id: CVE-2023-1234\n    expired_at: 2026-12-31\n    statement: not reachable\n';
 * parseTrivyIgnoreYaml(text, '.trivyignore.yaml').ignores;
 * // [{ id: 'CVE-2023-1234', expires: '2026-12-31', reason: 'not reachable', source: { file: '.trivyignore.yaml', line: 2 } }]
 * ```
 */
export function parseTrivyIgnoreYaml(text: string, file: string): ParsedIgnoreFile {
  const parsed = parseYaml(text, file);
  const diagnostics: Diagnostic[] = parsed.diagnostics.map((diagnostic) => ({ ...diagnostic }));
  const ignores: IgnoreRule[] = [];
  const document = parsed.documents[0];
  if (!document || document.value === null || document.value === undefined) return { ignores, diagnostics };
  const root = document.value;
  if (!isRecord(root)) {
    diagnostics.push(
      invalid(file, document.line, 'The ignore file must be a mapping with a `vulnerabilities` list.'),
    );
    return { ignores, diagnostics };
  }
  const positions = document.positions;
  for (const section of OTHER_SECTIONS) {
    const value = root[section];
    if (Array.isArray(value) && value.length > 0) {
      diagnostics.push({
        file,
        line: positions.positionOf(root, section)?.line ?? document.line,
        severity: 'info',
        code: 'ignore-section-unused',
        message: `The \`${section}\` section is not used: Sluice gates on vulnerabilities only.`,
      });
    }
  }
  const list = root['vulnerabilities'];
  if (list === undefined || list === null) return { ignores, diagnostics };
  if (!Array.isArray(list)) {
    const line = positions.positionOf(root, 'vulnerabilities')?.line ?? document.line;
    diagnostics.push(invalid(file, line, '`vulnerabilities` must be a list of entries.'));
    return { ignores, diagnostics };
  }
  list.forEach((entry: unknown, index) => {
    const line = positions.positionOf(list, index)?.line ?? document.line;
    const result = readEntry(entry, file, line);
    if (typeof result === 'string') diagnostics.push(invalid(file, line, result));
    else ignores.push(result);
  });
  return { ignores, diagnostics };
}

function readEntry(entry: unknown, file: string, line: number): IgnoreRule | string {
  if (!isRecord(entry)) return 'Each vulnerabilities entry must be a mapping; this one is skipped.';
  const { id, paths, purls, expired_at: expiredAt, statement } = entry;
  if (id === undefined || id === null) {
    return 'The entry has no `id`: Trivy matches ignore entries by id, so an entry without one ignores nothing; the entry is skipped.';
  }
  if (typeof id !== 'string' || id.trim() === '') {
    return "The entry's `id` must be a non-empty string; the entry is skipped.";
  }
  const pathList = readStrings(paths);
  if (pathList === undefined) return '`paths` must be a list of strings; the entry is skipped.';
  const purlList = readStrings(purls);
  if (purlList === undefined) return '`purls` must be a list of strings; the entry is skipped.';
  const badPurl = purlList.find((purl) => parsePurl(purl) === undefined);
  if (badPurl !== undefined)
    return `"${badPurl}" is not a package URL (pkg:type/name); the entry is skipped.`;
  let expires: string | undefined;
  if (expiredAt !== undefined && expiredAt !== null) {
    expires = readDate(expiredAt);
    if (expires === undefined) {
      return `Cannot read \`expired_at\` ${JSON.stringify(String(expiredAt))} (expected a date such as 2026-12-31); the entry is skipped.`;
    }
  }
  if (statement !== undefined && statement !== null && typeof statement !== 'string') {
    return '`statement` must be a string; the entry is skipped.';
  }
  return {
    id: id.trim(),
    ...(expires === undefined ? {} : { expires }),
    ...(pathList.length > 0 ? { paths: pathList } : {}),
    ...(purlList.length > 0 ? { purls: purlList } : {}),
    ...(typeof statement === 'string' && statement.trim() !== '' ? { reason: statement.trim() } : {}),
    source: { file, line },
  };
}

function readStrings(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) return undefined;
  return value as string[];
}

function readDate(value: unknown): string | undefined {
  // js-yaml reads an unquoted 2026-12-31 as a Date at midnight UTC.
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return undefined;
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  if (typeof value !== 'string') return undefined;
  const date = parseIgnoreDate(value.trim());
  if (date !== undefined) return date;
  const time = Date.parse(value);
  return /^\d{4}-\d{2}-\d{2}T/.test(value.trim()) && !Number.isNaN(time)
    ? new Date(time).toISOString()
    : undefined;
}

function invalid(file: string, line: number, message: string): Diagnostic {
  return { file, line, severity: 'error', code: 'invalid-ignore', message };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
