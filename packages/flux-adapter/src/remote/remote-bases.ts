import { join } from 'node:path';
import { defaultCacheDirectory } from '@sluice/core';
import { RepoFiles } from '../source/repo-files.js';
import { CheckoutTree } from './checkout-tree.js';
import { fetchGitCheckout, type GitFetchOptions, type GitFetchResult } from './git-fetch.js';
import { applyGitMirrors, type GitMirror } from './git-mirrors.js';
import { RemoteCache } from './remote-cache.js';
import { remoteCacheKey, remoteLabel, withoutCredentials, type RemoteSpec } from './remote-spec.js';

/**
 * What Sluice does with a remote kustomize base: `unknown` (never fetch; the object that uses it
 * is unknown), `fetch` (fetch bases pinned to a commit id or a tag), `fetch-unpinned` (also
 * bases on a branch or the default branch, whose content moves).
 */
export type RemoteBasesMode = 'unknown' | 'fetch' | 'fetch-unpinned';

/** How remote kustomize bases are fetched (`loadFluxRepository({ remoteBases })`). */
export interface RemoteBaseOptions {
  /** @default 'unknown' (no network) */
  readonly mode?: RemoteBasesMode;
  /**
   * The cache folder of fetched bases.
   * @default `<user cache directory>/sluice/git` (`$XDG_CACHE_HOME/sluice/git` or `~/.cache/sluice/git`)
   */
  readonly cacheDir?: string;
  /**
   * URL-prefix rewrites of clone URLs (air-gapped mirrors, tests): `https://github.com/` →
   * `http://127.0.0.1:8080/`. Cache keys and report locations keep the URL as written.
   * @default []
   */
  readonly mirrors?: readonly GitMirror[];
  /** @default 'git' (on PATH) */
  readonly git?: string;
  /**
   * Milliseconds for one whole fetch (each git command also has the URL's `?timeout=`, 27 s by
   * default, as in kustomize).
   * @default 120000
   */
  readonly timeoutMs?: number;
  /** The largest checkout, `.git` included. @default 104857600 (100 MiB) */
  readonly maxBytes?: number;
  /** The most files and folders in one checkout. @default 20000 */
  readonly maxEntries?: number;
  /** Remote bases nested inside remote bases, at most. @default 5 */
  readonly maxDepth?: number;
  /** The environment git runs with (credentials, ssh agent). @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** A fetched remote base, ready to build. */
export interface FetchedRemoteBase {
  readonly tree: CheckoutTree;
  /** The folder kustomize builds inside it. */
  readonly path: string;
  /** `<URL>@<ref>`: how its files are shown. */
  readonly label: string;
  readonly commit: string;
  /** True when read from the cache (no network). */
  readonly cached: boolean;
  /** The URL git spoke to, when a mirror replaced the one written. */
  readonly mirror?: string;
}

/** A fetched base, or why it is unknown. */
export type RemoteResolution = FetchedRemoteBase | { readonly reason: string };

/**
 * Fetches remote kustomize bases the way kustomize-controller's kustomize does, once per run
 * for each (URL, ref), from the cache when already fetched (pinned refs only: a cached commit id
 * never changes, and a tag is taken as pinned).
 */
export class RemoteBases {
  readonly mode: RemoteBasesMode;
  readonly maxDepth: number;
  readonly #options: RemoteBaseOptions;
  readonly #cache: RemoteCache;
  readonly #checkouts = new Map<
    string,
    Promise<{ dir: string; commit: string; cached: boolean } | { reason: string }>
  >();
  readonly #trees = new Map<string, CheckoutTree>();

  constructor(options: RemoteBaseOptions = {}) {
    this.#options = options;
    this.mode = options.mode ?? 'unknown';
    this.maxDepth = options.maxDepth ?? 5;
    const env = options.env ?? process.env;
    this.#cache = new RemoteCache(options.cacheDir ?? join(defaultCacheDirectory(env), 'git'));
  }

