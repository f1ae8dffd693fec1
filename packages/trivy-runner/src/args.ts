import { normalizeImageName } from './image-argument.js';
import type { ResolvedRunnerOptions } from './options.js';
import { normalizeRegistryHost } from './registry-host.js';

/** Formats milliseconds as a Go duration for `--timeout` (`300s`, `1.5s`). */
export function formatGoDuration(ms: number): string {
  return `${Math.max(1, Math.round(ms)) / 1000}s`;
}

function globalArgs(options: ResolvedRunnerOptions): string[] {
  const args: string[] = [];
  if (options.trivyCacheDir !== undefined) args.push('--cache-dir', options.trivyCacheDir);
  if (options.insecure) args.push('--insecure');
  return args;
}

/**
 * Arguments of one `trivy image` scan: JSON on stdout, no progress or logs, vulnerabilities only
 * (`--scanners vuln`: the default also scans secrets), no full package list
 * (`--list-all-pkgs=false`: true by default since Trivy 0.67), then the result-affecting options,
 * then `--` and the image, so that the image can never be read as a flag.
 *
 * In standalone mode scans use `--skip-db-update` when `dbReady` (the batch updated the DB once
 * beforehand) and `--cache-backend` from the options (`memory` by default: no cache lock). In
 * client mode (`server`) Trivy needs no DB and uses the server's cache. The token is not an
 * argument: it goes into the environment (see {@link buildTrivyEnv}).
 */
export function buildScanArgs(image: string, options: ResolvedRunnerOptions, dbReady: boolean): string[] {
  const args = [
    'image',
    ...globalArgs(options),
    '--format',
    'json',
    '--quiet',
    '--scanners',
    'vuln',
    '--list-all-pkgs=false',
  ];
  args.push('--timeout', formatGoDuration(options.scanTimeoutMs));
  if (options.severities && options.severities.length > 0)
    args.push('--severity', [...options.severities].join(','));
  if (options.ignoreUnfixed) args.push('--ignore-unfixed');
  if (options.ignoreFile !== undefined) args.push('--ignorefile', options.ignoreFile);
  if (options.platform !== undefined) args.push('--platform', options.platform);
  if (options.imageSources && options.imageSources.length > 0)
    args.push('--image-src', options.imageSources.join(','));
  if (options.server !== undefined) {
    args.push('--server', options.server);
    if (options.tokenHeader !== 'Trivy-Token') args.push('--token-header', options.tokenHeader);
  } else {
    args.push('--cache-backend', options.trivyCacheBackend);
    if (options.skipDbUpdate || dbReady) args.push('--skip-db-update');
    for (const repository of options.dbRepository) args.push('--db-repository', repository);
  }
  // The Java index DB is used by the client in both modes (a Trivy server does not hold it).
  for (const repository of options.javaDbRepository) args.push('--java-db-repository', repository);
  args.push(...options.extraArgs, '--', image);
  return args;
}

/** Time limit of the DB download: at least 10 minutes (the DB is a few hundred MB). */
export function dbUpdateTimeoutMs(options: ResolvedRunnerOptions): number {
  return Math.max(options.scanTimeoutMs, 600_000);
}

/** Arguments that download or update the vulnerability DB once, without scanning. */
export function buildDbUpdateArgs(options: ResolvedRunnerOptions): string[] {
  const args = ['image', ...globalArgs(options), '--download-db-only', '--quiet', '--no-progress'];
  args.push('--timeout', formatGoDuration(dbUpdateTimeoutMs(options)));
  for (const repository of options.dbRepository) args.push('--db-repository', repository);
  return args;
}

/** Arguments of `trivy version --format json` (reads the DB metadata of the cache dir). */
export function buildVersionArgs(options: ResolvedRunnerOptions): string[] {
  return ['version', ...globalArgs(options).filter((arg) => arg !== '--insecure'), '--format', 'json'];
}

/**
 * The variables through which Trivy sends registry credentials (`--username`, `--password`,
 * `--password-stdin`, `--registry-token`). Trivy offers them to whatever registry an image
 * names, so they are given to a scan only when its registry is one of `registryCredentials`.
 */
export const REGISTRY_CREDENTIAL_VARIABLES = [
  'TRIVY_USERNAME',
  'TRIVY_PASSWORD',
  'TRIVY_PASSWORD_STDIN',
  'TRIVY_REGISTRY_TOKEN',
] as const;

/**
 * The whole environment of a Trivy process: `process.env`, then the caller's `env` (a variable
 * set to `undefined` there is removed), the server token as `TRIVY_TOKEN` and custom headers as
 * `TRIVY_CUSTOM_HEADERS` (so that no credential shows up in a process list). The registry
 * credential variables ({@link REGISTRY_CREDENTIAL_VARIABLES}) stay only when `registry` (the
 * host of the image scanned, or of every DB repository) is one of `registryCredentials`.
 */
export function buildTrivyEnv(
  options: ResolvedRunnerOptions,
  registry?: string,
): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  if (options.server !== undefined && options.token !== undefined) env.TRIVY_TOKEN = options.token;
  const headers = Object.entries(options.customHeaders);
  if (options.server !== undefined && headers.length > 0) {
    env.TRIVY_CUSTOM_HEADERS = headers.map(([name, value]) => `${name}:${value}`).join(',');
  }
  if (!mayReceiveCredentials(options, registry)) {
    for (const name of REGISTRY_CREDENTIAL_VARIABLES) delete env[name];
  }
  return env;
}

/** True when scans of images of `registry` may receive the registry credentials of the environment. */
export function mayReceiveCredentials(options: ResolvedRunnerOptions, registry: string | undefined): boolean {
  if (registry === undefined) return false;
  try {
    return options.registryCredentials.includes(normalizeRegistryHost(registry));
  } catch {
    return false;
  }
}

/** True when the environment holds registry credentials for Trivy. */
export function hasRegistryCredentials(options: ResolvedRunnerOptions): boolean {
  const env = { ...process.env, ...options.env };
  return REGISTRY_CREDENTIAL_VARIABLES.some((name) => name !== 'TRIVY_PASSWORD_STDIN' && Boolean(env[name]));
}

/**
 * The registry the DB download talks to, when every `dbRepository` names one and the same host
 * (else undefined: Trivy's default repositories are more than one host).
 */
export function dbRegistry(options: ResolvedRunnerOptions): string | undefined {
  const hosts = new Set(options.dbRepository.map((repository) => normalizeImageName(repository)?.registry));
  const [host] = hosts;
  return hosts.size === 1 ? host : undefined;
}

/** Every credential the runner knows of, for redaction. */
export function knownSecrets(options: ResolvedRunnerOptions): string[] {
  return [...(options.token ? [options.token] : []), ...Object.values(options.customHeaders)];
}
