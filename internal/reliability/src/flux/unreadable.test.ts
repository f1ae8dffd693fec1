// Issue #16, "what cannot be read counts as nothing": each case hides VULNERABLE_IMAGE in input
// Flux reads and Sluice cannot read exactly. The owning Kustomization must be unknown with a
// reason naming the file (and line), the run blocked. docs/reliability.md, section 8.
import { describe, expect, it } from 'vitest';
import { extractImages, loadManifests } from '@sluice/core';
import { buildGateReport } from '@sluice/flux-adapter';
import { createTempRepo } from '../support/temp-repo.js';
import { baseTree, deployment, fluxKustomization, gateRepository, VULNERABLE_IMAGE } from './gate-repo.js';
import type { GateRun } from './gate-repo.js';

function expectUnknown(run: GateRun, where: string, code: string): void {
  expect(run.report.verdict).toBe('blocked');
  expect(run.apps?.status).toBe('unknown');
  expect(run.apps?.reasons.join('\n')).toContain(where);
  expect(run.repo.diagnostics).toContainEqual(
    expect.objectContaining({ code, object: 'Kustomization/flux-system/apps' }),
  );
}

const vulnerable = deployment(VULNERABLE_IMAGE, 'evil');

describe('input Sluice cannot read makes the Kustomization unknown, never empty', () => {
  it('a manifest padded past the 10 MiB cap (Flux reads it)', async () => {
    const padding = `# ${'x'.repeat(1023)}\n`.repeat(10 * 1024 + 8);
    const run = await gateRepository({ ...baseTree(), 'apps/big.yaml': `${padding}${vulnerable}` });
    expectUnknown(run, 'apps/big.yaml', 'file-too-large');
  });

  it('a UTF-16 manifest (go-yaml decodes UTF-16 with a BOM)', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(vulnerable, 'utf16le')]);
    const run = await gateRepository({ ...baseTree(), 'apps/wide.yaml': new Uint8Array(utf16) });
    expectUnknown(run, 'apps/wide.yaml', 'invalid-encoding');
  });

  it('U+2028 LINE SEPARATOR, a line break for go-yaml, hiding a second container', async () => {
    const hidden = deployment('ghcr.io/sluice-test/good:1.0.0', 'sneaky').replace(
      '          image: ghcr.io/sluice-test/good:1.0.0',
      `          image: ghcr.io/sluice-test/good:1.0.0\u2028        - name: evil\u2028          image: ${VULNERABLE_IMAGE}`,
    );
    const run = await gateRepository({ ...baseTree(), 'apps/sneaky.yaml': hidden });
    expectUnknown(run, 'apps/sneaky.yaml:15', 'yaml-line-separator');
  });

  it('an image variable that only a cluster ConfigMap (substituteFrom) defines', async () => {
    const run = await gateRepository({
      ...baseTree('postBuild:', '  substituteFrom:', '    - kind: ConfigMap', '      name: cluster-settings'),
      'apps/app.yaml': deployment('ghcr.io/evil/vulnerable:${APP_TAG}', 'evil'),
    });
    expectUnknown(run, 'clusters/dev/sync.yaml', 'variable-from-cluster');
  });

  it('a SOPS-encrypted image field (only the cluster decrypts it)', async () => {
    const encrypted = deployment(
      'ENC[AES256_GCM,data:8fWCj0Vw1Jg4TFyXxmGUo7XhZg==,iv:Wcb0y0Hk8vI=,tag:6sQ2p2Lq==,type:str]',
      'evil',
    );
    const run = await gateRepository({
      ...baseTree('decryption:', '  provider: sops', '  secretRef:', '    name: sops-age'),
      'apps/app.yaml': `${encrypted}sops:\n  age: []\n  version: 3.9.0\n`,
    });
    expectUnknown(run, 'apps/app.yaml:15', 'encrypted-image');
  });

  it('an invalid image reference in a Flux-deployed manifest', async () => {
    const run = await gateRepository({
      ...baseTree(),
      'apps/app.yaml': deployment('ghcr.io/Evil/vulnerable:1.0', 'evil'),
    });
    expectUnknown(run, 'apps/app.yaml:15', 'invalid-image-reference');
  });

  it('a custom resource image mapping without a tag (its operator picks one)', async () => {
    const run = await gateRepository({
      ...baseTree(),
      'apps/vm.yaml':
        'apiVersion: operator.victoriametrics.com/v1beta1\nkind: VMSingle\nmetadata: {name: vm, namespace: default}\nspec:\n  image:\n    repository: ghcr.io/evil/vulnerable\n',
    });
    expectUnknown(run, 'apps/vm.yaml:6', 'invalid-image-reference');
  });

  it('HelmRelease values nested past 100 levels: the file cannot be read, its Kustomization is unknown', async () => {
    let values = '';
    for (let level = 0; level < 150; level++) values += `${'  '.repeat(level + 2)}a${level}:\n`;
    values += `${'  '.repeat(152)}image: ${VULNERABLE_IMAGE}\n`;
    const release = [
      'apiVersion: helm.toolkit.fluxcd.io/v2',
      'kind: HelmRelease',
      'metadata: {name: web, namespace: apps}',
      'spec:',
      '  interval: 10m',
      '  chart:',
      '    spec: {chart: webapp, version: 1.0.0, sourceRef: {kind: HelmRepository, name: team}}',
      '  values:',
      '    image: {repository: ghcr.io/sluice-test/webapp, tag: "1.0.0"}',
      '    deep:',
      values,
    ].join('\n');
    const run = await gateRepository({ ...baseTree(), 'apps/release.yaml': release });
    expectUnknown(run, 'apps/release.yaml:', 'yaml-syntax');
    expect(run.apps?.reasons.join('\n')).toContain('maxDepth (100)');
  });

  it('plain mode: an invalid image reference makes its object unknown and the run blocked', async () => {
    const temp = await createTempRepo({
      'deploy/app.yaml': deployment('ghcr.io/Evil/vulnerable:1.0', 'evil'),
    });
    try {
      const loaded = await loadManifests(temp.root);
      const { references, diagnostics } = extractImages(loaded.documents);
      const report = buildGateReport({
        images: [],
        outcomes: [],
        diagnostics: [...loaded.diagnostics, ...diagnostics],
        tool: { version: '0.0.0' },
      });
      expect(references).toEqual([]);
      expect(report.verdict).toBe('blocked');
      expect(report.objects).toEqual([
        expect.objectContaining({
          status: 'unknown',
          reasons: [expect.stringContaining('deploy/app.yaml:15')],
        }),
      ]);
    } finally {
      await temp.cleanup();
    }
  });

  it('a Kustomization this repository syncs by a second name still owns what it reads', async () => {
    // Control: the same hostile file under a Kustomization of another name blames that one.
    const run = await gateRepository({
      'clusters/dev/sync.yaml': `${fluxKustomization('flux-system', './clusters/dev')}---\n${fluxKustomization('apps', './apps')}---\n${fluxKustomization('more', './more')}`,
      'apps/good.yaml': deployment('ghcr.io/sluice-test/good:1.0.0', 'good'),
      'more/app.yaml': deployment('ghcr.io/Evil/vulnerable:1.0', 'evil'),
    });
    expect(run.report.verdict).toBe('blocked');
    expect(run.apps?.status).toBe('pass');
    expect(run.report.objects.find((object) => object.id === 'Kustomization/flux-system/more')?.status).toBe(
      'unknown',
    );
  });
});
