import { isSluiceError } from '@sluice/core';
import { repoPath } from '@sluice/test-utils';
import { describe, expect, it } from 'vitest';
import { buildGateReport } from '../gate/build-gate-report.js';
import { loadFluxRepository } from '../load/load-flux-repository.js';
import { createImagesFile, serializeImagesFile, toRepositoryModel } from './create-images-file.js';
import { INVALID_IMAGES_FILE, parseImagesFile } from './parse-images-file.js';

const FIXTURE = repoPath('packages/flux-adapter/src/__fixtures__/repo');
const HOME_OPS = repoPath('fixtures/corpora/joryirving-home-ops');

function parseError(text: string): string {
  try {
    parseImagesFile(text, 'images.json');
  } catch (error) {
    expect(isSluiceError(error, INVALID_IMAGES_FILE)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected the file to be refused');
}

describe('createImagesFile', () => {
  it('lists images per Kustomization and HelmRelease, unresolved ones with their reason', async () => {
    const file = createImagesFile(await loadFluxRepository(FIXTURE));
    expect(file.version).toBe(1);
    expect(file.mode).toBe('flux');
    expect(file.summary).toEqual({ workloads: 5, unresolved: 1, images: 9 });
    expect(file.workloads.map((workload) => [workload.id, workload.images])).toEqual([
      [
        'HelmRelease/web/api',
        [
          'docker.io/library/postgres:16',
          'ghcr.io/acme/api:4.2.0@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
        ],
      ],
      [
        'Kustomization/flux-system/apps',
        [
          'docker.io/envoyproxy/envoy:v1.30.0',
          'docker.io/library/alpine:3.20',
          'docker.io/library/busybox:1.36',
          'ghcr.io/acme/web:2.0.0',
          'ghcr.io/acme/worker:3.1.4',
        ],
      ],
      ['Kustomization/flux-system/flux-system', []],
      [
        'Kustomization/flux-system/infra',
        [
          'docker.io/library/busybox:1.36',
          'docker.io/library/redis:7.2',
          'quay.io/prometheus/blackbox-exporter:v0.25.0',
        ],
      ],
      ['Kustomization/flux-system/remote', []],
    ]);
    expect(file.workloads.find((workload) => workload.name === 'remote')).toMatchObject({
      method: 'unresolved',
      unresolvedReason: expect.stringContaining('not mapped'),
    });
    expect(file.workloads.find((workload) => workload.name === 'apps')?.dependsOn).toEqual([
      expect.objectContaining({ name: 'infra' }),
    ]);
    // A location deployed by two Kustomizations names both.
    const busybox = file.images.find((image) => image.ref === 'docker.io/library/busybox:1.36');
    expect(busybox?.locations.map((location) => location.fluxObjects)).toEqual([
      ['Kustomization/flux-system/apps'],
      ['Kustomization/flux-system/infra'],
    ]);
  });

  it('round-trips: the file read back gives the same gate report as the repository (home-ops)', async () => {
    const repo = await loadFluxRepository(HOME_OPS);
    const text = serializeImagesFile(createImagesFile(repo));
    const file = parseImagesFile(text, 'images.json');
    expect(serializeImagesFile(file)).toBe(text);
    // Every other image passes, one fails: the verdicts then depend on the graph and the reasons.
    const failing = repo.images[7]!.ref;
    const outcomes = repo.images.map((image) =>
      image.ref === failing
        ? {
            ref: image.ref,
            outcome: 'ok' as const,
            findings: [
              {
                id: 'CVE-2024-0001',
                severity: 'CRITICAL' as const,
                package: 'openssl',
                installedVersion: '1',
              },
            ],
          }
        : { ref: image.ref, outcome: 'ok' as const, findings: [] },
    );
    const common = { outcomes, tool: { version: 'test' }, now: new Date('2026-01-01T00:00:00Z') };
    const fromRepository = buildGateReport({ ...common, ...repo });
    const model = toRepositoryModel(file);
    const fromFile = buildGateReport({ ...common, ...model });
    // The model read back is the loaded one: the same objects, each with its images and their locations.
    expect(
      model.workloads.map((workload) => [workload.id, workload.images.map((image) => image.ref)]),
    ).toEqual(repo.workloads.map((workload) => [workload.id, workload.images.map((image) => image.ref)]));
    for (const [index, workload] of model.workloads.entries()) {
      const loaded = repo.workloads[index]!;
      for (const [position, image] of workload.images.entries()) {
        const places = (list: typeof image.locations) =>
          list.map((location) => ({ ...location, fluxObjects: undefined }));
        expect(places(image.locations)).toEqual(places(loaded.images[position]!.locations));
      }
    }
    expect(fromRepository.objects.some((object) => object.status === 'blocked-upstream')).toBe(true);
    expect(JSON.stringify(fromFile)).toBe(JSON.stringify(fromRepository));
  });

  it('keeps one cluster: its objects, the images they deploy and their diagnostics', async () => {
    const repo = await loadFluxRepository(HOME_OPS);
    const cluster = repo.clusters![0]!;
    const file = createImagesFile(repo, { cluster });
    expect(file.cluster).toBe(cluster);
    expect(file.workloads.length).toBeGreaterThan(0);
    expect(
      file.workloads.every((workload) => workload.cluster === undefined || workload.cluster === cluster),
    ).toBe(true);
    const expected = new Set(file.workloads.flatMap((workload) => workload.images));
    expect(file.images.map((image) => image.ref)).toEqual([...expected].sort());
    const ids = new Set(file.workloads.map((workload) => workload.id));
    expect(file.diagnostics.every((diagnostic) => !diagnostic.object || ids.has(diagnostic.object))).toBe(
      true,
    );
    // Each location keeps the objects that deploy it.
    for (const image of file.images) {
      for (const location of image.locations) expect(location.fluxObjects?.length).toBeGreaterThan(0);
    }
  });

  it('serialises plain manifests in plain mode', () => {
    const file = createImagesFile({
      workloads: [],
      images: [
        {
          ref: 'docker.io/library/nginx:1.27',
          locations: [
            { file: 'web.yaml', line: 7, column: 16, raw: 'nginx:1.27', kind: 'Deployment', name: 'web' },
          ],
        },
      ],
      diagnostics: [],
    });
    expect(file).toMatchObject({ version: 1, mode: 'plain', workloads: [], summary: { images: 1 } });
  });
});

describe('parseImagesFile', () => {
  it('refuses invalid JSON with the line of the error', () => {
    expect(parseError('{\n  "version": 1,\n  "mode": "flux",\n  oops\n}')).toMatch(
      /^images\.json:4: not valid JSON/,
    );
  });

  it('refuses another version, naming the one it reads', () => {
    expect(parseError('{\n  "mode": "flux",\n  "version": 2\n}')).toBe(
      'images.json:3: version: expected 1, found 2 (this Sluice reads images files of version 1; write it with the same Sluice release)',
    );
    expect(parseError('[]')).toMatch(/^images\.json:1: expected a JSON object/);
  });

  it('points at the line and path of a bad field', async () => {
    const text = serializeImagesFile(createImagesFile(await loadFluxRepository(FIXTURE)));
    const broken = text.replace('"method": "unresolved"', '"method": "guessed"');
    const line = broken.split('\n').findIndex((row) => row.includes('"guessed"')) + 1;
    expect(parseError(broken)).toMatch(new RegExp(`^images\\.json:${line}: workloads\\[4\\]\\.method: `));
    const unknown = text.replace('"version": 1,', '"version": 1,\n  "extra": true,');
    expect(parseError(unknown)).toMatch(/^images\.json:3: extra: /);
  });
});
