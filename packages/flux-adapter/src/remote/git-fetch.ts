import { lstat, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { redactSecrets, secretValues } from '@sluice/core';
import { redactUrlCredentials } from './remote-spec.js';

/** How git runs for one fetch. */
export interface GitFetchOptions {
  /** The git executable. */
  readonly git: string;
  /** The environment git starts from (credentials, ssh agent, `url.*.insteadOf` in the user's config). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Milliseconds for each git command (the URL's `?timeout=`, as kustomize runs them). */
  readonly commandTimeoutMs: number;
  /** Milliseconds for the whole fetch. */
  readonly totalTimeoutMs: number;
  /** The largest checkout, `.git` included, in bytes. */
  readonly maxBytes: number;
  /** The most files and folders in a checkout. */
  readonly maxEntries: number;
  readonly signal?: AbortSignal;
}

/** What to fetch: the URL git speaks to, the ref, and whether submodules follow. */
export interface GitFetchRequest {
  readonly url: string;
  /** A full commit id, `refs/tags/<name>`, or a ref name kustomize would pass as is. */
  readonly ref: string;
  readonly submodules: boolean;
}

/** The fetched commit, or git's reason (credentials redacted); `missingRef` when the ref is not on the remote. */
export type GitFetchResult =
  | { readonly ok: true; readonly commit: string }
  | { readonly ok: false; readonly error: string; readonly missingRef?: boolean };

// Only network transports: never `ext::` (runs a command), `fd::`, or `file://` from a manifest.
const ALLOWED_PROTOCOLS = 'https:http:git:ssh';

/**
 * Fetches one ref into `dir` (an empty folder) as kustomize's `ClonerUsingGitExec` does: `git
 * init`, `remote add origin`, `fetch --depth=1 origin REF`, `checkout FETCH_HEAD`, then `submodule
 * update --init --recursive` when asked; `.git` is removed after, as Flux never reads it. git runs
 * without a shell, the URL and ref after `--`, only network transports allowed, no prompt, no
 * hooks; the whole checkout must fit `maxBytes`/`maxEntries`.
 */
export async function fetchGitCheckout(
  dir: string,
  request: GitFetchRequest,
  options: GitFetchOptions,
): Promise<GitFetchResult> {
  const deadline = Date.now() + options.totalTimeoutMs;
  const steps: string[][] = [
    ['init', '--quiet', '--template='],
    ['remote', 'add', '--', 'origin', request.url],
    ['fetch', '--quiet', '--depth=1', '--no-tags', '--', 'origin', request.ref],
    ['checkout', '--quiet', '--detach', 'FETCH_HEAD'],
  ];
  for (const args of steps) {
    const result = await runGit(args, dir, deadline, options);
    if (!result.ok) return result;
  }
  if (request.submodules && (await isFile(join(dir, '.gitmodules')))) {
    const result = await runGit(['submodule', 'update', '--init', '--recursive'], dir, deadline, options);
    if (!result.ok) return result;
  }
  const commit = await runGit(['rev-parse', '--verify', 'HEAD^{commit}'], dir, deadline, options);
  if (!commit.ok) return commit;
  const size = await measure(dir, options.maxBytes, options.maxEntries);
  if (size !== undefined) return { ok: false, error: size };
  await rm(join(dir, '.git'), { recursive: true, force: true });
  return { ok: true, commit: commit.stdout.trim() };
}

type RunResult = { readonly ok: true; readonly stdout: string } | Extract<GitFetchResult, { ok: false }>;

async function runGit(
  args: readonly string[],
  cwd: string,
  deadline: number,
  options: GitFetchOptions,
): Promise<RunResult> {
  options.signal?.throwIfAborted();
  const remaining = deadline - Date.now();
  if (remaining <= 0)
    return {
      ok: false,
      error: `git ${args[0] ?? ''}: the fetch took longer than ${Math.round(options.totalTimeoutMs / 1000)} s`,
    };
  const timeout = Math.min(options.commandTimeoutMs, remaining);
  const secrets = secretValues(options.env);
  const { execa } = await import('execa');
  const subprocess = execa(options.git, [...SAFE_CONFIG, ...args], {
    cwd,
    env: gitEnvironment(options.env),
    extendEnv: false,
    stdin: 'ignore',
    reject: false,
    stripFinalNewline: true,
    maxBuffer: 1024 * 1024,
    // Its own process group: git's helpers (git-remote-http, ssh) hold the output pipes open,
    // so a timeout or an abort must stop all of them, not git alone.
    detached: true,
  });
  let timedOut = false;
  const stopGroup = (): void => {
    try {
      if (subprocess.pid !== undefined) process.kill(-subprocess.pid, 'SIGKILL');
    } catch {
      // ESRCH: nothing left in the group.
    }
  };
  const timer = setTimeout(() => {
    timedOut = true;
    stopGroup();
  }, timeout);
  options.signal?.addEventListener('abort', stopGroup, { once: true });
  const result = await subprocess.finally(() => {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', stopGroup);
  });
  options.signal?.throwIfAborted();
  if (result.exitCode === 0 && !result.failed) return { ok: true, stdout: String(result.stdout) };
  if (timedOut)
    return { ok: false, error: `git ${args[0] ?? ''} timed out after ${Math.round(timeout / 1000)} s` };
  if (result.exitCode === undefined) {
    const missing = (result.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
    return {
      ok: false,
      error: missing
        ? `git was not found (${options.git}): install git to fetch remote bases`
        : redactUrlCredentials(redactSecrets(result.shortMessage ?? 'git could not run', secrets)),
    };
  }
  const lines = String(result.stderr)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('hint:'));
  const message =
    lines.find((line) => line.startsWith('fatal:')) ?? lines.at(-1) ?? `exit code ${String(result.exitCode)}`;
  return {
    ok: false,
    error: `git ${args[0] ?? ''}: ${redactUrlCredentials(redactSecrets(message, secrets))}`,
    ...(/couldn't find remote ref|not our ref|no such remote ref/i.test(message) ? { missingRef: true } : {}),
  };
}

// Each `-c` wins over every config file: no file:// or ext:: transport even through a submodule
// or an insteadOf, no hooks, no prompt from a credential helper.
const SAFE_CONFIG: readonly string[] = [
  '-c',
  'protocol.file.allow=never',
  '-c',
  'protocol.ext.allow=never',
  '-c',
  'core.hooksPath=/dev/null',
  '-c',
  'credential.interactive=never',
  '-c',
  'advice.detachedHead=false',
];

function gitEnvironment(base: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) {
    // A prompt program would wait for a person; GIT_DIR & co. would point git elsewhere.
    if (
      value === undefined ||
      /^(GIT_ASKPASS|SSH_ASKPASS|GIT_DIR|GIT_WORK_TREE|GIT_INDEX_FILE|GIT_CONFIG_PARAMETERS|GIT_CONFIG_COUNT|GIT_CONFIG_KEY_\d+|GIT_CONFIG_VALUE_\d+)$/.test(
        name,
      )
    )
      continue;
    env[name] = value;
  }
  return {
    ...env,
    GIT_ALLOW_PROTOCOL: ALLOWED_PROTOCOLS,
    GIT_TERMINAL_PROMPT: '0',
    SSH_ASKPASS_REQUIRE: 'never',
    GIT_SSH_COMMAND: base.GIT_SSH_COMMAND ?? 'ssh -o BatchMode=yes',
    LC_ALL: 'C',
  };
}

async function isFile(path: string): Promise<boolean> {
  return (await lstat(path).catch(() => undefined))?.isFile() ?? false;
}

/** Why the checkout is too large, or undefined. Links are counted, never followed. */
async function measure(dir: string, maxBytes: number, maxEntries: number): Promise<string | undefined> {
  let bytes = 0;
  let entries = 0;
  const pending = [dir];
  while (pending.length > 0) {
    const folder = pending.pop() ?? dir;
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      entries += 1;
      const path = join(folder, entry.name);
      if (entry.isDirectory()) pending.push(path);
      else bytes += (await lstat(path)).size;
      if (entries > maxEntries) return `the checkout holds more than ${maxEntries} files and folders`;
      if (bytes > maxBytes) return `the checkout is larger than ${Math.round(maxBytes / 1024 / 1024)} MiB`;
    }
  }
  return undefined;
}
