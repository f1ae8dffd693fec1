import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import yaml from 'js-yaml';
import { parseYaml } from '@sluice/core';
import { isMap } from '../kustomize/resource.js';
import type { HelmRenderRequest, HelmRenderResult, HelmRenderer } from './helm-renderer.js';

/** Options of {@link helmTemplateRenderer}. */
export interface HelmTemplateRendererOptions {
  /**
   * The helm executable.
   * @default 'helm'
   */
  readonly helm?: string;
  /**
   * Milliseconds before one `helm template` is killed.
   * @default 120000
   */
  readonly timeout?: number;
}

/**
 * Renders HelmRelease charts with `helm template` (no shell), so that images that only exist
 * in chart defaults are found. Supports charts from a HelmRepository (`https://` index or
 * `oci://` prefix) and from an OCIRepository; the release's values are passed as a file.
 * Needs helm and network access to the chart registry.
 *
 * @example
 * ```ts
 * const repo = await loadFluxRepository(root, { helmRenderer: helmTemplateRenderer() });
 * ```
 */
export function helmTemplateRenderer(options: HelmTemplateRendererOptions = {}): HelmRenderer {
  const helm = options.helm ?? 'helm';
  const timeout = options.timeout ?? 120_000;
  return {
    name: 'helm-template',
    async render(request: HelmRenderRequest): Promise<HelmRenderResult> {
      const chart = chartArguments(request);
      if ('error' in chart) return chart;
      const workDir = await mkdtemp(join(tmpdir(), 'sluice-helm-'));
      try {
        const valuesFile = join(workDir, 'values.yaml');
        await writeFile(valuesFile, yaml.dump(request.values));
        const args = [
          'template',
          request.releaseName,
          ...chart.args,
          '--namespace',
          request.namespace,
          '--values',
          valuesFile,
        ];
        const result = await execa(helm, args, {
          timeout,
          reject: false,
          ...(request.signal ? { cancelSignal: request.signal } : {}),
        });
        request.signal?.throwIfAborted();
        if (result.exitCode !== 0) {
          const reason =
            String(result.stderr).trim().split('\n').slice(-1)[0] ?? `exit code ${String(result.exitCode)}`;
          return {
            error:
              result.failed && result.exitCode === undefined
                ? `${helm} could not run: ${result.message}`
                : reason,
          };
        }
        const manifests = parseYaml(String(result.stdout), request.id)
          .documents.map((document) => document.value)
          .filter(isMap);
        return { manifests };
      } finally {
        await rm(workDir, { recursive: true, force: true });
      }
    },
  };
}

/** The chart arguments of `helm template` for a request, or why the chart cannot be fetched. */
export function chartArguments(request: HelmRenderRequest): { args: string[] } | { error: string } {
  const { chart } = request;
  const version = chart.version ? ['--version', chart.version] : [];
  if (!chart.url)
    return {
      error: `the URL of ${chart.sourceId} is not known (the source is not written in the repository)`,
    };
  if (chart.sourceKind === 'OCIRepository') return { args: [chart.url, ...version] };
  if (chart.sourceKind === 'HelmRepository' && chart.name) {
    if (chart.url.startsWith('oci://'))
      return { args: [`${chart.url.replace(/\/$/, '')}/${chart.name}`, ...version] };
    return { args: [chart.name, '--repo', chart.url, ...version] };
  }
  return { error: `charts from a ${chart.sourceKind} are not rendered` };
}
