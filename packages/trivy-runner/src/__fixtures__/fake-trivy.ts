import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoPath } from '@sluice/test-utils';
import type { TrivyRunnerOptions } from '../options.js';
import type { ImageScanOutcome } from '../outcome.js';

/** The stand-in trivy executable. */
export const FAKE_TRIVY = repoPath('internal/fake-trivy/trivy');

/** One line of the stand-in's invocation log. */
export interface Invocation {
  readonly pid: number;
  readonly argv: string[];
  readonly trivyEnv: string[];
  readonly start: number;
  readonly end: number;
  readonly exitCode?: number;
  readonly command?: string;
  readonly image?: string;
  readonly cacheDir?: string;
  readonly cacheBackend?: string;
  readonly server?: string;
  readonly customHeaders?: string[];
  readonly dbDownload?: boolean;
  readonly fault?: string;
  readonly hanging?: boolean;
  readonly signal?: string;
  /** The working directory the stand-in ran in. */
  readonly cwd?: string;
}

/** A temporary sandbox for runner tests: a Trivy cache dir, a result cache dir, an invocation log. */
export interface Sandbox {
  readonly dir: string;
  readonly trivyCacheDir: string;
  readonly resultCacheDir: string;
  readonly log: string;
  /** Environment for the stand-in, with the log and any extra variables. */
  env(extra?: Record<string, string>): Record<string, string>;
  invocations(): Promise<Invocation[]>;
  /** How many scanning stand-ins have started and can take signals (needs FAKE_TRIVY_LOG_START=1). */
  startedScans(): Promise<number>;
  scans(): Promise<Invocation[]>;
  cleanup(): Promise<void>;
}

/** Creates a sandbox in the OS temp dir. */
export async function createSandbox(): Promise<Sandbox> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-trivy-'));
  const log = join(dir, 'invocations.jsonl');
  const invocations = async (): Promise<Invocation[]> => {
    let text = '';
    try {
      text = await readFile(log, 'utf8');
    } catch {
      return [];
    }
    return text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Invocation & { phase?: string })
      .filter((entry) => entry.phase !== 'start');
  };
  return {
    dir,
    trivyCacheDir: join(dir, 'trivy-cache'),
    resultCacheDir: join(dir, 'sluice-cache'),
    log,
    env: (extra = {}) => ({ FAKE_TRIVY_LOG: log, ...extra }),
    invocations,
    startedScans: async () => {
      let text = '';
      try {
        text = await readFile(log, 'utf8');
      } catch {
        return 0;
      }
      return text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { phase?: string; argv?: string[] })
        .filter((entry) => entry.phase === 'start' && entry.argv?.[0] === 'image' && !entry.argv.includes('--download-db-only'))
        .length;
    },
    scans: async () => (await invocations()).filter((entry) => entry.command === 'image' && entry.image !== undefined),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** The most Trivy processes that ran at the same moment, from their start and end times. */
export function maxOverlap(invocations: readonly Invocation[]): number {
  const points = invocations.flatMap((entry) => [
    { at: entry.start, delta: 1 },
    { at: entry.end, delta: -1 },
  ]);
  points.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let current = 0;
  let best = 0;
  for (const point of points) {
    current += point.delta;
    best = Math.max(best, current);
  }
  return best;
}

/** Runner options for the stand-in in a sandbox, with fast retries. */
export function sandboxOptions(
  sandbox: Sandbox,
  extra: TrivyRunnerOptions = {},
  env: Record<string, string> = {},
): TrivyRunnerOptions {
  return {
    trivyPath: FAKE_TRIVY,
    trivyCacheDir: sandbox.trivyCacheDir,
    cache: sandbox.resultCacheDir,
    retryDelayMs: 10,
    ...extra,
    env: sandbox.env(env),
  };
}

/** `[ref, source, findings]` or `[ref, error code, attempts]` per outcome, for compact assertions. */
export function summarize(outcomes: readonly ImageScanOutcome[]): unknown[] {
  return outcomes.map((outcome) =>
    outcome.status === 'ok'
      ? [outcome.ref, outcome.source, outcome.findings.length]
      : [outcome.ref, outcome.error.code, outcome.attempts],
  );
}


/**
 * Writes a `trivy` wrapper script, as CI images often have: it starts a background child that
 * inherits stdout and stderr and sleeps (its pid appended to `pidFile`), then runs the stand-in.
 */
export async function writeWrapperScript(dir: string, pidFile: string): Promise<string> {
  const path = join(dir, 'trivy-wrapper.sh');
  await writeFile(
    path,
    ['#!/bin/sh', 'sleep 300 &', `echo $! >> '${pidFile}'`, `exec '${FAKE_TRIVY}' "$@"`, ''].join('\n'),
    { mode: 0o755 },
  );
  return path;
}
