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

/** Whether colour is wanted on a stream: a terminal, and `NO_COLOR` unset (https://no-color.org). */
export function wantsColor(stream: TextStream, env: CliContext['env']): boolean {
  return stream.isTTY === true && (env.NO_COLOR ?? '') === '' && env.TERM !== 'dumb';
}
