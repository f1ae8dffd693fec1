import { chmod, copyFile, mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { repoPath } from '@sluice/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  locateExecutable,
  readDbMetadata,
  recallTrivyVersion,
  rememberTrivyVersion,
  trivyCacheDirectory,
} from './version-memo.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-memo-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('locateExecutable', () => {
  it('finds executables on PATH and takes paths as they are', async () => {
    const bin = join(dir, 'bin');
    await mkdir(bin);
    await writeFile(join(bin, 'trivy'), '#!/bin/sh\n');
    await chmod(join(bin, 'trivy'), 0o755);
    await writeFile(join(bin, 'not-executable'), '');
    expect(await locateExecutable('trivy', { PATH: ['/nonexistent', bin].join(delimiter) })).toBe(
      join(bin, 'trivy'),
    );
    expect(await locateExecutable('not-executable', { PATH: bin })).toBeUndefined();
    expect(await locateExecutable('trivy', { PATH: '' })).toBeUndefined();
    expect(await locateExecutable(join(bin, 'trivy'), {})).toBe(join(bin, 'trivy'));
    expect(await locateExecutable(join(bin, 'missing'), {})).toBeUndefined();
  });
});

describe('trivyCacheDirectory', () => {
  it("follows Trivy's order: --cache-dir, TRIVY_CACHE_DIR, the user cache dir", () => {
    expect(trivyCacheDirectory('/explicit', { TRIVY_CACHE_DIR: '/env' })).toBe('/explicit');
    expect(trivyCacheDirectory(undefined, { TRIVY_CACHE_DIR: '/env' })).toBe('/env');
    if (process.platform === 'linux' && !process.env.TRIVY_CACHE_DIR) {
      expect(trivyCacheDirectory(undefined, { XDG_CACHE_HOME: '/xdg' })).toBe('/xdg/trivy');
      if (!process.env.XDG_CACHE_HOME)
        expect(trivyCacheDirectory(undefined, {})).toBe(join(homedir(), '.cache', 'trivy'));
    }
  });
});

describe('readDbMetadata', () => {
  it("reads the DB metadata Trivy's version command reads, and nothing else", async () => {
    expect(await readDbMetadata(dir)).toBeUndefined();
    await mkdir(join(dir, 'db'));
    await copyFile(
      repoPath('fixtures/trivy/version/cache-db-metadata.json'),
      join(dir, 'db', 'metadata.json'),
    );
    expect(await readDbMetadata(dir)).toMatchObject({
      Version: 2,
      UpdatedAt: '2022-03-02T06:07:07.99504083Z',
    });
    await writeFile(join(dir, 'db', 'metadata.json'), '{"Version":2}');
    expect(await readDbMetadata(dir)).toBeUndefined();
    await writeFile(join(dir, 'db', 'metadata.json'), '{');
    expect(await readDbMetadata(dir)).toBeUndefined();
  });
});

describe('the version memo', () => {
  it('remembers a version per binary file and forgets it when the binary changes', async () => {
    const binary = join(dir, 'trivy');
    await writeFile(binary, 'v1');
    const memo = join(dir, 'memo');
    expect(await recallTrivyVersion(binary, memo)).toBeUndefined();
    await rememberTrivyVersion(binary, '0.74.0', memo);
    expect(await recallTrivyVersion(binary, memo)).toBe('0.74.0');
    // A new binary in place (new size and time) is a new version.
    await writeFile(binary, 'v2 is longer');
    await utimes(binary, new Date(), new Date(Date.now() + 5000));
    expect(await recallTrivyVersion(binary, memo)).toBeUndefined();
  });
});
