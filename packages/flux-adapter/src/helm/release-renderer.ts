import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import pLimit, { type LimitFunction } from 'p-limit';
import type { Diagnostic } from '@sluice/core';
import type { Provenance } from '../kustomize/provenance.js';
import { isMap, type YamlMap } from '../kustomize/resource.js';
import type { ImageSet } from '../images/image-set.js';
import type { SourceTree } from '../source/source-tree.js';
import { collectChartImages } from './chart-images.js';
import { ChartFetcher, type ChartEvent, type ChartFetchStats } from './chart-fetcher.js';
import type { ChartReference } from './chart-reference.js';
import {
  resolveHelmRenderOptions,
  type HelmRenderOptions,
  type ResolvedHelmRenderOptions,
} from './helm-options.js';
import { runHelm } from './helm-command.js';
import { applyPostRenderers } from './post-render.js';
import { copyChartFolder, copySourceChart, overwriteChartValues } from './prepare-chart.js';
import { mergeValues } from './release-values.js';
import { renderChart } from './render-chart.js';

/** One HelmRelease to render. */
export interface ReleaseRenderJob {
  readonly id: string;
  readonly reference: ChartReference;
  readonly releaseName: string;
  readonly namespace: string;
  /** The HelmRelease spec (postRenderers, test, install/upgrade hooks). */
  readonly spec: YamlMap;
  /** The release values (valuesFrom, then spec.values), with positions. */
  readonly values: YamlMap;
  /** Where the HelmRelease is written. */
  readonly file: string;
  readonly line: number;
  /** The root source tree (for post-renderer patches). */
  readonly rootTree: SourceTree;
  readonly provenance: Provenance;
  readonly diagnostics: Diagnostic[];
  readonly consumed: Set<string>;
  readonly signal?: AbortSignal;
}

/** The images of a rendered release, or why it was not rendered (helm's own message). */
export type ReleaseRenderResult =
  | { readonly images: ImageSet; readonly chart: { readonly name: string; readonly version: string } }
  | { readonly error: string };

/**
 * Renders HelmReleases as helm-controller would, in a bounded pool: the chart is fetched once per
 * run (content-addressed cache) or copied from the repository, `valuesFiles` replace the chart's
 * defaults, `helm template` renders hooks (and tests when enabled), post-renderers apply, and
 * every image is located (a value, a post-renderer entry, or the chart's line).
 */
export class ReleaseRenderer {
  readonly options: ResolvedHelmRenderOptions;
  readonly #fetcher: ChartFetcher;
  readonly #limit: LimitFunction;
  #helmCheck: Promise<string | undefined> | undefined;

