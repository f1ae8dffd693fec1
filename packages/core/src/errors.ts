/**
 * The base class of every error Sluice throws on purpose. Each error carries a stable `code`
 * so that callers (and only the CLI turns errors into exit codes) can tell them apart without
 * parsing messages.
 *
 * @example
 * ```ts
 * try { await loadManifests(dir) } catch (error) {
 *   if (isSluiceError(error) && error.code === 'SLUICE_ROOT_NOT_FOUND') { ... }
 * }
 * ```
 */
export class SluiceError extends Error {
  /** A stable, machine-readable identifier such as `SLUICE_ROOT_NOT_FOUND`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SluiceError';
    this.code = code;
  }
}

/** Tells a {@link SluiceError} (optionally with a given code) from any other thrown value. */
export function isSluiceError(value: unknown, code?: string): value is SluiceError {
  return value instanceof SluiceError && (code === undefined || value.code === code);
}
