import { availableParallelism } from 'node:os';
import { resolve, sep } from 'node:path';
import { defaultCacheDirectory, type Severity } from '@sluice/core';
import type { Cache } from './cache.js';
import type { ScanEventHandler } from './events.js';
import { DEFAULT_MAX_REPORT_BYTES } from './read-report.js';
import { normalizeRegistryHost } from './registry-host.js';

/** How Trivy's own scan cache is set up for parallel scans. */
export type TrivyCacheBackend = 'memory' | 'fs' | `redis://${string}` | `rediss://${string}`;

/** Options of {@link createTrivyRunner} and {@link scanImages}. Every field is optional. */
export interface TrivyRunnerOptions {
  /**
   * The trivy executable: a name looked up on PATH or a path.
   * @default 'trivy'
   */
  readonly trivyPath?: string;
  /**
   * How many Trivy processes run at once.
   * @default os.availableParallelism()
   */
  readonly concurrency?: number;
  /**
   * Severities Trivy reports (`--severity`); all when unset.
   * @default undefined
   */
  readonly severities?: readonly Severity[];
  /**
   * Only report vulnerabilities that have a fix (`--ignore-unfixed`).
   * @default false
   */
  readonly ignoreUnfixed?: boolean;
  /**
   * A `.trivyignore` or `.trivyignore.yaml` file (`--ignorefile`). Its content is part of the
   * result-cache key.
   * @default undefined
   */
  readonly ignoreFile?: string;
  /**
   * Time limit of one Trivy run in milliseconds (`--timeout`); the process is killed shortly after.
   * @default 300000
   */
  readonly scanTimeoutMs?: number;
  /**
   * Time limit of a whole batch in milliseconds; unfinished images fail with `timeout`.
   * @default undefined (none)
   */
  readonly batchTimeoutMs?: number;
  /**
   * Platform of multi-arch images, `os/arch[/variant]` (`--platform`).
   * @default undefined
   */
  readonly platform?: string;
  /**
   * A Trivy server URL: scan in client mode (`--server`); the client downloads no DB.
   * @default undefined
   */
  readonly server?: string;
  /**
   * Token of the Trivy server. Passed to Trivy as `TRIVY_TOKEN` in its environment, never on
   * the command line, and redacted from every message.
   * @default process.env.TRIVY_TOKEN
   */
  readonly token?: string;
  /**
   * Header that carries the token (`--token-header`).
   * @default 'Trivy-Token'
   */
  readonly tokenHeader?: string;
  /**
   * Extra headers sent to the Trivy server (`--custom-headers`, passed as
   * `TRIVY_CUSTOM_HEADERS`). Values are redacted from messages.
   * @default {}
   */
  readonly customHeaders?: Readonly<Record<string, string>>;
  /**
   * Trivy's cache directory (`--cache-dir`), which holds its vulnerability DB.
   * @default Trivy's default ($XDG_CACHE_HOME/trivy or ~/.cache/trivy)
   */
  readonly trivyCacheDir?: string;
  /**
   * Trivy's scan cache backend. `memory` (the default) never locks, so scans run in parallel
   * while sharing one DB; `fs` is Trivy's default, which locks the cache dir: with it the runner
   * runs one scan at a time; `redis://…` shares Trivy's layer cache between machines.
   * @default 'memory'
   */
  readonly trivyCacheBackend?: TrivyCacheBackend;
  /**
   * OCI repositories of the vulnerability DB, in order (`--db-repository`).
   * @default Trivy's default
   */
  readonly dbRepository?: string | readonly string[];
  /**
   * OCI repositories of the Java index DB, in order (`--java-db-repository`). Trivy downloads it
   * on the first scan that finds a JAR file, in client mode too.
   * @default Trivy's default
   */
  readonly javaDbRepository?: string | readonly string[];
  /**
   * Allow insecure registry and server connections (`--insecure`).
   * @default false
   */
  readonly insecure?: boolean;
  /**
   * Never update the vulnerability DB (air-gapped runs; the DB must already be in the cache dir).
   * @default false
   */
  readonly skipDbUpdate?: boolean;
  /**
   * Image sources Trivy tries, in order (`--image-src`); `['remote']` avoids daemon lookups in CI.
   * @default Trivy's default (docker, containerd, podman, remote)
   */
  readonly imageSources?: readonly ('docker' | 'containerd' | 'podman' | 'remote')[];
  /**
   * The result cache: a {@link Cache}, a directory or `redis://` URL for {@link createCache},
   * or `false` for none.
   * @default a directory cache in the user's cache directory ($XDG_CACHE_HOME/sluice or ~/.cache/sluice)
   */
  readonly cache?: Cache | string | false;
  /**
   * How long the cached result of an image known only by tag stays valid, in milliseconds.
   * Digest-pinned results stay valid until the vulnerability DB changes.
   * @default 21600000 (6 hours)
   */
  readonly tagTtlMs?: number;
  /**
   * How many times a transient failure (rate limit, 5xx, connection reset, cache lock, crash)
   * is retried.
   * @default 2
   */
  readonly retries?: number;
  /**
   * Delay before the first retry in milliseconds; doubles on each retry, at most 30 s.
   * @default 1000
   */
  readonly retryDelayMs?: number;
  /**
   * Environment of the Trivy processes, added to `process.env` (TRIVY_* settings and registry
   * credentials pass through). Credential-like values are redacted from every message.
   * @default {}
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Registries (`host[:port]`, such as `ghcr.io`) that may receive the registry credentials of
   * the environment (`TRIVY_USERNAME`, `TRIVY_PASSWORD`, `TRIVY_REGISTRY_TOKEN`). Trivy offers
   * those to whatever registry an image names, so an image of any other registry is scanned
   * with them removed from Trivy's environment (a `warning` event says so once per batch).
   * Credential helpers and `~/.docker/config.json` are per registry already and unaffected.
   * @default [] (no registry receives them)
   */
  readonly registryCredentials?: readonly string[];
  /**
   * The largest Trivy report read, in bytes. Trivy's output is read as it arrives; past this
   * size the scan is stopped and fails with `invalid-output`.
   * @default 67108864 (64 MiB)
   */
  readonly maxReportBytes?: number;
  /**
   * Extra arguments for `trivy image`, placed before the image. They are part of the cache key.
   * Trivy runs in an empty private folder: give paths in them as absolute paths.
   * @default []
   */
  readonly extraArgs?: readonly string[];
  /**
   * Cancels the batch: running Trivy processes are killed and queued images are not started.
   * @default undefined
   */
  readonly signal?: AbortSignal;
  /**
   * Receives typed progress events.
   * @default undefined
   */
  readonly onEvent?: ScanEventHandler;
}

