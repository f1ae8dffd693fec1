import type { ScanError, ScanErrorCode } from '@sluice/core';

/** A classified failure of one Trivy run, and whether trying again may help. */
export interface ClassifiedError extends ScanError {
  /** True for failures that often pass on a retry: rate limits, 5xx, resets, the cache lock, crashes. */
  readonly transient: boolean;
}

/** What the runner knows about a finished (or failed) Trivy process. */
export interface TrivyProcessResult {
  readonly exitCode?: number;
  readonly signal?: string;
  readonly stderr: string;
  /** The process could not start because the executable does not exist. */
  readonly notFound?: boolean;
  /** The runner killed the process after the per-scan timeout. */
  readonly timedOut?: boolean;
  /** The runner killed the process because the caller aborted. */
  readonly aborted?: boolean;
}

interface Rule {
  readonly code: ScanErrorCode;
  readonly transient: boolean;
  readonly pattern: RegExp;
}

// Order matters: every image failure mentions "unable to find the specified image" and, with
// the default --image-src list, "No such image" from the docker daemon; the remote part of the
// message says what really happened, so the specific registry errors come first.
// Texts from Trivy (pkg/commands/artifact/run.go, pkg/fanal/image, pkg/db, pkg/cache/fs.go,
// rpc client) and go-containerregistry's transport errors.
const RULES: readonly Rule[] = [
  {
    code: 'cache-locked',
    transient: true,
    pattern: /cache may be in use by another process|Failed to acquire cache or database lock/,
  },
  { code: 'timeout', transient: false, pattern: /context deadline exceeded|analyzer timed out/ },
  {
    code: 'db-unavailable',
    transient: false,
    pattern: /--skip-db-update cannot be specified on the first run|version of DB schema doesn't match/,
  },
  {
    code: 'db-unavailable',
    transient: true,
    pattern: /failed to download vulnerability DB|DB error|vulnerability DB initialize/,
  },
  {
    code: 'rate-limited',
    transient: true,
    pattern: /TOOMANYREQUESTS|429 Too Many Requests|unexpected status code 429|pull rate limit/i,
  },
  {
    code: 'unauthorized',
    transient: false,
    pattern:
      /UNAUTHORIZED|DENIED|authentication required|twirp error unauthenticated|invalid token|no basic auth credentials|unauthorized: /,
  },
  {
    code: 'network',
    transient: true,
    pattern:
      /unexpected status code 5\d\d|\b50[0-4] (?:Internal Server Error|Bad Gateway|Service Unavailable|Gateway Timeout)|connection reset by peer|broken pipe|i\/o timeout|TLS handshake timeout|connection refused|unexpected EOF|twirp error unavailable|server misbehaving/,
  },
  { code: 'network', transient: false, pattern: /no such host/ },
  {
    code: 'not-found',
    transient: false,
    pattern:
      /MANIFEST_UNKNOWN|NAME_UNKNOWN|manifest unknown|unable to find the specified image|No such image|not found: manifest/,
  },
  { code: 'crashed', transient: true, pattern: /^panic: |\nfatal error: |SIGSEGV/ },
];

/** The FATAL line's message (the error chain), else the last non-empty stderr line, trimmed. */
function mainMessage(stderr: string): string {
  const lines = stderr.split('\n');
  const fatal = lines.findIndex((line) => /(^|\t)FATAL\t/.test(line));
  if (fatal !== -1) {
    // Drop the wrapping links of Trivy's error chain ("run error: image scan error: …").
    const fields = (lines[fatal] ?? '').split('\t');
    const head = fields
      .slice(fields.indexOf('FATAL') + 2)
      .join(' ')
      .trim()
      .replace(
        /^(?:(?:run|init|image scan|scan|flag) error: |unable to initialize (?:a scan service|artifact|container image): )+/,
        '',
      );
    const details = lines
      .slice(fatal + 1)
      .filter((line) => line.startsWith('\t* '))
      .map((line) => line.trim());
    return [head, ...details].join(' ').slice(0, 2000);
  }
  const panic = lines.find((line) => line.startsWith('panic: '));
  if (panic) return panic;
  return (lines.filter((line) => line.trim() !== '').pop() ?? '').trim().slice(0, 2000);
}

/**
 * Classifies a failed Trivy run from its exit status and stderr, using the texts Trivy really
 * prints. Unknown failures are `unknown` and not retried.
 */
export function classifyTrivyFailure(result: TrivyProcessResult): ClassifiedError {
  if (result.notFound) {
    return {
      code: 'scanner-missing',
      transient: false,
      message:
        'The trivy executable was not found. Install Trivy (https://trivy.dev/latest/getting-started/installation/), set the path to it, scan through a Trivy server (--server), or use existing Trivy JSON reports (--trivy-reports).',
    };
  }
  if (result.aborted) return { code: 'aborted', transient: false, message: 'The scan was aborted.' };
  if (result.timedOut)
    return {
      code: 'timeout',
      transient: false,
      message: 'Trivy did not finish within the per-scan timeout and was stopped.',
    };
  const message = mainMessage(result.stderr);
  // The remote error says what happened; match it first when Trivy lists several image sources.
  const remote = /\* remote error: (.*)/.exec(result.stderr)?.[1];
  for (const text of remote ? [remote, result.stderr] : [result.stderr]) {
    for (const rule of RULES) {
      if (rule.pattern.test(text))
        return { code: rule.code, transient: rule.transient, message: message || rule.code };
    }
  }
  if (result.signal) {
    return {
      code: 'crashed',
      transient: true,
      message: `Trivy was killed by ${result.signal}.${message ? ` ${message}` : ''}`,
    };
  }
  if (result.exitCode !== undefined && result.exitCode > 1) {
    return {
      code: 'crashed',
      transient: true,
      message: `Trivy exited with code ${result.exitCode}.${message ? ` ${message}` : ''}`,
    };
  }
  return {
    code: 'unknown',
    transient: false,
    message: message || `Trivy exited with code ${String(result.exitCode)}.`,
  };
}
