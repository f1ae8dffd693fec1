import { afterEach, describe, expect, it } from 'vitest';
import { GOOD_IMAGE, deployment, tempFluxRepo, type TempFile } from '../__fixtures__/temp-repo.js';
import { loadFluxRepository } from './load-flux-repository.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

/** Loads a temporary repository holding `files` beside the good Deployment. */
async function load(files: Readonly<Record<string, TempFile>>): ReturnType<typeof loadFluxRepository> {
  const repo = await tempFluxRepo(files);
  cleanups.push(repo.cleanup);
  return loadFluxRepository(repo.root);
}

function refs(result: Awaited<ReturnType<typeof loadFluxRepository>>): string[] {
  return result.images.map((image) => image.ref);
}

describe('loadFluxRepository on hostile files', () => {
  it(
    'never enters a folder link (the artifact holds no links: symlink-dropped), never throws',
    { timeout: 20_000 },
    async () => {
      const result = await load({
        'apps/bad/loop': { symlink: '..' },
        'apps/bad/deeper/up': { symlink: '../..' },
        'apps/bad/inner.yaml': deployment('docker.io/library/inner:1', 'inner'),
      });
      for (const file of ['apps/bad/loop', 'apps/bad/deeper/up'])
        expect(result.diagnostics).toContainEqual(
          expect.objectContaining({ code: 'symlink-dropped', file, severity: 'info' }),
        );
      expect(refs(result)).toContain(GOOD_IMAGE);
      expect(refs(result)).toContain('docker.io/library/inner:1');
      const inner = result.images.find((image) => image.ref === 'docker.io/library/inner:1');
      expect(inner?.locations.map((location) => location.file)).toEqual(['apps/bad/inner.yaml']);
    },
  );
});

describe('loadFluxRepository on YAML alias bombs', () => {
  it('copies each shared node once: a 9×9 alias bomb loads quickly', { timeout: 20_000 }, async () => {
    const levels = 'bcdefghi'.split('').map((name, index) => {
      const previous = 'abcdefghi'[index] ?? 'a';
      return `  ${name}: &${name} [${Array.from({ length: 9 }, () => `*${previous}`).join(',')}]`;
    });
    const bomb = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: bomb}',
      'spec:',
      '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
      ...levels,
      '  template: {spec: {containers: [{name: x, image: "docker.io/library/bomb:1"}]}}',
      '',
    ].join('\n');
    const started = Date.now();
    const result = await load({ 'apps/bomb.yaml': bomb });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(refs(result)).toContain(GOOD_IMAGE);
    expect(refs(result)).toContain('docker.io/library/bomb:1');
    expect(result.diagnostics.filter((diagnostic) => diagnostic.severity !== 'info')).toEqual([]);
  });

  it('reads a HelmRelease whose values hold a 9×9 alias bomb quickly', { timeout: 20_000 }, async () => {
    const levels = 'bcdefghi'.split('').map((name, index) => {
      const previous = 'abcdefghi'[index] ?? 'a';
      return `    ${name}: &${name} [${Array.from({ length: 9 }, () => `*${previous}`).join(',')}]`;
    });
    const release = [
      'apiVersion: helm.toolkit.fluxcd.io/v2',
      'kind: HelmRelease',
      'metadata: {name: web, namespace: default}',
      'spec:',
      '  interval: 10m',
      '  chart: {spec: {chart: web, sourceRef: {kind: HelmRepository, name: charts}}}',
      '  values:',
      '    a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
      ...levels,
      '    image: {repository: docker.io/library/web, tag: "1"}',
      '',
    ].join('\n');
    const started = Date.now();
    const result = await load({ 'apps/release.yaml': release });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(refs(result)).toEqual(expect.arrayContaining([GOOD_IMAGE, 'docker.io/library/web:1']));
  });
});

describe('loadFluxRepository on files it must not read', () => {
  it('does not read a file over 10 MiB (file-too-large)', { timeout: 30_000 }, async () => {
    const big = `${deployment('docker.io/library/big:1', 'big')}${'# padding\n'.repeat(1_100_000)}`;
    const result = await load({ 'apps/big.yaml': big });
    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'file-too-large', file: 'apps/big.yaml' }),
    );
    expect(refs(result)).toContain(GOOD_IMAGE);
    expect(refs(result)).not.toContain('docker.io/library/big:1');
  });

  it('reports invalid UTF-8 (invalid-encoding) instead of decoding it', { timeout: 20_000 }, async () => {
    const latin1 = Buffer.from(`${deployment('docker.io/library/latin:1', 'caf\u00e9')}`, 'latin1');
    const result = await load({ 'apps/latin.yaml': latin1 });
    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'invalid-encoding', file: 'apps/latin.yaml' }),
    );
    expect(refs(result)).toContain(GOOD_IMAGE);
  });

  it('reads a binary .sourceignore as absent, without a diagnostic', { timeout: 20_000 }, async () => {
    const result = await load({ 'apps/.sourceignore': Buffer.from([0, 1, 2, 0xff, 0xfe, 0]) });
    expect(result.diagnostics.filter((diagnostic) => diagnostic.file.startsWith('apps/'))).toEqual([]);
    expect(refs(result)).toContain(GOOD_IMAGE);
  });
});

