// Issue #16: HelmRelease postRenderers kustomize patches change what helm-controller deploys.
// Rendered (real helm 3.17, a chart committed in the repository), they are applied; read from
// the values only, or failing in Sluice, they leave the release unknown. docs/reliability.md,
// section 8.
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { createHelmHome, helmBinary, testChart } from '@sluice/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseTree, gateRepository, VULNERABLE_IMAGE } from './gate-repo.js';
import type { GateRun } from './gate-repo.js';

const release = (chart: string, ...extra: string[]): string =>
  [
    'apiVersion: helm.toolkit.fluxcd.io/v2',
    'kind: HelmRelease',
    'metadata: {name: web, namespace: apps}',
    'spec:',
    '  interval: 10m',
    '  chart:',
    '    spec:',
    ...chart.split('\n'),
    '  values:',
    '    image: {repository: ghcr.io/sluice-test/webapp, tag: "1.0.0"}',
    ...extra,
    '',
  ].join('\n');
const IN_REPO =
  '      chart: ./charts/webapp\n      sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}';
const PATCH = (path: string): string[] => [
  '  postRenderers:',
  '    - kustomize:',
  '        patches:',
  '          - target: {kind: Deployment}',
  '            patch: |',
  '              - op: replace',
  `                path: ${path}`,
  `                value: ${VULNERABLE_IMAGE}`,
];
const web = (run: GateRun) => run.report.objects.find((object) => object.id === 'HelmRelease/apps/web');

let home: Awaited<ReturnType<typeof createHelmHome>>;
let helm: string;
beforeAll(async () => {
  helm = await helmBinary(3);
  home = await createHelmHome();
});
afterAll(async () => {
  await home.cleanup();
});

const rendered = (tree: Record<string, string>) =>
  gateRepository(
    tree,
    {
      helm: {
        helm,
        env: { ...home.env, PATH: process.env.PATH ?? '' },
        cacheDir: join(home.dir, 'charts'),
        offline: true,
      },
    },
    async (root) => {
      // webapp and the charts it depends on (file:// dependencies).
      for (const chart of ['webapp', 'common', 'cache'])
        await cp(testChart(chart), join(root, 'charts', chart), { recursive: true });
    },
  );

describe('HelmRelease postRenderers kustomize patches', () => {
  it('values only (no chart rendering): a patch the values cannot show makes the release unknown', async () => {
    const run = await gateRepository({
      ...baseTree(),
      'apps/web.yaml': release(
        '      chart: webapp\n      version: 1.0.0\n      sourceRef: {kind: HelmRepository, name: team}',
        ...PATCH('/spec/template/spec/containers/0/image'),
      ),
    });
    expect(run.report.verdict).toBe('blocked');
    expect(web(run)?.status).toBe('unknown');
    expect(web(run)?.reasons.join('\n')).toContain(
      'its postRenderers patch the rendered objects (apps/web.yaml:16)',
    );
  });

  it('values only, under postBuild substitution (the object is parsed again): the reason still names the file', async () => {
    // Found by the walk-around fuzz (home-ops, seed 3010): after substitution the patch items had
    // no position and the reason named no file, only `spec.postRenderers[].kustomize.patches`.
    const run = await gateRepository({
      ...baseTree('postBuild:', '  substitute:', '    CLUSTER: dev'),
      'apps/web.yaml': release(
        '      chart: webapp\n      version: 1.0.0\n      sourceRef: {kind: HelmRepository, name: team}',
        '    host: ${CLUSTER}.example.com',
        ...PATCH('/spec/template/spec/containers/0/image'),
      ),
    });
    expect(run.report.verdict).toBe('blocked');
    expect(web(run)?.status).toBe('unknown');
    // Line 19: the patch's text (its item is located through its first key, `patch` once sorted).
    expect(web(run)?.reasons.join('\n')).toContain(
      'its postRenderers patch the rendered objects (apps/web.yaml:19)',
    );
  });

  it('rendered with helm: the patch is applied and its image blocks, located at the patch', async () => {
    const run = await rendered({
      ...baseTree(),
      'apps/web.yaml': release(IN_REPO, ...PATCH('/spec/template/spec/containers/0/image')),
    });
    expect(run.report.verdict).toBe('blocked');
    expect(web(run)?.status).toBe('blocked');
    const image = run.repo.images.find((entry) => entry.ref === VULNERABLE_IMAGE);
    expect(image?.locations.map((location) => [location.file, location.line])).toEqual([
      ['apps/web.yaml', 19],
    ]);
  }, 60_000);

  it('rendered with helm: a patch Sluice cannot apply names the release, which is unknown', async () => {
    const run = await rendered({
      ...baseTree(),
      'apps/web.yaml': release(IN_REPO, ...PATCH('/spec/template/spec/containers/7/image')),
    });
    expect(run.report.verdict).toBe('blocked');
    expect(web(run)?.status).toBe('unknown');
    expect(run.repo.diagnostics).toContainEqual(
      expect.objectContaining({ file: 'apps/web.yaml', object: 'HelmRelease/apps/web', severity: 'error' }),
    );
  }, 60_000);
});
