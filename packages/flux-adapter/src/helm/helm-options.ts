import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { defaultCacheDirectory } from '@sluice/core';
import type { ChartMirror } from './chart-mirrors.js';

/** The Kubernetes version charts are rendered for when none is given (`Capabilities.KubeVersion`). */
export const DEFAULT_KUBE_VERSION = '1.33.0';

/** How HelmRelease charts are fetched and rendered (`loadFluxRepository({ helm })`). */
export interface HelmRenderOptions {
  /**
   * The helm executable (3.x or 4.x).
   * @default 'helm' (on PATH)
   */
  readonly helm?: string;
  /**
   * The chart cache folder.
   * @default `<user cache directory>/sluice/charts` (`$XDG_CACHE_HOME/sluice/charts` or `~/.cache/sluice/charts`)
   */
  readonly cacheDir?: string;
  /**
   * URL-prefix rewrites for HelmRepository and OCIRepository URLs (air-gapped mirrors, tests).
   * @default []
   */
  readonly chartMirrors?: readonly ChartMirror[];
  /**
   * Charts only from the cache and the repository: nothing is fetched.
   * @default false
   */
  readonly offline?: boolean;
  /**
   * The Kubernetes version templates see (`--kube-version`).
   * @default DEFAULT_KUBE_VERSION
   */
  readonly kubeVersion?: string;
  /**
   * Charts fetched and rendered at once.
   * @default the number of CPUs
   */
  readonly concurrency?: number;
  /**
   * Milliseconds for one chart fetch and for one `helm template`.
   * @default 120000
   */
  readonly timeoutMs?: number;
  /**
   * The environment helm runs with: its settings and credentials (`HELM_*`, registry config).
   * @default process.env
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** {@link HelmRenderOptions} with every default applied. */
export type ResolvedHelmRenderOptions = Required<HelmRenderOptions>;

/** Applies the documented defaults. */
export function resolveHelmRenderOptions(options: HelmRenderOptions): ResolvedHelmRenderOptions {
  const env = options.env ?? process.env;
  return {
    helm: options.helm ?? 'helm',
    cacheDir: options.cacheDir ?? join(defaultCacheDirectory(env), 'charts'),
    chartMirrors: options.chartMirrors ?? [],
    offline: options.offline ?? false,
    kubeVersion: options.kubeVersion ?? DEFAULT_KUBE_VERSION,
    concurrency: Math.max(1, options.concurrency ?? availableParallelism()),
    timeoutMs: options.timeoutMs ?? 120_000,
    env,
  };
}
