import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSluiceError } from './errors.js';
import { loadManifests, streamManifestFiles } from './load-manifests.js';
import { readTextFile } from './read-text-file.js';
import { resolveInsideRoot } from './safe-path.js';
import { walkYamlFiles } from './walk-files.js';
import { readManifestFile, walkManifestFiles } from './walk-manifest-files.js';

const deployment = (name: string, image: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ${image}\n`;

let base: string;
let root: string;
let outside: string;

async function put(path: string, content: string | Uint8Array): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), content);
}

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'sluice-load-'));
  root = join(base, 'repo');
  outside = join(base, 'outside');
  await mkdir(outside, { recursive: true });
  await writeFile(join(outside, 'secret.yaml'), deployment('secret', 'evil:1'));
  await put('apps/web.yaml', deployment('web', 'nginx:1.25'));
  await put('apps/api.yml', deployment('api', 'ghcr.io/acme/api:2.0'));
  await put('apps/README.md', '# not yaml');
  await put(
    'apps/many.yaml',
    `${deployment('one', 'redis:7')}---\nbroken: [unclosed\n---\n${deployment('three', 'memcached:1.6')}---\nsettings: {a: 1}\n---\n`,
  );
  await put('.sourceignore', '# comments are fine\n*.enc.yaml\n/drafts/\n');
  await put('drafts/wip.yaml', deployment('wip', 'wip:1'));
  await put('apps/secret.enc.yaml', deployment('enc', 'enc:1'));
  await put('nested/.sourceignore', 'skip-me.yaml\n!keep.enc.yaml\n');
  await put('nested/skip-me.yaml', deployment('skipped', 'skipped:1'));
  await put('nested/deeper/skip-me.yaml', deployment('deeper', 'deeper:1'));
  await put('nested/keep.enc.yaml', deployment('kept', 'kept:1'));
  await put('.github/workflows/ci.yaml', 'on: push\n');
  await put(
    'chart/templates/deployment.yaml',
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n{{- if .Values.x }}\n{{- end }}\n`,
  );
  await put('big.yaml', `# ${'x'.repeat(4096)}\n${deployment('big', 'big:1')}`);
  await put('binary.yaml', new Uint8Array([0x61, 0x3a, 0x00, 0x01, 0x02]));
  await put('latin1.yaml', new Uint8Array([0x61, 0x3a, 0x20, 0xe9, 0x0a]));
  await put('explicit/ignored.yaml', deployment('explicit', 'explicit:1'));
  await symlink(join(outside, 'secret.yaml'), join(root, 'apps/link-out.yaml'));
  await symlink(outside, join(root, 'dir-out'));
  await symlink(join(root, 'apps/web.yaml'), join(root, 'linked-web.yaml'));
  await symlink(root, join(root, 'apps/loop'));
  await symlink(join(root, 'missing.yaml'), join(root, 'dangling.yaml'));
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('loadManifests', () => {
  it('loads every Kubernetes object below the root, sorted, and reports everything it skipped', async () => {
    const result = await loadManifests(root, { ignore: ['explicit/'], maxFileSize: 2048 });
    // The root .sourceignore holds patterns, so Flux's default exclusions (.github/ among them)
    // no longer apply: source-controller's SourceIgnoreFilter uses VCSPatterns + the patterns.
    expect(result.files).toEqual([
      '.github/workflows/ci.yaml',
      'apps/api.yml',
      'apps/many.yaml',
      'apps/web.yaml',
      'big.yaml',
      'binary.yaml',
      'chart/templates/deployment.yaml',
      'latin1.yaml',
      'linked-web.yaml',
      'nested/keep.enc.yaml',
    ]);
    expect(result.documents.map((d) => `${d.file}#${d.index} ${d.kind}/${d.name}`)).toEqual([
      'apps/api.yml#0 Deployment/api',
      'apps/many.yaml#0 Deployment/one',
      'apps/many.yaml#2 Deployment/three',
      'apps/web.yaml#0 Deployment/web',
      'linked-web.yaml#0 Deployment/web',
      'nested/keep.enc.yaml#0 Deployment/kept',
    ]);
    expect(result.diagnostics.map((d) => [d.file, d.code, d.severity])).toEqual([
      ['.github/workflows/ci.yaml', 'not-kubernetes', 'info'],
      ['apps/link-out.yaml', 'symlink-outside-root', 'warning'],
      ['apps/loop', 'symlink-loop', 'info'],
      ['apps/many.yaml', 'yaml-syntax', 'error'],
      ['apps/many.yaml', 'not-kubernetes', 'info'],
      ['big.yaml', 'file-too-large', 'error'],
      ['binary.yaml', 'binary-file', 'error'],
      ['chart/templates/deployment.yaml', 'helm-template', 'warning'],
      ['dangling.yaml', 'broken-symlink', 'warning'],
      ['dir-out', 'symlink-outside-root', 'warning'],
      ['latin1.yaml', 'invalid-encoding', 'error'],
    ]);
    const syntax = result.diagnostics.find((d) => d.code === 'yaml-syntax')!;
    expect(syntax.line).toBe(13);
    expect(syntax.message).toMatch(/unexpected end|flow collection|missed comma/);
    expect(result.diagnostics.find((d) => d.code === 'helm-template')!.line).toBe(4);
    expect(result.stats).toEqual({
      files: 6,
      documents: 6,
      emptyDocuments: 1,
      skippedNonKubernetes: 2,
      skippedTemplates: 1,
      skippedFiles: 3,
      invalidDocuments: 1,
      bytes: expect.any(Number),
    });
    const web = result.documents.find((d) => d.file === 'apps/web.yaml')!;
    expect(web).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', line: 1 });
    expect(web.namespace).toBeUndefined();
  });

  it('loads only the given paths, with the ignore rules of the folders above them', async () => {
    const result = await loadManifests(root, { paths: ['nested', 'apps/web.yaml', 'nowhere', '../outside'] });
    expect(result.files).toEqual(['apps/web.yaml', 'nested/keep.enc.yaml']);
    expect(result.diagnostics.map((d) => [d.file, d.code])).toEqual([
      ['../outside', 'path-outside-root'],
      ['nowhere', 'path-not-found'],
    ]);
  });

  it('can turn off .sourceignore files and the Flux default excludes', async () => {
    const result = await loadManifests(root, {
      paths: ['nested', '.github'],
      sourceIgnoreFiles: false,
      defaultExcludes: false,
    });
    expect(result.files).toEqual([
      '.github/workflows/ci.yaml',
      'nested/deeper/skip-me.yaml',
      'nested/keep.enc.yaml',
      'nested/skip-me.yaml',
    ]);
  });

  it('throws a SluiceError when the root does not exist, and honours an abort signal', async () => {
    await expect(loadManifests(join(base, 'nope'))).rejects.toSatisfy((error) =>
      isSluiceError(error, 'SLUICE_ROOT_NOT_FOUND'),
    );
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(loadManifests(root, { signal: controller.signal })).rejects.toThrow('stop');
  });
});

describe('walkYamlFiles', () => {
  it('lists the YAML files below a folder with the ignore rules of the root', async () => {
    const { files } = await walkYamlFiles(root, { under: 'nested' });
    expect(files.map((file) => file.path)).toEqual(['nested/keep.enc.yaml']);
    expect((await walkYamlFiles(root, { under: 'drafts' })).diagnostics).toMatchObject([
      { code: 'path-ignored' },
    ]);
  });

  it('walks symlinked folders inside the root once and ends symlink loops', async () => {
    const { files, diagnostics } = await walkYamlFiles(root, { under: 'apps' });
    expect(files.map((file) => file.path)).toEqual(['apps/api.yml', 'apps/many.yaml', 'apps/web.yaml']);
    expect(diagnostics.map((d) => d.code).sort()).toEqual(['symlink-loop', 'symlink-outside-root']);
  });
});

describe('safe paths', () => {
  it('resolveInsideRoot refuses paths that leave the root, also through symlinks', async () => {
    await expect(resolveInsideRoot(root, 'apps/web.yaml')).resolves.toMatch(/apps\/web\.yaml$/);
    await expect(resolveInsideRoot(root, 'linked-web.yaml')).resolves.toMatch(/apps\/web\.yaml$/);
    for (const path of [
      '../outside/secret.yaml',
      'apps/link-out.yaml',
      'dir-out/secret.yaml',
      '/etc/passwd',
    ]) {
      await expect(resolveInsideRoot(root, path), path).rejects.toSatisfy((error) =>
        isSluiceError(error, 'SLUICE_PATH_OUTSIDE_ROOT'),
      );
    }
    await expect(resolveInsideRoot(root, 'missing.yaml')).rejects.toSatisfy((error) =>
      isSluiceError(error, 'SLUICE_PATH_NOT_FOUND'),
    );
  });

  it('readTextFile reads files inside the root and returns a diagnostic otherwise', async () => {
    const read = await readTextFile(root, 'apps/web.yaml');
    expect(read.ok && read.text.startsWith('apiVersion: apps/v1')).toBe(true);
    expect(await readTextFile(root, 'dir-out/secret.yaml')).toMatchObject({
      ok: false,
      diagnostic: { code: 'path-outside-root', severity: 'error' },
    });
    expect(await readTextFile(root, 'big.yaml', { maxFileSize: 100 })).toMatchObject({
      ok: false,
      diagnostic: { code: 'file-too-large' },
    });
  });
});

describe('loadManifests with one file of very many documents', () => {
  it(
    'reads 160,000 documents of one file without overflowing the call stack',
    { timeout: 30_000 },
    async () => {
      const many = join(base, 'many-documents');
      await mkdir(many, { recursive: true });
      let text = '';
      for (let index = 0; index < 160_000; index += 1)
        text += `---\n{apiVersion: v1, kind: ConfigMap, metadata: {name: c${index}}}\n`;
      await writeFile(join(many, 'many.yaml'), text);
      const { documents, diagnostics, stats } = await loadManifests(many);
      expect(diagnostics).toEqual([]);
      expect(documents).toHaveLength(160_000);
      expect(stats.documents).toBe(160_000);
      expect(documents[159_999]).toMatchObject({ file: 'many.yaml', index: 159_999, line: 320_000 });
    },
  );
});

describe('streamManifestFiles', () => {
  it('parses a file when its documents are reached, gives the same as loadManifests, and stops between files when aborted', async () => {
    const walked = await walkManifestFiles(root, { ignore: ['explicit/'], maxFileSize: 2048 });
    const reads = walked.files.map((file) => readManifestFile(file, { maxFileSize: 2048 }));
    const loaded = await loadManifests(root, { ignore: ['explicit/'], maxFileSize: 2048 });
    const stream = streamManifestFiles(walked, reads);
    // Nothing is parsed before the iteration: no counts, only the walk's diagnostics.
    expect(stream.stats.files).toBe(0);
    const documents = [...stream.documents];
    expect(documents.map((d) => `${d.file}#${d.index}`)).toEqual(
      loaded.documents.map((d) => `${d.file}#${d.index}`),
    );
    expect(stream.diagnostics).toEqual(loaded.diagnostics);
    expect(stream.stats).toEqual(loaded.stats);

    const controller = new AbortController();
    const stopped = streamManifestFiles(walked, reads, { signal: controller.signal });
    const iterator = stopped.documents[Symbol.iterator]();
    const first = iterator.next();
    expect(first.done).toBe(false);
    controller.abort(new Error('stop'));
    // The rest of the first file may still come; the next file is not parsed.
    expect(() => {
      for (let next = iterator.next(); !next.done; next = iterator.next());
    }).toThrow('stop');
  });
});
