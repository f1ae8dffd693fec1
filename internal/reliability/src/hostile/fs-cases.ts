import { execFileSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { HostileCase } from './cases.js';
import { deploymentWithImage } from '../support/temp-repo.js';

/** Writes `bytes` bytes of YAML comment lines to `path` in 1 MiB chunks (bounded memory). */
export async function writeLargeFile(path: string, bytes: number): Promise<void> {
  const line = `# ${'x'.repeat(77)}\n`;
  const chunk = Buffer.from(line.repeat(Math.ceil((1024 * 1024) / line.length)));
  const stream = createWriteStream(path);
  for (let written = 0; written < bytes; written += chunk.length) {
    if (!stream.write(chunk)) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
  }
  stream.end();
  await finished(stream);
}

const EVIL = 'docker.io/library/evil:1';

/** Cases that need the file system: sizes, symlinks, FIFOs, odd names, ignore files. */
export const FS_CASES: readonly HostileCase[] = [
  {
    id: 'file-100mb',
    category: 'large input',
    input: 'a 100 MB YAML file',
    setup: (root) => writeLargeFile(join(root, 'apps/bad.yaml'), 100 * 1024 * 1024),
    diagnostic: { file: 'apps/bad.yaml', code: 'file-too-large' },
  },
  {
    id: 'file-just-over-cap',
    category: 'large input',
    input: 'an 11 MB YAML file (just over the 10 MiB cap)',
    setup: (root) => writeLargeFile(join(root, 'apps/bad.yaml'), 11 * 1024 * 1024),
    diagnostic: { file: 'apps/bad.yaml', code: 'file-too-large' },
  },
  {
    id: 'symlink-out-of-repo',
    category: 'symlinks',
    input: 'apps/bad.yaml is a symlink to /etc/passwd',
    files: { 'apps/bad.yaml': { symlink: '/etc/passwd' } },
    diagnostic: { file: 'apps/bad.yaml', code: 'symlink-outside-root' },
    flux: { file: 'apps/bad.yaml', code: 'symlink-dropped' },
  },
  {
    id: 'symlink-dir-out-of-repo',
    category: 'symlinks',
    input: 'apps/bad is a symlink to / (the whole file system)',
    files: { 'apps/bad': { symlink: '/' } },
    diagnostic: { file: 'apps/bad', code: 'symlink-outside-root' },
    flux: { file: 'apps/bad', code: 'symlink-dropped' },
  },
  {
    id: 'symlink-relative-escape',
    category: 'symlinks',
    input: 'apps/bad.yaml -> ../../../../../../etc/hostname',
    files: { 'apps/bad.yaml': { symlink: '../../../../../../../../etc/hostname' } },
    diagnostic: { file: 'apps/bad.yaml', code: 'symlink-outside-root' },
    flux: { file: 'apps/bad.yaml', code: 'symlink-dropped' },
  },
  {
    id: 'symlink-loop-dir',
    category: 'symlinks',
    input: 'apps/bad/loop -> .. (a folder symlink loop)',
    files: {
      'apps/bad/loop': { symlink: '..' },
      'apps/bad/inner.yaml': deploymentWithImage('docker.io/library/inner:1'),
    },
    diagnostic: { file: 'apps/bad/loop', code: 'symlink-loop' },
    images: ['docker.io/library/inner:1'],
    flux: 'none',
  },
  {
    id: 'symlink-self',
    category: 'symlinks',
    input: 'apps/bad.yaml -> bad.yaml (a link to itself, ELOOP)',
    files: { 'apps/bad.yaml': { symlink: 'bad.yaml' } },
    diagnostic: { file: 'apps/bad.yaml', code: 'broken-symlink' },
    flux: { file: 'apps/bad.yaml', code: 'symlink-dropped' },
  },
  {
    id: 'symlink-mutual',
    category: 'symlinks',
    input: 'apps/bad-a.yaml -> bad-b.yaml -> bad-a.yaml',
    files: { 'apps/bad-a.yaml': { symlink: 'bad-b.yaml' }, 'apps/bad-b.yaml': { symlink: 'bad-a.yaml' } },
    diagnostic: { file: 'apps/bad-a.yaml', code: 'broken-symlink' },
    flux: { file: 'apps/bad-a.yaml', code: 'symlink-dropped' },
  },
  {
    id: 'symlink-broken',
    category: 'symlinks',
    input: 'apps/bad.yaml -> a file that does not exist',
    files: { 'apps/bad.yaml': { symlink: 'missing.yaml' } },
    diagnostic: { file: 'apps/bad.yaml', code: 'broken-symlink' },
    flux: { file: 'apps/bad.yaml', code: 'symlink-dropped' },
  },
  {
    id: 'fifo',
    category: 'special files',
    input: 'apps/bad.yaml is a FIFO (reading it would block forever)',
    setup: async (root) => {
      execFileSync('mkfifo', [join(root, 'apps/bad.yaml')]);
    },
    diagnostic: 'none',
  },
  {
    id: 'dots-folder',
    category: 'odd names',
    input: 'a folder named `...` holding a manifest',
    files: { 'apps/.../bad.yaml': deploymentWithImage('docker.io/library/dots:1') },
    diagnostic: 'none',
    images: ['docker.io/library/dots:1'],
  },
  {
    id: 'newline-file-name',
    category: 'odd names',
    input: 'a file named "bad\\n--help.yaml"',
    files: { 'apps/bad\n--help.yaml': deploymentWithImage('docker.io/library/newline-name:1') },
    diagnostic: 'none',
    images: ['docker.io/library/newline-name:1'],
  },
  {
    id: 'dash-file-name',
    category: 'odd names',
    input: 'a file named "-rf.yaml"',
    files: { 'apps/-rf.yaml': deploymentWithImage('docker.io/library/dash-name:1') },
    diagnostic: 'none',
    images: ['docker.io/library/dash-name:1'],
  },
  {
    id: 'json-file',
    category: 'JSON manifests',
    input: 'a Deployment in apps/bad.json (Flux builds only .yaml/.yml files of a folder)',
    files: {
      'apps/bad.json': JSON.stringify({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'j' },
        spec: { template: { spec: { containers: [{ name: 'x', image: EVIL }] } } },
      }),
    },
    diagnostic: 'none',
    absentImages: [EVIL],
  },
  {
    id: 'sourceignore-unignore-git',
    category: '.sourceignore tricks',
    input: 'apps/.sourceignore re-includes `.git/` with `!.git/` (Flux default excludes come first)',
    files: {
      'apps/.sourceignore': '!.git/\n!**/.git/\n',
      'apps/.git/bad.yaml': deploymentWithImage('docker.io/library/git-dir:1'),
    },
    diagnostic: 'none',
  },
  {
    id: 'git-folder',
    category: '.sourceignore tricks',
    input: 'a manifest inside apps/.git/ (Flux excludes VCS folders)',
    files: { 'apps/.git/bad.yaml': deploymentWithImage(EVIL) },
    diagnostic: 'none',
    absentImages: [EVIL],
  },
  {
    id: 'sourceignore-negation',
    category: '.sourceignore tricks',
    input: 'apps/.sourceignore: `*.yaml` then `!good.yaml`',
    files: { 'apps/.sourceignore': '*.yaml\n!good.yaml\n', 'apps/bad.yaml': deploymentWithImage(EVIL) },
    diagnostic: 'none',
    absentImages: [EVIL],
  },
  {
    id: 'sourceignore-parent-pattern',
    category: '.sourceignore tricks',
    input: 'apps/sub/.sourceignore: `../good.yaml` and `/apps/good.yaml` (cannot reach above its folder)',
    files: {
      'apps/sub/.sourceignore': '../good.yaml\n/apps/good.yaml\n/**/good.yaml\n',
      'apps/sub/bad.yaml': deploymentWithImage('docker.io/library/sub:1'),
    },
    diagnostic: 'none',
    images: ['docker.io/library/sub:1'],
  },
  {
    id: 'sourceignore-symlink-out',
    category: '.sourceignore tricks',
    input: 'apps/.sourceignore is a symlink to a file outside the root',
    files: {
      'apps/.sourceignore': { symlink: '/etc/hostname' },
      'apps/bad.yaml': deploymentWithImage('docker.io/library/kept:1'),
    },
    diagnostic: { file: 'apps/.sourceignore', code: 'symlink-outside-root' },
    images: ['docker.io/library/kept:1'],
  },
  {
    id: 'sourceignore-binary',
    category: '.sourceignore tricks',
    input: 'apps/.sourceignore is binary garbage',
    files: {
      'apps/.sourceignore': Uint8Array.from({ length: 2048 }, (_, index) => (index * 31) % 256),
      'apps/bad.yaml': deploymentWithImage('docker.io/library/kept:1'),
    },
    diagnostic: 'none',
    images: ['docker.io/library/kept:1'],
  },
  {
    id: 'sourceignore-folder',
    category: '.sourceignore tricks',
    input: 'apps/.sourceignore is a folder holding a manifest',
    files: { 'apps/.sourceignore/bad.yaml': deploymentWithImage('docker.io/library/in-folder:1') },
    diagnostic: 'none',
    images: ['docker.io/library/in-folder:1'],
  },
  {
    id: 'sourceignore-whole-root',
    category: '.sourceignore tricks',
    input: 'apps/.sourceignore ignores `/` and `**` (only its own folder is affected)',
    files: { 'apps/.sourceignore': '/\n**\n!good.yaml\n', 'apps/bad.yaml': deploymentWithImage(EVIL) },
    diagnostic: 'none',
    absentImages: [EVIL],
  },
  {
    id: 'deep-folders',
    category: 'large input',
    input: '150 nested folders with a manifest at the bottom',
    files: { [`apps/${'d/'.repeat(150)}bad.yaml`]: deploymentWithImage('docker.io/library/bottom:1') },
    diagnostic: 'none',
    images: ['docker.io/library/bottom:1'],
  },
  {
    id: 'many-files',
    category: 'large input',
    input: '2,000 small manifest files in one folder',
    files: Object.fromEntries(
      Array.from({ length: 2000 }, (_, index) => [
        `apps/bad-many/f${index}.yaml`,
        deploymentWithImage(`docker.io/library/many${index % 10}:1`, `m${index}`),
      ]),
    ),
    diagnostic: 'none',
    images: Array.from({ length: 10 }, (_, index) => `docker.io/library/many${index}:1`),
  },
];
