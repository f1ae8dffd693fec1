import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { delimiter, dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoPath } from '@sluice/test-utils';
import { FAKE_TRIVY } from './fake-trivy.js';

/** What one run of the `sluice` CLI did. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `sluice ARGS` from source as a child process, with only `env` (plus HOME, PATH with the
 * stand-in trivy first, NO_COLOR) in its environment, so nothing of the test's own environment
 * leaks in.
 */
export function runCli(
  args: readonly string[],
  env: Record<string, string> = {},
  cwd = repoPath('.'),
): Promise<CliRun> {
  return startCli(args, env, cwd).result;
}

/** A `sluice` process started by {@link startCli}: the child, and what it did once it ends. */
export interface StartedCli {
  readonly child: ChildProcess;
  readonly result: Promise<CliRun>;
}

/** Starts `sluice ARGS` like {@link runCli}, returning the child too (to signal it). */
export function startCli(
  args: readonly string[],
  env: Record<string, string> = {},
  cwd = repoPath('.'),
): StartedCli {
  let child!: ChildProcess;
  const result = new Promise<CliRun>((resolve, reject) => {
    child = spawn(
      process.execPath,
      // tsx by absolute URL: the working directory may be a repository outside the checkout.
      [
        '--import',
        pathToFileURL(repoPath('node_modules/tsx/dist/loader.mjs')).href,
        '--conditions=source',
        repoPath('packages/cli/src/bin.ts'),
        ...args,
      ],
      {
        cwd,
        env: {
          PATH: [dirname(FAKE_TRIVY), dirname(process.execPath), '/usr/bin', '/bin'].join(delimiter),
          NO_COLOR: '1',
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { child, result };
}
