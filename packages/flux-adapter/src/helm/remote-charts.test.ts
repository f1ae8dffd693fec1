// Charts from an HTTP chart repository and an OCI registry, both real and on loopback: Debian's
// docker-registry (`helm push --plain-http`) and `helm repo index` served by a Node file server.
// The HelmReleases name public URLs; `chartMirrors` points them at loopback.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createHelmHome,
  helmBinary,
  indexChartRepository,
  packageChart,
  pushChart,
  startFileServer,
  startRegistry,
  testChart,
  type TestFileServer,
  type TestRegistry,
} from '@sluice/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempFluxRepo } from '../__fixtures__/temp-repo.js';
import { loadFluxRepository, type LoadFluxRepositoryOptions } from '../load/load-flux-repository.js';
import type { FluxRepository } from '../model.js';
import { parseChartMirror, type ChartMirror } from './chart-mirrors.js';

const VERSIONS = ['1.0.0', '1.1.0', '1.2.0-rc.1', '2.0.0'];

let helm: string;
let home: Awaited<ReturnType<typeof createHelmHome>>;
let registry: TestRegistry;
let server: TestFileServer;
let work: string;
let digest2: string;
let mirrors: ChartMirror[];
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  helm = await helmBinary(3);
  home = await createHelmHome();
  work = await mkdtemp(join(tmpdir(), 'sluice-remote-charts-'));
  registry = await startRegistry();
  const repoDir = join(work, 'repo');
  for (const version of VERSIONS) {
    const archive = await packageChart(helm, home.env, testChart('webapp'), repoDir, {
      version,
      appVersion: version,
    });
    const digest = await pushChart(helm, home.env, archive, registry.host);
    if (version === '2.0.0') digest2 = digest;
  }
  server = await startFileServer(repoDir);
  await indexChartRepository(helm, home.env, repoDir, 'https://charts.example.com/stable');
  mirrors = [
    parseChartMirror(`https://charts.example.com/stable=${server.url}`),
    parseChartMirror(`oci://ghcr.io/example=oci://${registry.host}`),
  ].filter((mirror): mirror is ChartMirror => !('error' in mirror));
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await registry?.stop();
  for (const cleanup of cleanups) await cleanup();
  await home?.cleanup();
  await rm(work, { recursive: true, force: true });
});

function manifests(releases: { name: string; chart: string; extra?: string }[]): string {
  const sources = [
    'apiVersion: source.toolkit.fluxcd.io/v1',
    'kind: HelmRepository',
    'metadata: { name: stable, namespace: apps }',
    'spec: { url: "https://charts.example.com/stable" }',
    '---',
    'apiVersion: source.toolkit.fluxcd.io/v1',
    'kind: HelmRepository',
    'metadata: { name: oci, namespace: apps }',
    'spec: { type: oci, url: "oci://ghcr.io/example/charts" }',
    '---',
    'apiVersion: source.toolkit.fluxcd.io/v1',
    'kind: OCIRepository',
    'metadata: { name: webapp-digest, namespace: apps }',
    'spec:',
    '  url: oci://ghcr.io/example/charts/webapp',
    '  layerSelector: { mediaType: "application/vnd.cncf.helm.chart.content.v1.tar+gzip", operation: copy }',
    '  ref:',
    `    digest: ${digest2}`,
    '---',
    'apiVersion: source.toolkit.fluxcd.io/v1',
    'kind: OCIRepository',
    'metadata: { name: webapp-semver, namespace: apps }',
    'spec:',
    '  url: oci://ghcr.io/example/charts/webapp',
    '  ref:',
    '    semver: "1.x"',
    '---',
    'apiVersion: source.toolkit.fluxcd.io/v1',
    'kind: HelmChart',
    'metadata: { name: webapp-chart, namespace: apps }',
    'spec: { chart: webapp, version: "~1.0", sourceRef: { kind: HelmRepository, name: stable } }',
  ];
  const releaseDocs = releases.map((release) =>
    [
      'apiVersion: helm.toolkit.fluxcd.io/v2',
      'kind: HelmRelease',
      `metadata: { name: ${release.name}, namespace: apps }`,
      'spec:',
      '  interval: 1h',
      release.chart,
      release.extra ?? '',
    ].join('\n'),
  );
  return [...sources, ...releaseDocs.flatMap((doc) => ['---', doc])].join('\n');
}

async function load(
  releases: { name: string; chart: string; extra?: string }[],
  options: Partial<NonNullable<LoadFluxRepositoryOptions['helm']>> = {},
): Promise<{ repo: FluxRepository; stats: { pulls: number } }> {
  const temp = await tempFluxRepo({ 'apps/releases.yaml': manifests(releases) });
  cleanups.push(temp.cleanup);
  const events: string[] = [];
  const repo = await loadFluxRepository(temp.root, {
    helm: {
      helm,
      env: { ...home.env, PATH: process.env.PATH ?? '' },
      cacheDir: join(work, 'cache'),
      chartMirrors: mirrors,
      concurrency: 4,
      ...options,
    },
    onEvent: (event) => events.push(event.type),
  });
  return { repo, stats: { pulls: server.requests.length } };
}

const chartSpec = (source: string, version?: string): string =>
  [
    '  chart:',
    '    spec:',
    '      chart: webapp',
    ...(version === undefined ? [] : [`      version: "${version}"`]),
    `      sourceRef: { kind: HelmRepository, name: ${source} }`,
  ].join('\n');

