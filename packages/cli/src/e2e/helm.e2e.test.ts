// `sluice images` renders the HelmReleases of the Flux corpora with the real helm. The real
// charts cannot be fetched on the build machines (no internet): stand-in charts written for the
// tests (internal/test-utils/charts/standins) are served by a loopback HTTP chart repository and
// a real OCI registry, and `--chart-mirror` points the corpora's public URLs at them.
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
import { runCli } from './run-cli.js';

let helm: string;
let home: Awaited<ReturnType<typeof createHelmHome>>;
let registry: TestRegistry;
let server: TestFileServer;
let work: string;

beforeAll(async () => {
  helm = await helmBinary(3);
  home = await createHelmHome();
  work = await mkdtemp(join(tmpdir(), 'sluice-helm-e2e-'));
  registry = await startRegistry();
  const http = join(work, 'http');
  const standin = (name: string): string => testChart(`standins/${name}`);
  // HTTP repositories: podinfo (a stable and a pre-release version), jetstack, ingress-nginx.
  await packageChart(helm, home.env, standin('podinfo'), join(http, 'podinfo'));
  await packageChart(helm, home.env, standin('podinfo'), join(http, 'podinfo'), {
    version: '6.10.0-rc.1',
    appVersion: '6.10.0-rc.1',
  });
  await packageChart(helm, home.env, standin('cert-manager'), join(http, 'jetstack'));
  await packageChart(helm, home.env, standin('ingress-nginx'), join(http, 'ingress-nginx'));
  server = await startFileServer(http);
  for (const repo of ['podinfo', 'jetstack', 'ingress-nginx'])
    await indexChartRepository(helm, home.env, join(http, repo), `${server.url}/${repo}`);
  // OCI: quay.io/jetstack/charts/cert-manager and docker.io/envoyproxy/gateway-helm.
  const oci = join(work, 'oci');
  const certManager = await packageChart(helm, home.env, standin('cert-manager'), oci);
  await pushChart(helm, home.env, certManager, registry.host, 'jetstack/charts');
  const gateway = await packageChart(helm, home.env, standin('gateway-helm'), oci);
  await pushChart(helm, home.env, gateway, registry.host, 'envoyproxy');
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await registry?.stop();
  await home?.cleanup();
  await rm(work, { recursive: true, force: true });
});

interface ImagesJson {
  workloads: {
    id: string;
    kind: string;
    cluster?: string;
    method: string;
    unresolvedReason?: string;
    /** The references this object deploys. */
    images: string[];
  }[];
  images: { ref: string; locations: { file: string; line: number; chart?: { template: string } }[] }[];
}

async function images(corpus: string, mirrors: Record<string, string>): Promise<ImagesJson> {
  const cache = await mkdtemp(join(work, 'cache-'));
  const run = await runCli(
    [
      'images',
      `fixtures/corpora/${corpus}`,
      '--format',
      'json',
      '--helm-path',
      helm,
      '--cache',
      cache,
      ...Object.entries(mirrors).flatMap(([from, to]) => ['--chart-mirror', `${from}=${to}`]),
    ],
    { env: home.env },
  );
  expect(run.stderr).not.toContain('Error');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as ImagesJson;
}

function mirrorsAll(): Record<string, string> {
  return {
    'https://stefanprodan.github.io/podinfo': `${server.url}/podinfo`,
    'https://charts.jetstack.io': `${server.url}/jetstack`,
    'https://kubernetes.github.io/ingress-nginx': `${server.url}/ingress-nginx`,
    'oci://quay.io': `oci://${registry.host}`,
    'oci://docker.io': `oci://${registry.host}`,
  };
}

const releases = (json: ImagesJson): ImagesJson['workloads'] =>
  json.workloads.filter((workload) => workload.kind === 'HelmRelease');

describe('sluice images renders the charts of the Flux corpora (stand-in charts on loopback)', () => {
  it.each([
    ['flux2-kustomize-helm-example', 6],
    ['flux2-kustomize-helm-example-pre-2.7', 6],
    ['flux2-multi-tenancy-dev-team', 2],
  ])('%s: no HelmRelease is unknown', async (corpus, count) => {
    const json = await images(corpus, mirrorsAll());
    const found = releases(json);
    expect(found).toHaveLength(count);
    expect(found.filter((workload) => workload.method !== 'helm-template')).toEqual([]);
    // podinfo: the chart's own image (a chart default, on the chart line) and the values' redis.
    const staging = found.find(
      (workload) => workload.id.endsWith('/podinfo') && workload.cluster?.includes('staging'),
    );
    const production = found.find(
      (workload) => workload.id.endsWith('/podinfo') && workload.cluster?.includes('production'),
    );
    // `>=1.0.0-alpha` takes the pre-release; `>=1.0.0` the stable version.
    expect(staging?.images).toContain('ghcr.io/stefanprodan/podinfo:6.10.0-rc.1');
    expect(production?.images).toContain('ghcr.io/stefanprodan/podinfo:6.9.0');
    const chartImage = json.images.find((image) => image.ref === 'ghcr.io/stefanprodan/podinfo:6.9.0');
    expect(chartImage?.locations[0]?.chart?.template).toBe('podinfo/templates/deployment.yaml');
  });

  it('says on stderr how sluice scan found its charts: downloaded, then from the chart cache', async () => {
    const cache = await mkdtemp(join(work, 'cache-'));
    const mirrors = Object.entries(mirrorsAll()).flatMap(([from, to]) => ['--chart-mirror', `${from}=${to}`]);
    const scan = () =>
      runCli(
        [
          'scan',
          'fixtures/corpora/flux2-multi-tenancy-dev-team',
          '--helm-path',
          helm,
          '--cache',
          cache,
          '--fail-on',
          'never',
          '--on-scan-error',
          'warn',
          ...mirrors,
        ],
        { env: home.env },
      );
    // Staging and production take two versions of podinfo: two charts.
    expect((await scan()).stderr).toContain(
      'sluice: 2 unique images in 4 Flux objects; charts: 2 downloaded, 0 from the chart cache\n',
    );
    expect((await scan()).stderr).toContain(
      'sluice: 2 unique images in 4 Flux objects; charts: 0 downloaded, 2 from the chart cache\n',
    );
  });

  it('leaves the release of an unreachable chart unknown with helm’s reason, and only that one', async () => {
    const json = await images('flux2-kustomize-helm-example', {
      ...mirrorsAll(),
      'oci://docker.io': `oci://${registry.host}/nothing-here`,
    });
    const unknown = releases(json).filter((workload) => workload.method !== 'helm-template');
    expect(unknown.map((workload) => workload.id)).toEqual([
      'clusters/production:HelmRelease/envoy-gateway-system/envoy-gateway',
      'clusters/staging:HelmRelease/envoy-gateway-system/envoy-gateway',
    ]);
    expect(unknown[0]?.unresolvedReason).toMatch(
      /^its chart was not rendered: Error: .*nothing-here\/envoyproxy\/gateway-helm/,
    );
  });
});
