import { execa } from 'execa';
import type { TrivyProcessResult } from './classify-error.js';

/** How to run one Trivy process. */
export interface RunTrivyOptions {
  readonly trivyPath: string;
  readonly args: readonly string[];
  /** Added to `process.env`. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Kill the process after this many milliseconds. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** The outcome of one Trivy process: what classification needs, plus stdout. */
export interface RunTrivyResult extends TrivyProcessResult {
  readonly stdout: string;
  readonly durationMs: number;
}

/**
 * Runs Trivy once with execa: no shell, arguments as an array, the environment extended, stdin
 * ignored, killed (SIGTERM, then SIGKILL after 2 s) on timeout or abort. Never throws for a
 * failed process: the result says what happened.
 */
export async function runTrivy(options: RunTrivyOptions): Promise<RunTrivyResult> {
  const start = performance.now();
  const result = await execa(options.trivyPath, [...options.args], {
    env: options.env,
    extendEnv: true,
    stdin: 'ignore',
    reject: false,
    shell: false,
    stripFinalNewline: false,
    maxBuffer: 512 * 1024 * 1024,
    forceKillAfterDelay: 2000,
    ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs } : {}),
    ...(options.signal ? { cancelSignal: options.signal } : {}),
  });
  const code = (result as { code?: string }).code;
  return {
    stdout: typeof result.stdout === 'string' ? result.stdout : '',
    stderr: typeof result.stderr === 'string' ? result.stderr : '',
    ...(result.exitCode !== undefined ? { exitCode: result.exitCode } : {}),
    ...(result.signal !== undefined ? { signal: result.signal } : {}),
    notFound: code === 'ENOENT',
    timedOut: result.timedOut,
    aborted: result.isCanceled,
    durationMs: performance.now() - start,
  };
}
