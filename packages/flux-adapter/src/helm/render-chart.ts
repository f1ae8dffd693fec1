import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { parseYaml } from '@sluice/core';
import { isMap, type YamlMap } from '../kustomize/resource.js';
import { runHelm, type HelmCommandOptions } from './helm-command.js';

/** One object `helm template` rendered. */
export interface RenderedObject {
  readonly object: YamlMap;
  /** The template it came from, as helm names it (`podinfo/templates/deployment.yaml`). */
  readonly template: string;
  /** A hook (`helm.sh/hook` annotation): deployed around install and upgrade, or a test. */
  readonly hook: boolean;
}

/** What to render. */
export interface RenderChartRequest {
  /** Absolute path of the chart folder. */
  readonly chartDir: string;
  readonly releaseName: string;
  readonly namespace: string;
  /** The release's values (valuesFrom then spec.values); chart defaults are the chart's. */
  readonly values: YamlMap;
  /** A folder for the values file. */
  readonly workDir: string;
  /** `Capabilities.KubeVersion` (`--kube-version`). */
  readonly kubeVersion: string;
  /** Render test hooks (`spec.test.enable`). */
  readonly tests: boolean;
  /** Leave hooks out (`disableHooks` on both install and upgrade). */
  readonly noHooks: boolean;
}

/**
 * Renders a chart with `helm template` as helm-controller's install would (hooks included, test
 * hooks only when asked), and returns each object with the template it came from.
 */
export async function renderChart(
  request: RenderChartRequest,
  command: HelmCommandOptions,
): Promise<
  { readonly objects: readonly RenderedObject[] } | { readonly error: string; readonly missing?: boolean }
> {
  const valuesFile = join(request.workDir, 'release-values.yaml');
  await writeFile(valuesFile, yaml.dump(request.values, { noRefs: true }));
  const args = [
    'template',
    `--namespace=${request.namespace}`,
    `--values=${valuesFile}`,
    `--kube-version=${request.kubeVersion}`,
    ...(request.tests ? [] : ['--skip-tests']),
    ...(request.noHooks ? ['--no-hooks'] : []),
    '--',
    request.releaseName,
    request.chartDir,
  ];
  const result = await runHelm(args, command);
  if (!result.ok) return { error: result.error, ...(result.missing ? { missing: true } : {}) };
  return { objects: splitRenderedManifest(result.stdout) };
}

/** Splits `helm template` output into objects, each with its `# Source:` template. */
export function splitRenderedManifest(text: string): RenderedObject[] {
  const objects: RenderedObject[] = [];
  for (const chunk of text.split(/^---[ \t]*$/m)) {
    const template = /^# Source: (.+)$/m.exec(chunk)?.[1]?.trim() ?? '';
    const parsed = parseYaml(chunk, template || 'helm-template-output');
    for (const document of parsed.documents) {
      if (!isMap(document.value)) continue;
      const metadata = isMap(document.value.metadata) ? document.value.metadata : {};
      const annotations = isMap(metadata.annotations) ? metadata.annotations : {};
      objects.push({ object: document.value, template, hook: annotations['helm.sh/hook'] !== undefined });
    }
  }
  return objects;
}
