import { SIGNAL_EXIT_CODES, STOP_GRACE_MS } from './exit-codes.js';
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
 * Runs `sluice` as the current process: its arguments, environment and streams; the first
 * Ctrl-C or SIGTERM cancels the run (scans are killed) and the process exits with 130 or 143
 * within {@link STOP_GRACE_MS}, a second one at once; a reader that goes away (EPIPE) ends it quietly with
 * {@link CLOSED_PIPE_EXIT_CODE}; the exit code is set on `process.exitCode`. The installed
 * `sluice` command is exactly this.
 */
export async function runSluiceProcess(options: SluiceProcessOptions = {}): Promise<void> {
  const controller = new AbortController();
  let stoppedBy: keyof typeof SIGNAL_EXIT_CODES | undefined;
  for (const name of ['SIGINT', 'SIGTERM'] as const) {
    process.on(name, () => {
      // A second signal: the user (or CI) insists, stop at once.
      if (stoppedBy !== undefined) process.exit(SIGNAL_EXIT_CODES[name]);
      stoppedBy = name;
      // Running scans stop their process groups and queued ones never start.
      controller.abort(new Error(`stopped by ${name}`));
      // Work that cannot see the abort (a read the OS keeps waiting on) must not keep the
      // process alive: exit after a grace period that lets Trivy's process groups be killed.
      setTimeout(() => {
        process.stderr.write(`sluice: stopped (${name})\n`);
        process.exit(SIGNAL_EXIT_CODES[name]);
      }, STOP_GRACE_MS).unref();
    });
  }
  const onStreamError = (error: NodeJS.ErrnoException): void => {
    if (error.code !== 'EPIPE') throw error;
    controller.abort(new Error('the output was closed'));
    process.exit(CLOSED_PIPE_EXIT_CODE);
  };
  process.stdout.on('error', onStreamError);
  process.stderr.on('error', onStreamError);

  const code = await main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: options.cwd ?? process.cwd(),
    signal: controller.signal,
  });
  // Stopped by a signal: the shell's convention, 128 + the signal's number.
  process.exitCode = stoppedBy === undefined ? code : SIGNAL_EXIT_CODES[stoppedBy];
}
