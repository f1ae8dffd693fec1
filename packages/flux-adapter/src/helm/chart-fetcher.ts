import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { redactSecrets, secretValues } from '@sluice/core';
import { ChartCache, type CachedChart } from './chart-cache.js';
import type { ChartReference } from './chart-reference.js';
import { applyChartMirrors, type ChartMirror } from './chart-mirrors.js';
import { runHelm } from './helm-command.js';
import { helmRepositoryCredentials } from './helm-repository-config.js';
import { parseVersion, selectChartVersion } from './semver.js';

/** A chart fetched (or found in the cache), or why it could not be. */
export type FetchChartResult = { readonly chart: CachedChart } | { readonly error: string };

/** How charts are fetched. */
export interface ChartFetcherOptions {
  readonly helm: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The chart cache folder. */
  readonly cacheDir: string;
  readonly mirrors: readonly ChartMirror[];
  /** Only the cache: nothing is fetched. */
  readonly offline: boolean;
  /** Milliseconds for one fetch. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** Told of every chart a release needed, downloaded or from the cache. */
  readonly onChart?: (event: ChartEvent) => void;
}

/** A chart a release needed. */
export interface ChartEvent {
  readonly url: string;
  readonly version: string;
  readonly digest: string;
  readonly from: 'network' | 'cache';
}

/** What a fetcher did during one run. */
export interface ChartFetchStats {
  /** Charts downloaded (`helm pull`, or an archive from an HTTP repository). */
  pulls: number;
  /** Charts answered by the cache. */
  cacheHits: number;
  /** `index.yaml` downloads. */
  indexFetches: number;
}

type RemoteReference = Extract<ChartReference, { type: 'http' | 'oci' }>;

/**
 * Fetches remote charts into the content-addressed {@link ChartCache}: each chart version once
 * per run however many releases use it (requests in flight are shared), nothing when the cache
 * already holds an exact version or digest. HTTP repositories are read directly (`index.yaml`,
 * then the archive, its digest checked); OCI charts are pulled by `helm pull`, with helm's own
 * registry credentials.
 */
export class ChartFetcher {
  readonly stats: ChartFetchStats = { pulls: 0, cacheHits: 0, indexFetches: 0 };
  readonly #cache: ChartCache;
  readonly #inFlight = new Map<string, Promise<FetchChartResult>>();
  readonly #indexes = new Map<string, Promise<{ index: RepositoryIndex } | { error: string }>>();

  constructor(readonly options: ChartFetcherOptions) {
    this.#cache = new ChartCache(options.cacheDir);
  }

