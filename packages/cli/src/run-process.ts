import { main } from './main.js';

/**
 * The exit status when stdout or stderr is closed early (`sluice images | head -1`): 128 + 13
 * (SIGPIPE), what a shell reports for `git log | head -1` or `yes | head -1`, whose writers die
 * of SIGPIPE. Node ignores SIGPIPE, so the process exits with the same number itself. A closed
 * pipe never turns a blocked gate into exit 0.
 */
export const CLOSED_PIPE_EXIT_CODE = 141;

/** Options of {@link runSluiceProcess}. */
export interface SluiceProcessOptions {
  /**
   * The folder relative paths are resolved against.
   * @default process.cwd()
   */
  readonly cwd?: string;
}

/**
 * Runs `sluice` as the current process: its arguments, environment and streams; Ctrl-C and
 * SIGTERM cancel the run; a reader that goes away (EPIPE) ends it quietly with
 * {@link CLOSED_PIPE_EXIT_CODE}; the exit code is set on `process.exitCode`. The installed
 * `sluice` command is exactly this.
 */
export async function runSluiceProcess(options: SluiceProcessOptions = {}): Promise<void> {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort(new Error('interrupted (SIGINT)')));
  process.once('SIGTERM', () => controller.abort(new Error('terminated (SIGTERM)')));
  const onStreamError = (error: NodeJS.ErrnoException): void => {
    if (error.code !== 'EPIPE') throw error;
    controller.abort(new Error('the output was closed'));
    process.exit(CLOSED_PIPE_EXIT_CODE);
  };
  process.stdout.on('error', onStreamError);
  process.stderr.on('error', onStreamError);

  process.exitCode = await main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: options.cwd ?? process.cwd(),
    signal: controller.signal,
  });
}