  constructor(options: HelmRenderOptions, signal?: AbortSignal, onChart?: (event: ChartEvent) => void) {
    this.options = resolveHelmRenderOptions(options);
    this.#fetcher = new ChartFetcher({
      helm: this.options.helm,
      env: this.options.env,
      cacheDir: this.options.cacheDir,
      mirrors: this.options.chartMirrors,
      offline: this.options.offline,
      timeoutMs: this.options.timeoutMs,
      ...(signal ? { signal } : {}),
      ...(onChart ? { onChart } : {}),
    });
    this.#limit = pLimit(this.options.concurrency);
  }

  /** Chart pulls and cache hits so far. */
  get stats(): Readonly<ChartFetchStats> {
    return this.#fetcher.stats;
  }

  /** Renders one release when the pool has room. */
  render(job: ReleaseRenderJob): Promise<ReleaseRenderResult> {
    return this.#limit(() => this.#render(job));
  }

  /**
   * Why helm cannot run (checked once per run with `helm version`), so that without helm no
   * chart is fetched for nothing and every release says the same thing.
   */
  #helmMissing(signal: AbortSignal | undefined): Promise<string | undefined> {
    this.#helmCheck ??= runHelm(['version', '--short'], {
      helm: this.options.helm,
      env: this.options.env,
      timeoutMs: this.options.timeoutMs,
      ...(signal ? { signal } : {}),
    }).then((result) => (result.ok ? undefined : result.error));
    return this.#helmCheck;
  }

  async #render(job: ReleaseRenderJob): Promise<ReleaseRenderResult> {
    job.signal?.throwIfAborted();
    const missing = await this.#helmMissing(job.signal);
    if (missing !== undefined) return { error: missing };
    const workDir = await mkdtemp(join(tmpdir(), 'sluice-helm-'));
    try {
      const prepared = await this.#prepareChart(job, workDir);
      if ('error' in prepared) return prepared;
      const chartYaml = yaml.load(
        await readFile(join(prepared.chartDir, 'Chart.yaml'), 'utf8'),
      ) as YamlMap | null;
      const chart = {
        name: typeof chartYaml?.name === 'string' ? chartYaml.name : '',
        version: String(chartYaml?.version ?? ''),
      };
      const install = isMap(job.spec.install) ? job.spec.install : {};
      const upgrade = isMap(job.spec.upgrade) ? job.spec.upgrade : {};
      const test = isMap(job.spec.test) ? job.spec.test : {};
      const rendered = await renderChart(
        {
          chartDir: prepared.chartDir,
          releaseName: job.releaseName,
          namespace: job.namespace,
          values: job.values,
          workDir,
          kubeVersion: this.options.kubeVersion,
          tests: test.enable === true,
          // A hook an install or an upgrade runs pulls its image: left out only when both skip hooks.
          noHooks: install.disableHooks === true && upgrade.disableHooks === true,
        },
        {
          helm: this.options.helm,
          env: this.options.env,
          timeoutMs: this.options.timeoutMs,
          ...(job.signal ? { signal: job.signal } : {}),
        },
      );
      if ('error' in rendered) return { error: rendered.error };
      // A post-renderer entry Sluice cannot apply leaves the release unknown: its diagnostics
      // name the release (a patch that fails in Sluice may well apply in helm-controller).
      const postRenderDiagnostics: Diagnostic[] = [];
      await applyPostRenderers(job.spec, rendered.objects, {
        tree: job.rootTree,
        file: job.file,
        line: job.line,
        provenance: job.provenance,
        diagnostics: postRenderDiagnostics,
        consumed: job.consumed,
      });
      for (const diagnostic of postRenderDiagnostics)
        job.diagnostics.push({ ...diagnostic, object: diagnostic.object ?? job.id });
      const userValues: YamlMap = {};
      mergeValues(userValues, prepared.repositoryValues, job.provenance);
      mergeValues(userValues, job.values, job.provenance);
      const images = collectChartImages(
        rendered.objects,
        {
          releaseId: job.id,
          namespace: job.namespace,
          chart,
          chartOrigin: job.reference.origin,
          fallback: { file: job.file, line: job.line },
          values: userValues,
          provenance: job.provenance,
        },
        job.diagnostics,
      );
      return { images, chart };
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  }

  /**
   * The chart folder to render: a copy of a chart of the repository, or the cached chart (a copy
   * when `valuesFiles` replace its values). `repositoryValues` are the valuesFiles written in
   * the repository (with positions), for locating images.
   */
  async #prepareChart(
    job: ReleaseRenderJob,
    workDir: string,
  ): Promise<{ chartDir: string; repositoryValues: YamlMap } | { error: string }> {
    const { reference } = job;
    const chartDir = join(workDir, 'chart');
    if (reference.type === 'source-path') {
      const copied = await copySourceChart(reference.tree, reference.path, chartDir);
      if ('error' in copied) return copied;
      if (reference.valuesFiles.length === 0) return { chartDir, repositoryValues: {} };
      const merged: YamlMap = {};
      for (const path of reference.valuesFiles) {
        const parsed = await reference.tree.parse(path.replace(/^\.\//, ''));
        const document = parsed?.documents[0];
        if (!parsed || !document) {
          if (reference.ignoreMissingValuesFiles) continue;
          return { error: `no values file found at path '${path}' in ${reference.sourceId} (valuesFiles)` };
        }
        const file = reference.tree.toRepoPath(path.replace(/^\.\//, '')) ?? path;
        job.provenance.register(document.value, { file, positions: document.positions, documentIndex: 0 });
        if (isMap(document.value)) mergeValues(merged, document.value, job.provenance);
      }
      await overwriteChartValues(chartDir, merged);
      return { chartDir, repositoryValues: merged };
    }
    const fetched = await this.#fetcher.fetch(reference);
    if ('error' in fetched) return fetched;
    if (reference.valuesFiles.length === 0) return { chartDir: fetched.chart.dir, repositoryValues: {} };
    // The values files of a chart from a chart repository are files inside the chart.
    await copyChartFolder(fetched.chart.dir, chartDir);
    const merged: YamlMap = {};
    for (const path of reference.valuesFiles) {
      const text = await readFile(join(chartDir, path.replace(/^\.\//, '')), 'utf8').catch(() => undefined);
      if (text === undefined || path.includes('..')) {
        if (reference.ignoreMissingValuesFiles) continue;
        return {
          error: `no values file found at path '${path}' in chart ${fetched.chart.name} (valuesFiles)`,
        };
      }
      const values = yaml.load(text);
      if (isMap(values)) mergeValues(merged, values, job.provenance);
    }
    await overwriteChartValues(chartDir, merged);
    return { chartDir, repositoryValues: {} };
  }
}
