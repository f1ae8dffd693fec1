import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mountTinyTmpfs } from '@sluice/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './write-file-atomic.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-atomic-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('replaces the file whole, creating its folder when asked, and leaves no temporary file', async () => {
    const path = join(dir, 'reports', 'sluice.json');
    await expect(writeFileAtomic(path, 'x')).rejects.toThrow(/ENOENT/);
    await writeFileAtomic(path, '{"old":true}', { createFolder: true });
    await writeFileAtomic(path, new TextEncoder().encode('{"new":true}'));
    expect(await readFile(path, 'utf8')).toBe('{"new":true}');
    expect(((await stat(path)).mode & 0o777).toString(8)).toMatch(/^6[0-4][0-4]$/);
    expect(await readdir(join(dir, 'reports'))).toEqual(['sluice.json']);
  });

  it('removes its temporary file when the rename fails, and leaves the target as it was', async () => {
    const path = join(dir, 'taken');
    await mkdir(path);
    await writeFile(join(path, 'inside'), 'keep');
    await expect(writeFileAtomic(path, 'report')).rejects.toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
    expect(await readdir(dir)).toEqual(['taken']);
    expect(await readFile(join(path, 'inside'), 'utf8')).toBe('keep');
  });

  it.runIf(process.getuid?.() === 0)(
    'leaves neither a partial report nor a temporary file on a full disk (ENOSPC on a 64 KiB tmpfs)',
    async () => {
      const tiny = await mountTinyTmpfs(64);
      expect(tiny, 'mounting a tmpfs as root').toBeDefined();
      try {
        const path = join(tiny!.dir, 'sluice.sarif');
        await writeFileAtomic(path, 'small and complete');
        await expect(writeFileAtomic(path, 'y'.repeat(200_000))).rejects.toThrow(/ENOSPC/);
        expect(await readdir(tiny!.dir)).toEqual(['sluice.sarif']);
        expect(await readFile(path, 'utf8')).toBe('small and complete');
      } finally {
        await tiny?.unmount();
      }
    },
  );
});
