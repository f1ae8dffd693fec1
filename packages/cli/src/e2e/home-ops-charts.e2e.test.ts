// The Done-when of chart rendering on the largest corpus: with every chart reachable, no
// HelmRelease of joryirving/home-ops is unknown for want of rendering. Its 60 charts come from
// OCIRepositories on six registries; the real charts cannot be fetched here (no internet), so
// each (chart, version) the corpus names is pushed to a real loopback registry as a stand-in
// (app-template's stand-in renders the release's controllers; any other chart deploys an image
// named after it), and `--chart-mirror` points each registry at the loopback one.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createHelmHome,
  helmBinary,
  packageChart,
  pushChart,
  repoPath,
  startRegistry,
  testChart,
  type TestRegistry,
} from '@sluice/test-utils';
import { execFileSync } from 'node:child_process';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const CORPUS = 'fixtures/corpora/joryirving-home-ops';

interface ChartSource {
  /** `oci://HOST/PATH/NAME` without the `oci://`. */
  readonly host: string;
  readonly path: string;
  readonly name: string;
  readonly tag: string;
}

/** Every chart (registry, path, name, tag) the corpus's OCIRepositories select. */
async function chartSources(): Promise<ChartSource[]> {
  const files = execFileSync('grep', ['-rl', 'kind: OCIRepository', repoPath(CORPUS)], { encoding: 'utf8' })
    .trim()
    .split('\n');
  const found = new Map<string, ChartSource>();
  for (const file of files) {
    for (const document of yaml.loadAll(await readFile(file, 'utf8'))) {
      const object = document as {
        kind?: string;
        spec?: { url?: string; ref?: { tag?: string }; layerSelector?: unknown };
      };
      // The one OCIRepository without a Helm layerSelector holds Kustomize manifests, not a chart.
      if (object?.kind !== 'OCIRepository' || !object.spec?.layerSelector) continue;
      const url = object.spec.url ?? '';
      const tag = object.spec.ref?.tag ?? '';
      const parts = url.replace(/^oci:\/\//, '').split('/');
      const name = parts.pop() ?? '';
      const [host = '', ...path] = parts;
      found.set(`${url}:${tag}`, { host, path: path.join('/'), name, tag });
    }
  }
  return [...found.values()];
}

let helm: string;
let home: Awaited<ReturnType<typeof createHelmHome>>;
let registry: TestRegistry;
let work: string;
let sources: ChartSource[];

/** Packages the stand-in for one chart under its name and version and pushes it. */
async function publishStandin(source: ChartSource): Promise<void> {
  let chartDir = testChart('standins/app-template');
  if (source.name !== 'app-template') {
    chartDir = join(work, 'charts', `${source.name}-${source.tag}`, source.name);
    await cp(testChart('standins/generic'), chartDir, { recursive: true });
    const chartYaml = join(chartDir, 'Chart.yaml');
    await writeFile(
      chartYaml,
      (await readFile(chartYaml, 'utf8')).replace('name: generic', `name: ${source.name}`),
    );
  }
  const archive = await packageChart(helm, home.env, chartDir, join(work, 'archives', source.host), {
    version: source.tag,
  });
  await pushChart(
    helm,
    home.env,
    archive,
    registry.host,
    [source.host, source.path].filter(Boolean).join('/'),
  );
}

beforeAll(async () => {
  helm = await helmBinary(3);
  home = await createHelmHome();
  work = await mkdtemp(join(tmpdir(), 'sluice-home-ops-charts-'));
  registry = await startRegistry();
  sources = await chartSources();
  const queue = [...sources];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let source = queue.shift(); source; source = queue.shift()) await publishStandin(source);
    }),
  );
}, 300_000);

afterAll(async () => {
  await registry?.stop();
  await home?.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
});

interface ImagesJson {
  workloads: { id: string; kind: string; method: string; unresolvedReason?: string; images: string[] }[];
  images: { ref: string; locations: { file: string; line: number }[] }[];
}

describe('sluice images on home-ops with every chart reachable (stand-ins on a loopback registry)', () => {
  it('renders every deployed HelmRelease but the one pinned to a chart digest no stand-in can match', async () => {
    expect(sources.length).toBeGreaterThanOrEqual(60);
    const hosts = [...new Set(sources.map((source) => source.host))].sort();
    const run = await runCli(
      [
        'images',
        CORPUS,
        '--format',
        'json',
        '--helm-path',
        helm,
        '--cache',
        join(work, 'cache'),
        ...hosts.flatMap((host) => ['--chart-mirror', `oci://${host}=oci://${registry.host}/${host}`]),
      ],
      { env: home.env },
    );
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as ImagesJson;
    const releases = json.workloads.filter((workload) => workload.kind === 'HelmRelease');
    const deployed = releases.filter((release) => !release.unresolvedReason?.startsWith('not deployed'));
    expect(deployed.length).toBeGreaterThan(190);
    const unrendered = deployed.filter((release) => release.method !== 'helm-template');
    // Its chart (OCIRepository games/direwolf-operator) is pinned by digest (`ref.digest` wins over
    // `ref.tag`, as in source-controller): the stand-in has other bytes, so that release alone stays
    // unknown, with helm's reason.
    // Ids carry the cluster (home-ops has three).
    expect(unrendered.map((release) => release.id)).toEqual([
      'kubernetes/clusters/main:HelmRelease/games/games-on-whales',
    ]);
    expect(unrendered[0]?.unresolvedReason).toMatch(/^its chart was not rendered: .*sha256:d097c154/);

    // A value-chosen image (app-template's controllers) keeps its values line as the location…
    const radarr = releases.find(
      (release) => release.id === 'kubernetes/clusters/main:HelmRelease/downloads/radarr',
    );
    const radarrImage =
      'ghcr.io/joryirving/radarr:6.4.1.10545@sha256:9baf9b1135dde13a429bc3eef40e4f2b25eb9a553508a967c2284caa88e7ce90';
    expect(radarr?.images).toContain(radarrImage);
    const located = json.images.find((image) => image.ref === radarrImage)?.locations[0];
    expect(located?.file).toBe('kubernetes/apps/base/downloads/radarr/helmrelease.yaml');
    // …and a chart default is found (every cluster that deploys cert-manager gets the stand-in's image).
    const certManager = releases.filter((release) => release.id.endsWith('/cert-manager'));
    expect(certManager.length).toBeGreaterThan(0);
    for (const release of certManager)
      expect(release.images).toContain('standins.example/cert-manager:v1.21.1');
  }, 300_000);
});