/** {@link TrivyRunnerOptions} with defaults applied. */
export interface ResolvedRunnerOptions extends Required<
  Omit<
    TrivyRunnerOptions,
    | 'severities'
    | 'ignoreFile'
    | 'batchTimeoutMs'
    | 'platform'
    | 'server'
    | 'token'
    | 'trivyCacheDir'
    | 'dbRepository'
    | 'javaDbRepository'
    | 'imageSources'
    | 'signal'
    | 'onEvent'
    | 'cache'
    | 'registryCredentials'
  >
> {
  /** Normalized registry hosts. */
  readonly registryCredentials: readonly string[];
  readonly severities?: readonly Severity[];
  readonly ignoreFile?: string;
  readonly batchTimeoutMs?: number;
  readonly platform?: string;
  readonly server?: string;
  readonly token?: string;
  readonly trivyCacheDir?: string;
  readonly dbRepository: readonly string[];
  readonly javaDbRepository: readonly string[];
  readonly imageSources?: readonly string[];
  readonly signal?: AbortSignal;
  readonly onEvent?: ScanEventHandler;
  readonly cache: Cache | string | false;
}

/** Default per-scan timeout: Trivy's own default of 5 minutes. */
export const DEFAULT_SCAN_TIMEOUT_MS = 300_000;
/** Default validity of tag-only results in the result cache: 6 hours. */
export const DEFAULT_TAG_TTL_MS = 6 * 3_600_000;

/** Applies the defaults of {@link TrivyRunnerOptions}. */
export function resolveOptions(options: TrivyRunnerOptions = {}): ResolvedRunnerOptions {
  // Trivy runs in a private empty folder: paths relative to the caller's folder are made absolute.
  const absolute = (path: string | undefined): string | undefined =>
    path === undefined ? undefined : resolve(path);
  const env = options.env ?? {};
  const token = options.token ?? env.TRIVY_TOKEN ?? process.env.TRIVY_TOKEN;
  const backend = options.trivyCacheBackend ?? 'memory';
  const requested = Math.max(1, Math.floor(options.concurrency ?? availableParallelism()));
  return {
    trivyPath: resolveExecutablePath(options.trivyPath ?? 'trivy'),
    // Trivy's fs backend locks the cache dir: parallel processes would fail on the lock.
    concurrency: backend === 'fs' && !options.server ? 1 : requested,
    severities: options.severities,
    ignoreUnfixed: options.ignoreUnfixed ?? false,
    ignoreFile: absolute(options.ignoreFile),
    scanTimeoutMs: options.scanTimeoutMs ?? DEFAULT_SCAN_TIMEOUT_MS,
    batchTimeoutMs: options.batchTimeoutMs,
    platform: options.platform,
    server: options.server,
    token: token === '' ? undefined : token,
    tokenHeader: options.tokenHeader ?? 'Trivy-Token',
    customHeaders: options.customHeaders ?? {},
    trivyCacheDir: absolute(options.trivyCacheDir),
    trivyCacheBackend: backend,
    dbRepository:
      typeof options.dbRepository === 'string' ? [options.dbRepository] : [...(options.dbRepository ?? [])],
    javaDbRepository:
      typeof options.javaDbRepository === 'string'
        ? [options.javaDbRepository]
        : [...(options.javaDbRepository ?? [])],
    insecure: options.insecure ?? false,
    skipDbUpdate: options.skipDbUpdate ?? false,
    imageSources: options.imageSources,
    cache: options.cache ?? defaultCacheDirectory(),
    tagTtlMs: options.tagTtlMs ?? DEFAULT_TAG_TTL_MS,
    retries: Math.max(0, options.retries ?? 2),
    retryDelayMs: options.retryDelayMs ?? 1000,
    env,
    extraArgs: options.extraArgs ?? [],
    registryCredentials: [...new Set((options.registryCredentials ?? []).map(normalizeRegistryHost))].sort(),
    maxReportBytes: options.maxReportBytes ?? DEFAULT_MAX_REPORT_BYTES,
    signal: options.signal,
    onEvent: options.onEvent,
  };
}

/** A name looked up on PATH stays as it is; a relative path becomes absolute. */
function resolveExecutablePath(path: string): string {
  return path.includes('/') || path.includes(sep) ? resolve(path) : path;
}

/** The default result-cache directory: core's {@link defaultCacheDirectory}, shared with the chart cache. */
export { defaultCacheDirectory };