  /** The base's files (fetched or cached), or why they are unknown. */
  async resolve(spec: RemoteSpec, signal?: AbortSignal): Promise<RemoteResolution> {
    if (this.mode === 'unknown')
      return { reason: 'remote bases are not fetched (offline build; --remote-bases fetch allows it)' };
    if (spec.pin.kind === 'unpinned' && this.mode !== 'fetch-unpinned')
      return {
        reason: `${spec.pin.why}: what Flux deploys from it cannot be reproduced later (pin ?ref= to a tag or a commit id, or pass --remote-bases fetch-unpinned)`,
      };
    const key = remoteCacheKey(spec);
    let pending = this.#checkouts.get(key);
    if (!pending) {
      pending = this.#checkout(spec, key, signal);
      this.#checkouts.set(key, pending);
    }
    const checkout = await pending;
    if ('reason' in checkout) return checkout;
    const label = remoteLabel(spec);
    const treeKey = `${label}\0${checkout.dir}`;
    let tree = this.#trees.get(treeKey);
    if (!tree) {
      tree = new CheckoutTree(`remote/${label}`, await RepoFiles.open(checkout.dir, { label }));
      this.#trees.set(treeKey, tree);
    }
    const mirror = applyGitMirrors(spec.cloneUrl, this.#options.mirrors ?? []);
    return {
      tree,
      path: spec.path,
      label,
      commit: checkout.commit,
      cached: checkout.cached,
      ...(mirror === spec.cloneUrl ? {} : { mirror: withoutCredentials(mirror) }),
    };
  }

  async #checkout(
    spec: RemoteSpec,
    key: string,
    signal: AbortSignal | undefined,
  ): Promise<{ dir: string; commit: string; cached: boolean } | { reason: string }> {
    const pinned = spec.pin.kind !== 'unpinned';
    if (pinned) {
      const cached = await this.#cache.lookup(key);
      if (cached) return { ...cached, cached: true };
    }
    const url = applyGitMirrors(spec.cloneUrl, this.#options.mirrors ?? []);
    let result: GitFetchResult;
    let scratch = await this.#cache.scratch();
    const fetchRef = async (ref: string): Promise<GitFetchResult> =>
      fetchGitCheckout(
        join(scratch, 'files'),
        { url, ref, submodules: spec.submodules },
        this.#fetchOptions(spec, signal),
      );
    try {
      if (spec.pin.kind === 'commit') result = await fetchRef(spec.pin.commit);
      else if (spec.pin.kind === 'tag-name') {
        result = await fetchRef(`refs/tags/${spec.pin.tag}`);
        if (!result.ok && result.missingRef) {
          if (this.mode !== 'fetch-unpinned') {
            await this.#cache.discard(scratch);
            return {
              reason: `?ref=${spec.ref} is not a tag of ${withoutCredentials(spec.cloneUrl)} (${result.error}); a branch moves, so what Flux deploys from it cannot be reproduced later (pin a tag or a commit id, or pass --remote-bases fetch-unpinned)`,
            };
          }
          await this.#cache.discard(scratch);
          scratch = await this.#cache.scratch();
          result = await fetchRef(spec.ref);
        }
      } else result = await fetchRef(spec.ref === '' ? 'HEAD' : spec.ref);
    } catch (error) {
      await this.#cache.discard(scratch);
      throw error;
    }
    if (!result.ok) {
      await this.#cache.discard(scratch);
      return { reason: `fetching ${withoutCredentials(url)} failed: ${result.error}` };
    }
    if (spec.pin.kind === 'commit' && result.commit !== spec.pin.commit) {
      await this.#cache.discard(scratch);
      return { reason: `the remote answered commit ${result.commit} for ?ref=${spec.ref}` };
    }
    // A moving ref is kept under its commit: never found again by its name.
    const storeKey = pinned ? key : JSON.stringify([key, result.commit]);
    const stored = await this.#cache.store(scratch, storeKey, result.commit);
    return { ...stored, cached: false };
  }

  #fetchOptions(spec: RemoteSpec, signal: AbortSignal | undefined): GitFetchOptions {
    return {
      git: this.#options.git ?? 'git',
      env: this.#options.env ?? process.env,
      commandTimeoutMs: spec.timeoutMs,
      totalTimeoutMs: this.#options.timeoutMs ?? 120_000,
      maxBytes: this.#options.maxBytes ?? 100 * 1024 * 1024,
      maxEntries: this.#options.maxEntries ?? 20_000,
      ...(signal ? { signal } : {}),
    };
  }
}