  /** The chart of a reference. */
  fetch(reference: RemoteReference): Promise<FetchChartResult> {
    const key =
      reference.type === 'http'
        ? `http\0${reference.repositoryUrl}\0${reference.chart}\0${reference.version}`
        : `oci\0${reference.url}\0${reference.digest ?? reference.version}`;
    let pending = this.#inFlight.get(key);
    if (!pending) {
      const pullsBefore = this.stats.pulls;
      const url = reference.type === 'http' ? `${reference.repositoryUrl}/${reference.chart}` : reference.url;
      pending = (reference.type === 'http' ? this.#fetchHttp(reference) : this.#fetchOci(reference)).then(
        (result) => {
          if ('chart' in result) {
            const { version, digest } = result.chart;
            this.options.onChart?.({
              url,
              version,
              digest,
              from: this.stats.pulls > pullsBefore ? 'network' : 'cache',
            });
          }
          return result;
        },
        (error: unknown) => {
          this.options.signal?.throwIfAborted();
          return { error: this.#redact(error instanceof Error ? error.message : String(error)) };
        },
      );
      this.#inFlight.set(key, pending);
    }
    return pending;
  }

  async #fetchHttp(reference: Extract<ChartReference, { type: 'http' }>): Promise<FetchChartResult> {
    const prefix = `http\0${reference.repositoryUrl}\0${reference.chart}`;
    // An exact version needs no index when the cache holds it.
    if (parseVersion(reference.version)) {
      const cached = await this.#cache.lookup(`${prefix}\0${reference.version}`);
      if (cached) return this.#hit(cached);
    }
    const loaded = await this.#index(reference.repositoryUrl);
    if ('error' in loaded) return loaded;
    const entries = loaded.index.entries.get(reference.chart);
    if (!entries || entries.length === 0)
      return { error: `chart ${reference.chart} not found in ${reference.repositoryUrl}/index.yaml` };
    const selected = selectChartVersion(entries, reference.version);
    if ('error' in selected) return { error: `${selected.error} for chart ${reference.chart}` };
    const entry = selected.selected;
    const key = `${prefix}\0${entry.version}`;
    const cached = await this.#cache.lookup(key);
    if (cached) return this.#hit(cached);
    if (this.options.offline)
      return { error: `${reference.chart} ${entry.version} is not in the chart cache (offline)` };
    const first = entry.urls[0];
    if (!first) return { error: `chart ${reference.chart} ${entry.version} has no download URL` };
    const archiveUrl = new URL(first, `${reference.repositoryUrl.replace(/\/?$/, '/')}`).toString();
    const mirrored = applyChartMirrors(archiveUrl, this.options.mirrors);
    const bytes = await this.#download(mirrored.url);
    this.stats.pulls += 1;
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    if (entry.digest && `sha256:${entry.digest}` !== digest) {
      return { error: `${archiveUrl}: digest ${digest} differs from the index (sha256:${entry.digest})` };
    }
    const scratch = await this.#cache.scratch();
    try {
      const archive = join(scratch, 'chart.tgz');
      const unpacked = join(scratch, 'unpacked');
      await writeFile(archive, bytes);
      await mkdir(unpacked);
      // tar is loaded when a chart is first unpacked, not with the SDK (start-up).
      const { extract } = await import('tar');
      await extract({ file: archive, cwd: unpacked, strict: true });
      const name = await ChartCache.chartFolderName(unpacked);
      if (!name) return { error: `${archiveUrl} holds no chart (no Chart.yaml)` };
      const chart = await this.#cache.store(unpacked, { digest, name, version: entry.version }, [key]);
      return { chart };
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  async #fetchOci(reference: Extract<ChartReference, { type: 'oci' }>): Promise<FetchChartResult> {
    const prefix = `oci\0${reference.url}`;
    const wanted = reference.digest ?? reference.version;
    const exact = reference.digest !== undefined || parseVersion(reference.version) !== undefined;
    if (exact || this.options.offline) {
      let key = `${prefix}\0${wanted}`;
      if (!exact) {
        // Offline, a constraint picks among the cached versions, by the same rules.
        const selected = selectChartVersion(
          (await this.#cache.versions(prefix)).map((version) => ({ version })),
          reference.version,
        );
        if ('error' in selected) return { error: `${selected.error} in the chart cache (offline)` };
        key = `${prefix}\0${selected.selected.version}`;
      }
      const cached = await this.#cache.lookup(key);
      if (cached) return this.#hit(cached);
      if (this.options.offline)
        return { error: `${reference.url} ${wanted} is not in the chart cache (offline)` };
    }
    const mirrored = applyChartMirrors(reference.url, this.options.mirrors);
    const scratch = await this.#cache.scratch();
    try {
      const unpacked = join(scratch, 'unpacked');
      const target = reference.digest ? `${mirrored.url}@${reference.digest}` : mirrored.url;
      const args = [
        'pull',
        ...(reference.digest ? [] : [`--version=${reference.version}`]),
        `--destination=${scratch}`,
        '--untar',
        `--untardir=${unpacked}`,
        ...(mirrored.plainHttp ? ['--plain-http'] : []),
        '--',
        target,
      ];
      const result = await runHelm(args, {
        helm: this.options.helm,
        env: this.options.env,
        timeoutMs: this.options.timeoutMs,
        ...(this.options.signal ? { signal: this.options.signal } : {}),
      });
      if (!result.ok) return { error: result.error };
      this.stats.pulls += 1;
      const digest = /Digest:\s*(sha256:[a-f0-9]{64})/.exec(`${result.stdout}\n${result.stderr}`)?.[1];
      if (!digest) return { error: `helm pull ${reference.url} printed no digest` };
      const name = await ChartCache.chartFolderName(unpacked);
      if (!name) return { error: `${reference.url} holds no chart (no Chart.yaml)` };
      const chartYaml = yaml.load(await readFile(join(unpacked, name, 'Chart.yaml'), 'utf8')) as {
        version?: unknown;
      };
      const version = String(chartYaml.version ?? reference.version);
      const keys = [`${prefix}\0${version}`, `${prefix}\0${digest}`];
      const chart = await this.#cache.store(unpacked, { digest, name, version }, keys, { prefix });
      return { chart };
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  #hit(chart: CachedChart): FetchChartResult {
    this.stats.cacheHits += 1;
    return { chart };
  }

  /** The parsed `index.yaml` of a repository: once per run; offline, the copy kept in the cache. */
  #index(url: string): Promise<{ index: RepositoryIndex } | { error: string }> {
    let pending = this.#indexes.get(url);
    if (!pending) {
      pending = (async () => {
        let text: string | undefined;
        if (this.options.offline) {
          text = await this.#cache.readIndex(url);
          if (text === undefined) return { error: `the index of ${url} is not in the chart cache (offline)` };
        } else {
          const mirrored = applyChartMirrors(url, this.options.mirrors);
          text = new TextDecoder().decode(await this.#download(`${mirrored.url}/index.yaml`));
          this.stats.indexFetches += 1;
          await this.#cache.writeIndex(url, text);
        }
        return parseRepositoryIndex(text, url);
      })();
      this.#indexes.set(url, pending);
    }
    return pending;
  }

  async #download(url: string): Promise<Uint8Array> {
    const headers: Record<string, string> = {};
    const credentials = await helmRepositoryCredentials(url, this.options.env);
    if (credentials) {
      headers.authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    }
    const signals = [
      AbortSignal.timeout(this.options.timeoutMs),
      ...(this.options.signal ? [this.options.signal] : []),
    ];
    const response = await fetch(url, { headers, signal: AbortSignal.any(signals) }).catch(
      (error: unknown) => {
        this.options.signal?.throwIfAborted();
        const cause = (error as { cause?: { message?: string } }).cause?.message;
        throw new Error(`GET ${url}: ${cause ?? (error as Error).message}`);
      },
    );
    if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${response.statusText}`);
    return new Uint8Array(await response.arrayBuffer());
  }

  #redact(text: string): string {
    return redactSecrets(text, secretValues(this.options.env));
  }
}

/** One chart version of an `index.yaml`. */
interface IndexEntry {
  readonly version: string;
  readonly created?: string;
  readonly digest?: string;
  readonly urls: readonly string[];
}

interface RepositoryIndex {
  readonly entries: ReadonlyMap<string, readonly IndexEntry[]>;
}

function parseRepositoryIndex(text: string, url: string): { index: RepositoryIndex } | { error: string } {
  let document: unknown;
  try {
    document = yaml.load(text, { json: true });
  } catch (error) {
    return { error: `${url}/index.yaml is not YAML: ${(error as Error).message.split('\n')[0] ?? ''}` };
  }
  const raw = (document as { entries?: unknown } | undefined)?.entries;
  if (typeof raw !== 'object' || raw === null) return { error: `${url}/index.yaml has no entries` };
  const entries = new Map<string, IndexEntry[]>();
  for (const [name, list] of Object.entries(raw)) {
    if (!Array.isArray(list)) continue;
    entries.set(
      name,
      list
        .filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null)
        .map((item) => ({
          version: String(item.version ?? ''),
          ...(typeof item.created === 'string' ? { created: item.created } : {}),
          ...(typeof item.digest === 'string' ? { digest: item.digest } : {}),
          urls: Array.isArray(item.urls)
            ? item.urls.filter((entry): entry is string => typeof entry === 'string')
            : [],
        })),
    );
  }
  return { index: { entries } };
}
