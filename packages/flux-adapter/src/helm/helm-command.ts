import { redactSecrets, secretValues } from '@sluice/core';

/** How helm is run. */
export interface HelmCommandOptions {
  /** The helm executable. */
  readonly helm: string;
  /**
   * The environment helm sees: its own settings and credentials (`HELM_*`, the registry config
   * file, `DOCKER_CONFIG`) come from here, never from a command line.
   */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Milliseconds before helm is killed. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

/** What one helm command produced, or why it failed (helm's own message, secrets redacted). */
export type HelmCommandResult =
  | { readonly ok: true; readonly stdout: string; readonly stderr: string }
  | { readonly ok: false; readonly error: string; readonly missing?: boolean };

/**
 * Runs helm through execa, without a shell. Arguments built from a manifest are passed after
 * `--` or in `--flag=value` form by the callers, so that none can be read as another flag.
 * A failure carries helm's last error line, with every credential-like value of the
 * environment and every password in a URL replaced by `***`.
 */
export async function runHelm(
  args: readonly string[],
  options: HelmCommandOptions,
): Promise<HelmCommandResult> {
  const secrets = secretValues(options.env);
  // execa is loaded when helm first runs: reading a repository without charts never loads it.
  const { execa } = await import('execa');
  const result = await execa(options.helm, [...args], {
    env: { ...options.env },
    extendEnv: false,
    timeout: options.timeoutMs,
    reject: false,
    stripFinalNewline: true,
    maxBuffer: 256 * 1024 * 1024,
    ...(options.signal ? { cancelSignal: options.signal } : {}),
  });
  options.signal?.throwIfAborted();
  if (result.exitCode === 0 && !result.failed) {
    return { ok: true, stdout: String(result.stdout), stderr: String(result.stderr) };
  }
  if (result.timedOut) {
    return {
      ok: false,
      error: `helm ${args[0] ?? ''} timed out after ${Math.round(options.timeoutMs / 1000)} s`,
    };
  }
  if (result.exitCode === undefined) {
    const missing = (result.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
    return {
      ok: false,
      error: redactSecrets(
        missing
          ? `helm was not found (${options.helm}): install helm 3 or 4, or name it with --helm-path`
          : (result.shortMessage ?? 'helm could not run'),
        secrets,
      ),
      ...(missing ? { missing: true } : {}),
    };
  }
  const lines = String(result.stderr)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const message = lines.filter((line) => line.startsWith('Error:')).at(-1) ?? lines.at(-1);
  return {
    ok: false,
    error: redactSecrets(message ?? `helm exited with code ${String(result.exitCode)}`, secrets),
  };
}
