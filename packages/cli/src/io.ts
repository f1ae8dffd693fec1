// The subpath, not the package: the bundled `sluice` then loads only these few functions on
// every run, not every reporter (and node:zlib, node:crypto) with them.
import { neutralizeWorkflowCommands } from '@sluice/reporters/sanitize-text';

/** A writable text stream, as little of it as the CLI needs. */
export interface TextStream {
  write(text: string): unknown;
  /** True when the stream is a terminal. */
  readonly isTTY?: boolean;
  /** Terminal width, when the stream is a terminal. */
  readonly columns?: number;
}

/** Everything the CLI takes from its process, so that tests can run it in-process too. */
export interface CliContext {
  readonly stdout: TextStream;
  readonly stderr: TextStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Cancels the run (Ctrl-C). */
  readonly signal?: AbortSignal;
}

/**
 * Wraps a stream so that nothing written to it runs a GitHub Actions workflow command in a CI
 * log: `neutralizeWorkflowCommands` on every write, knowing whether the write continues a line.
 * Terminal colours and progress escapes pass unchanged; files are never touched (only what goes
 * to stdout and stderr). The last line of defence: every untrusted field is already shown
 * through `sanitizeText`, and machine formats escape what they must.
 */
export function guardWorkflowCommands(stream: TextStream): TextStream {
  let atLineStart = true;
  return {
    get isTTY() {
      return stream.isTTY;
    },
    get columns() {
      return stream.columns;
    },
    write(text: string) {
      // A write that continues a line must not be read as starting one: an 'x' in front holds
      // its place for the check, and is dropped again.
      const guarded = atLineStart
        ? neutralizeWorkflowCommands(text)
        : neutralizeWorkflowCommands(`x${text}`).slice(1);
      if (text !== '') atLineStart = /[\n\r]$/.test(text);
      return stream.write(guarded);
    },
  };
}

/**
 * Whether colour is wanted on a stream. `FORCE_COLOR` decides when set (`0` or `false`: never;
 * anything else, even empty: always), as in Node and chalk; else `NO_COLOR` (non-empty: never,
 * https://no-color.org); else a terminal that is not `TERM=dumb`.
 */
export function wantsColor(stream: TextStream, env: CliContext['env']): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  return stream.isTTY === true && (env.NO_COLOR ?? '') === '' && env.TERM !== 'dumb';
}

/** The width of a pipe or file when `COLUMNS` does not say otherwise. */
export const DEFAULT_WIDTH = 80;

/**
 * The width output on a stream should fit: the terminal's, else `COLUMNS` (a positive whole
 * number), else {@link DEFAULT_WIDTH}.
 */
export function outputWidth(stream: TextStream, env: CliContext['env']): number {
  if (stream.isTTY === true && stream.columns !== undefined && stream.columns > 0) return stream.columns;
  const columns = Number(env.COLUMNS);
  return Number.isInteger(columns) && columns > 0 ? columns : DEFAULT_WIDTH;
}
