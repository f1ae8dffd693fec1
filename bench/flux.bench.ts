// The whole joryirving-home-ops corpus read as Flux would (every Kustomization rendered with its
// overlay and postBuild substitution, every HelmRelease's values read, images with positions)
// against running `kubectl kustomize` once per Kustomization folder, in the same run. The image
// sets of the built-in renderer and of kubectl are compared folder by folder.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadFluxRepository } from '@sluice/flux-adapter';
import type { BenchOptions, BenchSection } from './section.js';
import { medianTime, timeOnce } from './section.js';
import { compareFolderImages } from '../packages/flux-adapter/src/kustomize/compare-folder-images.js';

const runFile = promisify(execFile);
const HOME_OPS = fileURLToPath(new URL('../fixtures/corpora/joryirving-home-ops/', import.meta.url));
/** A smoke run reads the small Flux example instead. */
const SMOKE_CORPUS = fileURLToPath(
  new URL('../fixtures/corpora/flux2-kustomize-helm-example-pre-2.7/', import.meta.url),
);
const TARGET = 10;

/** Runs the benchmark and returns its section of docs/benchmarks.md. */
export async function run(options: BenchOptions = {}): Promise<BenchSection> {
  const corpus = options.smoke ? SMOKE_CORPUS : HOME_OPS;
  try {
    await runFile('kubectl', ['version', '--client']);
  } catch {
    return {
      title: 'Flux repository rendering',
      markdown: 'Skipped: `kubectl` is not installed.',
      targetsMet: true,
    };
  }
  const repo = await loadFluxRepository(corpus);
  const all = [
    ...new Set(
      repo.workloads
        .filter(
          (workload) =>
            workload.kind === 'Kustomization' &&
            workload.method === 'rendered' &&
            workload.path !== undefined,
        )
        .map((workload) => workload.path ?? ''),
    ),
  ].sort();
  // A smoke run builds 3 folders with kubectl instead of every one.
  const folders = options.smoke ? all.slice(0, 3) : all;
  const builtinMs = await medianTime(() => loadFluxRepository(corpus), options.smoke ? 1 : 5);
  let failed = 0;
  const kubectlMs = await timeOnce(async () => {
    for (const folder of folders) {
      try {
        await runFile(
          'kubectl',
          ['kustomize', '--load-restrictor', 'LoadRestrictionsNone', `${corpus}${folder}`],
          { maxBuffer: 64 * 2 ** 20 },
        );
      } catch {
        failed += 1;
      }
    }
  });
  const comparison = await compareFolderImages(corpus, folders);
  const ratio = kubectlMs / builtinMs;
  const identical = comparison.mismatches.length === 0;
  const targetsMet = ratio >= TARGET && identical;
  const kustomizations = repo.workloads.filter((workload) => workload.kind === 'Kustomization').length;
  const helmReleases = repo.workloads.filter((workload) => workload.kind === 'HelmRelease').length;
  const markdown = [
    `Corpus: joryirving-home-ops (${repo.clusters?.length ?? 0} clusters, ${kustomizations} Kustomizations and ${helmReleases} HelmReleases across clusters, ${folders.length} distinct Kustomization folders, ${repo.images.length} unique images).`,
    '',
    '| Run | Time | Ratio |',
    '| --- | ---: | ---: |',
    `| \`loadFluxRepository\` (built-in renderer, whole repository, median of 5) | ${builtinMs.toFixed(0)} ms | 1.0× |`,
    `| \`kubectl kustomize\` once per Kustomization folder (${folders.length} folders, sequential${failed ? `; ${failed} kubectl cannot build: no kustomization file, or files left out of the corpus` : ''}) | ${kubectlMs.toFixed(0)} ms | ${ratio.toFixed(1)}× slower |`,
    '',
    `Image sets, folder by folder (built-in renderer vs kubectl, every folder kubectl builds: ${comparison.compared}): ${
      identical
        ? 'identical'
        : `${comparison.mismatches.length} differ (${comparison.mismatches
            .slice(0, 5)
            .map((mismatch) => mismatch.folder)
            .join(', ')})`
    }.`,
    '',
    `Target: at least ${TARGET}× faster with identical image sets — ${targetsMet ? 'met' : 'MISSED'}.`,
  ].join('\n');
  return { title: 'Flux repository rendering', markdown, targetsMet };
}
