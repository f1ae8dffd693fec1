import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RepoFiles, joinRelative, normalizeRelative } from './repo-files.js';
import { SourceTree } from './source-tree.js';

let base: string;
beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'sluice-repo-files-'));
  await mkdir(join(base, 'repo/apps'), { recursive: true });
  await mkdir(join(base, 'outside'), { recursive: true });
  await writeFile(join(base, 'outside/secret.yaml'), 'apiVersion: v1\nkind: Secret\n');
  await writeFile(join(base, 'repo/apps/app.yaml'), 'apiVersion: v1\nkind: Pod\n');
  await symlink(join(base, 'outside'), join(base, 'repo/apps/escape'));
  await symlink(join(base, 'repo/apps/app.yaml'), join(base, 'repo/apps/alias.yaml'));
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('paths never leave the root', () => {
  it('normalizes relative paths and refuses climbing or absolute ones', () => {
    expect(normalizeRelative('./apps/../apps/prod/')).toBe('apps/prod');
    expect(normalizeRelative('.')).toBe('');
    expect(normalizeRelative('../etc')).toBeUndefined();
    expect(normalizeRelative('/etc/passwd')).toBeUndefined();
    expect(joinRelative('apps/prod', '../../..')).toBeUndefined();
    expect(joinRelative('apps/prod', '../base')).toBe('apps/base');
  });

  it('follows links inside the root and refuses links that leave it', async () => {
    const files = await RepoFiles.open(join(base, 'repo'));
    expect(await files.typeOf('apps/alias.yaml')).toBe('file');
    expect(await files.typeOf('apps/escape')).toBeUndefined();
    expect(await files.read('apps/escape/secret.yaml')).toBeUndefined();
    expect((await files.list('apps')).map((entry) => entry.name)).toEqual(['alias.yaml', 'app.yaml']);
    expect(files.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'symlink-outside-root', file: 'apps/escape', line: 1 }),
    );
  });

  it('mounts folders into an artifact (ExternalArtifact layout)', async () => {
    const files = await RepoFiles.open(join(base, 'repo'));
    const tree = new SourceTree('ExternalArtifact/flux-system/apps', files, {
      mounts: [{ at: 'base', from: 'apps' }],
    });
    expect(await tree.list('')).toEqual([{ name: 'base', type: 'dir' }]);
    expect(await tree.read('base/app.yaml')).toContain('kind: Pod');
    expect(tree.toRepoPath('base/app.yaml')).toBe('apps/app.yaml');
    expect(await tree.typeOf('other')).toBeUndefined();
  });
});
