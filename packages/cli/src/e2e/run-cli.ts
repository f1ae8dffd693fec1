import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { repoPath } from '@sluice/test-utils';
import { main } from '../main.js';

/** What one run of the CLI as a child process did. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The folder holding the stand-in `trivy` executable. */
export const FAKE_TRIVY_DIR = repoPath('internal/fake-trivy');

/** A PATH on which `trivy` is the stand-in, ahead of everything else. */
export function pathWithFakeTrivy(): string {
  return [FAKE_TRIVY_DIR, process.env.PATH ?? ''].join(delimiter);
}

/** A PATH with node's own folder only: no `trivy` anywhere. */
export function pathWithoutTrivy(): string {
  return join(process.execPath, '..');
}

/** The command that runs the CLI from source (tsx), as `pnpm sluice` does. */
export const CLI_COMMAND: readonly string[] = [
  process.execPath,
  '--import',
  'tsx',
  '--conditions=source',
  repoPath('packages/cli/src/bin.ts'),
];

/**
 * Runs `sluice ARGS` as a child process from source (tsx), the way `pnpm sluice` does, with a
 * clean environment plus `env`, and collects its exit code and output.
 */
export function runCli(
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<CliRun> {
  const [command = process.execPath, ...rest] = CLI_COMMAND;
  return runProcess(command, [...rest, ...args], options);
}

/** Runs a program with a clean environment (HOME, a PATH with the stand-in trivy, NO_COLOR) plus `env`. */
export function runProcess(
  command: string,
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? repoPath('.'),
      env: { HOME: process.env.HOME ?? tmpdir(), PATH: pathWithFakeTrivy(), NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A fresh temporary folder. */
export function temporaryFolder(prefix = 'sluice-e2e-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** The example repository's images, mapped to the goldens their recorded reports came from. */
export const EXAMPLE_IMAGES = {
  'ghcr.io/aquasecurity/trivy-test-images:alpine-39': 'alpine-39.json.golden',
  'ghcr.io/aquasecurity/trivy-test-images:sle-micro-rancher-5.4_ndb': 'sl-micro-rancher5.4.json.golden',
  'ghcr.io/aquasecurity/trivy-test-images:ubuntu-1804': 'ubuntu-1804.json.golden',
  // The chart-default images of the docs HelmRelease (charts/docs-site).
  'ghcr.io/aquasecurity/trivy-test-images:distroless-base': 'distroless-base.json.golden',
  'ghcr.io/aquasecurity/trivy-test-images:alpine-310': 'alpine-310.json.golden',
} as const;

/**
 * Environment for the stand-in trivy: an image map, a private HOME (so the result cache and
 * Trivy's cache start empty), and an invocation log.
 */
export async function fakeTrivyEnv(
  images: Record<string, unknown> = EXAMPLE_IMAGES,
): Promise<Record<string, string>> {
  const folder = await temporaryFolder();
  const map = join(folder, 'images.json');
  await writeFile(map, JSON.stringify(images));
  return {
    HOME: folder,
    XDG_CACHE_HOME: join(folder, 'cache'),
    FAKE_TRIVY_IMAGES: map,
    FAKE_TRIVY_LOG: join(folder, 'trivy.log'),
  };
}

/**
 * Runs `sluice ARGS` in this process (the CLI's `main`) with captured streams: faster than
 * {@link runCli} for tests of what the CLI decides rather than how the process behaves. The
 * environment is `NO_COLOR=1` plus `env` only (nothing from the test's own environment).
 */
export async function runInProcess(
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { NO_COLOR: '1', ...options.env },
    cwd: options.cwd ?? repoPath('.'),
  });
  return { code, stdout, stderr };
}