function webImage(repo: FluxRepository, name: string): string | undefined {
  const workload = repo.workloads.find((entry) => entry.id === `HelmRelease/apps/${name}`);
  return workload?.images.find((image) => image.ref.includes('/webapp'))?.ref ?? workload?.unresolvedReason;
}

describe('charts from chart repositories (loopback, through mirrors)', () => {
  it('selects versions as source-controller does, from HTTP index.yaml and OCI tags', async () => {
    const { repo } = await load([
      { name: 'latest', chart: chartSpec('stable') },
      { name: 'one-x', chart: chartSpec('stable', '1.x') },
      { name: 'pre', chart: chartSpec('stable', '>=1.0.0-alpha <2.0.0') },
      { name: 'exact', chart: chartSpec('stable', '1.0.0') },
      { name: 'oci-range', chart: chartSpec('oci', '~1.0') },
      { name: 'by-digest', chart: '  chartRef: { kind: OCIRepository, name: webapp-digest }' },
      { name: 'by-semver', chart: '  chartRef: { kind: OCIRepository, name: webapp-semver }' },
      { name: 'missing', chart: chartSpec('stable', '9.x') },
      { name: 'via-helmchart', chart: '  chartRef: { kind: HelmChart, name: webapp-chart }' },
    ]);
    expect(webImage(repo, 'latest')).toBe('ghcr.io/sluice-test/webapp:2.0.0');
    expect(webImage(repo, 'one-x')).toBe('ghcr.io/sluice-test/webapp:1.1.0');
    expect(webImage(repo, 'pre')).toBe('ghcr.io/sluice-test/webapp:1.2.0-rc.1');
    expect(webImage(repo, 'exact')).toBe('ghcr.io/sluice-test/webapp:1.0.0');
    expect(webImage(repo, 'oci-range')).toBe('ghcr.io/sluice-test/webapp:1.0.0');
    expect(webImage(repo, 'by-digest')).toBe('ghcr.io/sluice-test/webapp:2.0.0');
    expect(webImage(repo, 'by-semver')).toBe('ghcr.io/sluice-test/webapp:1.1.0');
    expect(webImage(repo, 'via-helmchart')).toBe('ghcr.io/sluice-test/webapp:1.0.0');
    expect(webImage(repo, 'missing')).toBe(
      "its chart was not rendered: no chart version matching '9.x' found for chart webapp",
    );
    // The chart chosen by an OCIRepository points at its `ref` line.
    const byDigest = repo.workloads.find((entry) => entry.id === 'HelmRelease/apps/by-digest');
    expect(byDigest?.images[0]?.locations[0]).toMatchObject({
      file: 'apps/releases.yaml',
      line: 18,
      chart: { name: 'webapp', version: '2.0.0' },
    });
  });

  it('fetches each chart version once per run, nothing on a warm run, and works offline from the cache', async () => {
    const cacheDir = join(work, 'cache-once');
    const releases = Array.from({ length: 6 }, (_, index) => ({
      name: `app-${index}`,
      chart: chartSpec('stable', index % 2 === 0 ? '1.0.0' : '2.0.0'),
    }));
    const before = server.requests.length;
    await load(releases, { cacheDir });
    const cold = server.requests.slice(before);
    // One index and one archive per version, whatever the number of releases.
    expect(cold.filter((path) => path.endsWith('.tgz')).sort()).toEqual([
      '/webapp-1.0.0.tgz',
      '/webapp-2.0.0.tgz',
    ]);
    expect(cold.filter((path) => path.endsWith('index.yaml'))).toHaveLength(1);
    const warmStart = server.requests.length;
    const warm = await load(releases, { cacheDir });
    expect(server.requests.slice(warmStart)).toEqual([]);
    expect(webImage(warm.repo, 'app-1')).toBe('ghcr.io/sluice-test/webapp:2.0.0');
    const offline = await load(
      [
        { name: 'ranged', chart: chartSpec('stable', '^2.0.0') },
        { name: 'uncached', chart: chartSpec('stable', '1.x') },
      ],
      { cacheDir, offline: true },
    );
    // Offline, a range is chosen from the index kept in the cache; the chart must be there too.
    expect(webImage(offline.repo, 'ranged')).toBe('ghcr.io/sluice-test/webapp:2.0.0');
    expect(webImage(offline.repo, 'uncached')).toBe(
      'its chart was not rendered: webapp 1.1.0 is not in the chart cache (offline)',
    );
    expect(server.requests.slice(warmStart)).toEqual([]);
  });

  it('leaves only the unreachable chart unknown, with helm’s own reason', async () => {
    const { repo } = await load(
      [
        { name: 'ok', chart: chartSpec('stable', '1.0.0') },
        { name: 'gone', chart: chartSpec('oci', '1.0.0').replace('chart: webapp', 'chart: nowhere') },
      ],
      { cacheDir: join(work, 'cache-unreachable') },
    );
    expect(webImage(repo, 'ok')).toBe('ghcr.io/sluice-test/webapp:1.0.0');
    const gone = repo.workloads.find((entry) => entry.id === 'HelmRelease/apps/gone');
    expect(gone?.method).toBe('unresolved');
    expect(gone?.unresolvedReason).toBe(
      `its chart was not rendered: Error: ${registry.host}/charts/nowhere:1.0.0: not found`,
    );
  });

  it('renders with helm 4 as well', async () => {
    const helm4 = await helmBinary(4);
    const { repo } = await load([{ name: 'four', chart: chartSpec('oci', '2.0.0') }], {
      helm: helm4,
      cacheDir: join(work, 'cache-helm4'),
    });
    expect(webImage(repo, 'four')).toBe('ghcr.io/sluice-test/webapp:2.0.0');
  });
});