describe('loadFluxRepository on container images that are not strings', () => {
  it('reports a mapping, an empty string and a Helm template (invalid-image-reference)', async () => {
    const pod = (name: string, image: string): string =>
      `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}}\nspec:\n  containers:\n    - name: x\n      image: ${image}\n`;
    const result = await load({
      'apps/map.yaml': pod('map', '{repository: nginx}'),
      'apps/empty.yaml': pod('empty', '""'),
      'apps/template.yaml': pod('template', '{{ .Values.image }}'),
      // HelmRelease values legitimately hold `image: {repository, tag}`.
      'apps/release.yaml': [
        'apiVersion: helm.toolkit.fluxcd.io/v2',
        'kind: HelmRelease',
        'metadata: {name: web, namespace: default}',
        'spec:',
        '  interval: 10m',
        '  chart: {spec: {chart: web, sourceRef: {kind: HelmRepository, name: charts}}}',
        '  values:',
        '    image: {repository: docker.io/library/web, tag: "1"}',
        '',
      ].join('\n'),
    });
    const invalid = result.diagnostics.filter((diagnostic) => diagnostic.code === 'invalid-image-reference');
    expect(invalid.map((diagnostic) => [diagnostic.file, diagnostic.line])).toEqual(
      expect.arrayContaining([
        ['apps/map.yaml', 7],
        ['apps/empty.yaml', 7],
        ['apps/template.yaml', 7],
      ]),
    );
    expect(invalid.filter((diagnostic) => diagnostic.file === 'apps/release.yaml')).toEqual([]);
    expect(refs(result)).toContain(GOOD_IMAGE);
    expect(refs(result)).toContain('docker.io/library/web:1');
  });
});

describe('loadFluxRepository on symbolic links (source-controller drops every one from the artifact)', () => {
  it('drops links to nothing, to themselves, to each other and to real files alike (symlink-dropped)', async () => {
    const result = await load({
      'apps/missing.yaml': { symlink: 'nothing-here.yaml' },
      'apps/self.yaml': { symlink: 'self.yaml' },
      'apps/pair-a.yaml': { symlink: 'pair-b.yaml' },
      'apps/pair-b.yaml': { symlink: 'pair-a.yaml' },
      'apps/alias.yaml': { symlink: 'inner/real.yaml' },
      'apps/inner/real.yaml': deployment('docker.io/library/real:1', 'real'),
    });
    const dropped = result.diagnostics
      .filter((diagnostic) => diagnostic.code === 'symlink-dropped')
      .map((diagnostic) => [diagnostic.file, diagnostic.severity]);
    expect(dropped).toEqual([
      ['apps/alias.yaml', 'info'],
      ['apps/missing.yaml', 'info'],
      ['apps/pair-a.yaml', 'info'],
      ['apps/pair-b.yaml', 'info'],
      ['apps/self.yaml', 'info'],
    ]);
    expect(refs(result)).toContain(GOOD_IMAGE);
    // The real file is read where it is, once; the link to it is not an artifact file.
    const real = result.images.find((image) => image.ref === 'docker.io/library/real:1');
    expect(real?.locations.map((location) => location.file)).toEqual(['apps/inner/real.yaml']);
  });
  it('says nothing of a link the ignore rules leave out anyway (node_modules/ in .sourceignore)', async () => {
    const result = await load({
      '.sourceignore': 'node_modules/\n*.lnk\n',
      'node_modules/@scope/pkg': { symlink: '../../apps' },
      'node_modules/.bin/tool': { symlink: '../@scope/pkg/tool.js' },
      'apps/skipped.lnk': { symlink: 'inner/real.yaml' },
      'apps/alias.yaml': { symlink: 'inner/real.yaml' },
      'apps/inner/real.yaml': deployment('docker.io/library/real:1', 'real'),
    });
    const dropped = result.diagnostics
      .filter((diagnostic) => diagnostic.code === 'symlink-dropped')
      .map((diagnostic) => diagnostic.file);
    // The one link Flux would otherwise have read is still reported.
    expect(dropped).toEqual(['apps/alias.yaml']);
    expect(refs(result)).toContain('docker.io/library/real:1');
  });
});
