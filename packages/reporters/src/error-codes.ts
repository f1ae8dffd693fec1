/**
 * The codes of the `SluiceError`s (from `@sluice/core`) this package throws.
 */
export const REPORTER_ERROR_CODES = {
  /** No built-in, file or package matched the reporter name; the message lists what was tried. */
  notFound: 'SLUICE_REPORTER_NOT_FOUND',
  /** The reporter module was found but importing it failed (see `cause`). */
  loadFailed: 'SLUICE_REPORTER_LOAD_FAILED',
  /** The reporter is a TypeScript file, which Node cannot load: it must be compiled to JavaScript. */
  typescript: 'SLUICE_REPORTER_TYPESCRIPT',
  /** The module loaded but its default export is not a reporter or a reporter factory. */
  invalid: 'SLUICE_REPORTER_INVALID',
  /** The options given to a built-in reporter are not valid. */
  invalidOptions: 'SLUICE_REPORTER_INVALID_OPTIONS',
  /** A reporter threw or returned something that is not text or bytes (see `cause`). */
  renderFailed: 'SLUICE_REPORTER_RENDER_FAILED',
  /** A report given to the JSON reporter or to `parseJsonReport` does not match the schema. */
  invalidReport: 'SLUICE_INVALID_REPORT',
} as const;
