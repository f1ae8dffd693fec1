import { copyFile, cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { joinRelative } from '../source/repo-files.js';
import type { SourceTree } from '../source/source-tree.js';

/**
 * Copies a chart folder of a source into `target` as source-controller's artifact holds it
 * (ignored files and links leaving the repository are absent), then vendors its `file://`
 * dependencies the way `helm dependency build` would, from the same source. Returns why the
 * chart cannot be rendered when a dependency from a chart repository is not vendored in
 * `charts/` (Sluice renders from the repository alone).
 */
export async function copySourceChart(
  tree: SourceTree,
  path: string,
  target: string,
  depth = 0,
): Promise<{ readonly ok: true } | { readonly error: string }> {
  if ((await tree.typeOf(`${path === '' ? '' : `${path}/`}Chart.yaml`)) !== 'file') {
    return { error: `no chart at ./${path} in ${tree.id} (no Chart.yaml)` };
  }
  await copyTree(tree, path, target);
  return vendorFileDependencies(tree, path, target, depth);
}

async function copyTree(tree: SourceTree, path: string, target: string): Promise<void> {
  await mkdir(target, { recursive: true });
  for (const entry of await tree.list(path)) {
    const child = path === '' ? entry.name : `${path}/${entry.name}`;
    const type = await tree.typeOf(child);
    const repoPath = tree.toRepoPath(child);
    if (!type || repoPath === undefined) continue;
    if (type === 'dir') await copyTree(tree, child, join(target, entry.name));
    else await copyFile(join(tree.files.root, repoPath), join(target, entry.name));
  }
}

async function vendorFileDependencies(
  tree: SourceTree,
  path: string,
  target: string,
  depth: number,
): Promise<{ readonly ok: true } | { readonly error: string }> {
  const chart = yaml.load(await readFile(join(target, 'Chart.yaml'), 'utf8')) as {
    dependencies?: unknown;
  } | null;
  const dependencies = Array.isArray(chart?.dependencies) ? chart.dependencies : [];
  if (dependencies.length === 0) return { ok: true };
  const vendored = await readdir(join(target, 'charts')).catch(() => [] as string[]);
  for (const dependency of dependencies as Record<string, unknown>[]) {
    const name = typeof dependency.name === 'string' ? dependency.name : '';
    const repository = typeof dependency.repository === 'string' ? dependency.repository : '';
    if (vendored.some((entry) => entry === name || (entry.startsWith(`${name}-`) && entry.endsWith('.tgz'))))
      continue;
    if (!repository.startsWith('file://')) {
      return {
        error: `dependency ${name} (${repository || 'no repository'}) of chart ./${path} is not vendored in charts/: run helm dependency build and commit charts/ (Sluice does not fetch chart dependencies)`,
      };
    }
    const dependencyPath = joinRelative(path, repository.slice('file://'.length));
    if (dependencyPath === undefined || depth > 8) {
      return { error: `dependency ${name} of chart ./${path}: ${repository} leaves the source` };
    }
    const copied = await copySourceChart(tree, dependencyPath, join(target, 'charts', name), depth + 1);
    if ('error' in copied) return { error: `dependency ${name} of chart ./${path}: ${copied.error}` };
  }
  return { ok: true };
}

/** Copies a cached chart into a working folder (to replace its `values.yaml`). */
export async function copyChartFolder(source: string, target: string): Promise<void> {
  await cp(source, target, { recursive: true });
}

/**
 * Replaces a working chart's default values, as source-controller does when `valuesFiles` are
 * set (`OverwriteChartDefaultValues`): the merged files become the chart's `values.yaml`.
 */
export async function overwriteChartValues(chartDir: string, values: Record<string, unknown>): Promise<void> {
  await writeFile(join(chartDir, 'values.yaml'), yaml.dump(values, { noRefs: true }));
}
