import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TrivyProcessResult } from './classify-error.js';

/** How to run one Trivy process. */
export interface RunTrivyOptions {
  readonly trivyPath: string;
  readonly args: readonly string[];
  /** The whole environment of the process (see `buildTrivyEnv`): nothing else is inherited. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Stop the process after this many milliseconds (`timedOut`). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /**
   * Receives stdout as it arrives. Returning false means the rest is not wanted (a report past
   * its size cap): the process is stopped and `stdoutRefused` is set.
   * @default stdout is collected as text, at most `maxStdoutBytes`
   */
  readonly onStdout?: (chunk: Buffer) => boolean;
  /**
   * Without `onStdout`: the most stdout kept as text; more stops the process (`stdoutRefused`).
   * @default 1 MiB (enough for `trivy version --format json`)
   */
  readonly maxStdoutBytes?: number;
}

/** The outcome of one Trivy process: what classification needs, plus stdout. */
export interface RunTrivyResult extends TrivyProcessResult {
  /** Stdout as text, when no `onStdout` consumer was given. */
  readonly stdout: string;
  /** Stdout went past what was wanted and the process was stopped for it. */
  readonly stdoutRefused: boolean;
  readonly durationMs: number;
}

/** Grace period between SIGTERM and SIGKILL when the runner stops a process group. */
export const KILL_GRACE_MS = 2000;
// Trivy's error is its last lines: keep the end of stderr, bounded.
const MAX_STDERR_BYTES = 256 * 1024;
const DEFAULT_MAX_STDOUT_BYTES = 1024 * 1024;

/**
 * Runs Trivy once: no shell, arguments as an array, the given environment only, stdin ignored,
 * in its own process group, in a fresh empty private folder. Trivy reads `trivy.yaml` (its
 * config file) and `.trivyignore` from its working directory; run in the scanned checkout, a
 * repository could change Trivy's settings or hide findings that way, so it never runs there. On timeout, abort, or unwanted output the whole group is stopped
 * (SIGTERM, then SIGKILL after {@link KILL_GRACE_MS}), so a wrapper script's children go too;
 * when Trivy exits, whatever it left behind in its group is stopped the same way, and the result
 * never waits for a straggler that still holds stdout open. Never throws for a failed process:
 * the result says what happened.
 */
export async function runTrivy(options: RunTrivyOptions): Promise<RunTrivyResult> {
  const cwd = await mkdtemp(join(tmpdir(), 'sluice-trivy-'));
  try {
    return await runIn(cwd, options);
  } finally {
    await rm(cwd, { recursive: true, force: true });
  }
}

function runIn(cwd: string, options: RunTrivyOptions): Promise<RunTrivyResult> {
  const start = performance.now();
  return new Promise((resolve) => {
    const stdoutChunks: Buffer[] = [];
    let stdoutBytes = 0;
    let stderrTail = Buffer.alloc(0);
    let stdoutRefused = false;
    let timedOut = false;
    let aborted = false;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;
    let drainTimer: NodeJS.Timeout | undefined;
    const child = spawn(options.trivyPath, [...options.args], {
      cwd,
      env: definedOnly(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: false,
      // Its own process group, so that a timeout reaches every process Trivy (or a wrapper) started.
      detached: process.platform !== 'win32',
      windowsHide: true,
    });

    const stopGroup = (): void => {
      signalGroup(child.pid, 'SIGTERM');
      killTimer ??= setTimeout(() => signalGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS);
    };
    const finish = (
      result: Omit<RunTrivyResult, 'durationMs' | 'stdout' | 'stdoutRefused' | 'stderr'>,
    ): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timeoutTimer);
      clearTimeout(drainTimer);
      options.signal?.removeEventListener('abort', onAbort);
      child.stdout?.destroy();
      child.stderr?.destroy();
      // Anything still in the group after Trivy is gone is a leftover: stop it for good.
      if (exit !== undefined) signalGroup(child.pid, 'SIGKILL');
      clearTimeout(killTimer);
      resolve({
        ...result,
        stdout: options.onStdout ? '' : Buffer.concat(stdoutChunks).toString('utf8'),
        stderr: stderrTail.toString('utf8'),
        stdoutRefused,
        timedOut,
        aborted,
        durationMs: performance.now() - start,
      });
    };
    const settleAfterExit = (): void => {
      if (exit === undefined) return;
      finish({
        ...(exit.code !== null ? { exitCode: exit.code } : {}),
        ...(exit.signal !== null ? { signal: exit.signal } : {}),
        notFound: false,
      });
    };

    const onAbort = (): void => {
      aborted = true;
      stopGroup();
    };
    const timeoutTimer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            stopGroup();
          }, options.timeoutMs);
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });

    child.stdout?.on('data', (chunk: Buffer) => {
      if (stdoutRefused) return;
      let wanted: boolean;
      if (options.onStdout) {
        wanted = options.onStdout(chunk);
      } else {
        stdoutBytes += chunk.length;
        wanted = stdoutBytes <= (options.maxStdoutBytes ?? DEFAULT_MAX_STDOUT_BYTES);
        if (wanted) stdoutChunks.push(chunk);
      }
      if (!wanted) {
        stdoutRefused = true;
        stopGroup();
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderrTail = Buffer.concat([stderrTail, chunk]);
      if (stderrTail.length > MAX_STDERR_BYTES) stderrTail = stderrTail.subarray(-MAX_STDERR_BYTES);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      // The executable does not exist (or cannot be run): no process was started.
      if (exit === undefined && child.pid === undefined) {
        stderrTail = Buffer.from(error.message);
        finish({ notFound: error.code === 'ENOENT' });
      }
    });
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      // The pipes close when every process holding them is gone. A child Trivy left behind may
      // keep them open: stop the group, and settle at the latest after the grace period.
      signalGroup(child.pid, 'SIGTERM');
      drainTimer = setTimeout(settleAfterExit, KILL_GRACE_MS);
    });
    child.on('close', settleAfterExit);
  });
}

function definedOnly(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined) result[name] = value;
  return result;
}

/** Sends a signal to a process group (a no-op when it is gone); on Windows to the process. */
function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(process.platform === 'win32' ? pid : -pid, signal);
  } catch {
    // ESRCH: nothing left in the group.
  }
}
