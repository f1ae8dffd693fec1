// @ts-check
// An example third-party Sluice reporter: every finding as one CSV row per image location.
// Published on npm it would be named `sluice-reporter-csv`, so that `--reporter csv` finds it.
// It imports nothing at run time: a reporter only needs the report it is given.

/** @typedef {import('@sluice/reporters').Reporter} Reporter */
/** @typedef {import('@sluice/core').GateReport} GateReport */

/** The CSV columns, in order. */
export const CSV_COLUMNS = [
  'image',
  'verdict',
  'severity',
  'vulnerability',
  'package',
  'installed_version',
  'fixed_version',
  'ignored',
  'file',
  'line',
  'column',
  'object',
  'flux_objects',
];

const SEVERITY_ORDER = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'];

/** Locale-independent string order, so the output is byte-identical everywhere. */
function compare(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * One CSV field (RFC 4180): quoted when it holds the delimiter, a quote or a line break. A
 * field that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR) gets a leading
 * `'`, because manifest text is untrusted ("CSV injection").
 * @param {string | number | undefined} value
 * @param {string} delimiter
 */
export function csvField(value, delimiter) {
  let text = value === undefined ? '' : String(value);
  // Drop control characters except tab and line breaks (escape sequences, NUL, …).
  // eslint-disable-next-line no-control-regex
  text = text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, '');
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return text.includes(delimiter) || /["\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Creates the CSV reporter.
 * @param {{ delimiter?: string, includeSuppressed?: boolean }} [options]
 *   `delimiter` (default `,`); `includeSuppressed`: also list findings the policy ignores (default true).
 * @returns {Reporter}
 */
export default function csvReporter(options = {}) {
  const delimiter = options.delimiter ?? ',';
  const includeSuppressed = options.includeSuppressed ?? true;
  if (typeof delimiter !== 'string' || delimiter.length !== 1 || /["\r\n]/.test(delimiter)) {
    throw new TypeError(
      'The csv reporter needs a one-character delimiter other than a quote or a line break.',
    );
  }
  return {
    name: 'csv',
    fileExtension: '.csv',
    mediaType: 'text/csv',
    /** @param {GateReport} report */
    render(report) {
      const rows = [CSV_COLUMNS];
      const images = [...report.images].sort((a, b) => compare(a.ref, b.ref));
      for (const image of images) {
        const findings = [...image.findings]
          .filter((finding) => includeSuppressed || finding.suppressed === undefined)
          .sort(
            (a, b) =>
              SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
              compare(a.id, b.id) ||
              compare(a.package, b.package) ||
              compare(a.installedVersion, b.installedVersion),
          );
        const locations = image.locations.length > 0 ? image.locations : [undefined];
        for (const finding of findings) {
          for (const location of locations) {
            rows.push([
              image.ref,
              image.verdict,
              finding.severity,
              finding.id,
              finding.package,
              finding.installedVersion,
              finding.fixedVersion ?? '',
              finding.suppressed ?? '',
              location?.file ?? '',
              location ? String(location.line) : '',
              location ? String(location.column) : '',
              location ? `${location.kind}/${location.namespace ?? ''}/${location.name}` : '',
              (location?.fluxObjects ?? []).join(' '),
            ]);
          }
        }
      }
      return `${rows.map((row) => row.map((field) => csvField(field, delimiter)).join(delimiter)).join('\r\n')}\r\n`;
    },
  };
}
