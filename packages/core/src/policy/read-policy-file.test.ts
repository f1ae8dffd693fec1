import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTree } from '@sluice/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readRepositoryPolicyFile } from './read-policy-file.js';

let root: string;
let outside: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'sluice-policy-file-'));
  outside = await mkdtemp(join(tmpdir(), 'sluice-policy-outside-'));
  await writeFile(join(outside, '.trivyignore'), 'CVE-2019-14697\n');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

describe('readRepositoryPolicyFile', () => {
  it('reads a regular UTF-8 file inside the repository, and says when there is none', async () => {
    await writeTree(root, { '.trivyignore': '\ufeffCVE-1\n', 'conf/sluice.config.yaml': 'severity: HIGH\n' });
    expect(await readRepositoryPolicyFile(root, '.trivyignore')).toEqual({ status: 'read', text: 'CVE-1\n' });
    expect(await readRepositoryPolicyFile(root, join(root, 'conf/sluice.config.yaml'))).toEqual({
      status: 'read',
      text: 'severity: HIGH\n',
    });
    expect(await readRepositoryPolicyFile(root, '.trivyignore.yaml')).toEqual({ status: 'missing' });
    expect(await readRepositoryPolicyFile(root, 'no/such/file')).toEqual({ status: 'missing' });
  });

  it('refuses a symlink, out of the repository or inside it, and a path through a symlinked folder', async () => {
    await writeTree(root, {
      'real.trivyignore': 'CVE-1\n',
      '.trivyignore': { symlink: join(outside, '.trivyignore') },
      '.trivyignore.yaml': { symlink: 'real.trivyignore' },
      'linked-dir': { symlink: outside },
      'dangling.yaml': { symlink: 'nowhere' },
    });
    for (const [path, shown] of [
      ['.trivyignore', '.trivyignore'],
      ['.trivyignore.yaml', '.trivyignore.yaml'],
      ['linked-dir/.trivyignore', 'linked-dir'],
      ['dangling.yaml', 'dangling.yaml'],
    ] as const) {
      const result = await readRepositoryPolicyFile(root, path);
      expect(result, path).toMatchObject({ status: 'refused', reason: 'symlink' });
      expect(result.status === 'refused' && result.message, path).toMatch(
        new RegExp(
          `^${shown.replace('.', '\\.')} is a symbolic link; .*Flux's source artifact drops every symlink`,
        ),
      );
    }
  });

  it('never opens a FIFO (which would block) or a device, and refuses folders', async () => {
    await writeTree(root, { '.trivyignore': { fifo: true }, 'sluice.config.yaml/x': 'x' });
    expect(await readRepositoryPolicyFile(root, '.trivyignore')).toEqual({
      status: 'refused',
      reason: 'not-regular',
      message: '.trivyignore is a FIFO (named pipe), not a regular file; not read',
    });
    expect(await readRepositoryPolicyFile(root, 'sluice.config.yaml')).toMatchObject({
      reason: 'not-regular',
      message: expect.stringContaining('is a folder'),
    });
    // /dev/kmsg or /dev/zero reached through a link is refused as a link before anything is opened.
    await writeTree(root, { 'kmsg.trivyignore': { symlink: '/dev/kmsg' } });
    expect(await readRepositoryPolicyFile(root, 'kmsg.trivyignore')).toMatchObject({ reason: 'symlink' });
  });

  it('refuses a file past the size cap, binary or non-UTF-8 content, and paths outside the repository', async () => {
    await writeTree(root, {
      big: 'x'.repeat(2000),
      binary: Buffer.from([0x43, 0x00, 0x45]),
      latin1: Buffer.from([0x43, 0xe9, 0x0a]),
    });
    expect(await readRepositoryPolicyFile(root, 'big', { maxBytes: 1000 })).toEqual({
      status: 'refused',
      reason: 'too-large',
      message: 'big is 2000 bytes or more, past the limit of 1000 for a policy file; not read',
    });
    expect(await readRepositoryPolicyFile(root, 'binary')).toMatchObject({ reason: 'not-text' });
    expect(await readRepositoryPolicyFile(root, 'latin1')).toMatchObject({ reason: 'not-text' });
    for (const path of ['../x', join(outside, '.trivyignore'), '.', '']) {
      expect(await readRepositoryPolicyFile(root, path), path).toMatchObject({ reason: 'outside' });
    }
  });
});
