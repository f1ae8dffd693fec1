/** Exit codes of the `sluice` command. Stable: CI scripts branch on them. */
export const EXIT_CODES = {
  /** Nothing is blocked. */
  PASS: 0,
  /** Something must not be applied (with `--fail-on blocked`, the default). */
  BLOCKED: 1,
  /** Bad usage, configuration or input. */
  USAGE: 2,
  /** The scanner could not run at all (for example `trivy` is not installed). */
  SCANNER: 3,
} as const;

/** Exit codes after a stop by a signal: 128 + the signal's number, as shells report it. */
export const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

/**
 * How long the CLI waits after the first SIGINT/SIGTERM before it exits regardless: long enough
 * for Trivy's process groups to get SIGTERM, then SIGKILL (2 s later).
 */
export const STOP_GRACE_MS = 2500;

/** An error the CLI turns into a message on stderr and an exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_CODES.USAGE,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CliError';
  }
}
