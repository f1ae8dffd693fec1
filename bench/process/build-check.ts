// The whole-process benchmark measures the build: a source file newer than the built CLI means
// the numbers would describe other code.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGES = fileURLToPath(new URL('../../packages/', import.meta.url));

/**
 * The first source file of a package (`packages/<name>/src`, tests, fixtures and e2e helpers left out) that
 * is newer than `built`, or undefined when the build is current.
 *
 * @throws Error when `built` does not exist.
 */
export async function findNewerSource(built: string): Promise<string | undefined> {
  const builtAt = (await stat(built).catch(() => undefined))?.mtimeMs;
  if (builtAt === undefined) throw new Error(`${built} does not exist: run \`pnpm build\` first`);
  for (const name of await readdir(PACKAGES)) {
    const source = join(PACKAGES, name, 'src');
    const files = await readdir(source, { recursive: true }).catch(() => [] as string[]);
    for (const file of files) {
      if (!file.endsWith('.ts') || file.endsWith('.test.ts') || file.includes('__') || file.startsWith('e2e'))
        continue;
      const path = join(source, file);
      if ((await stat(path)).mtimeMs > builtAt) return path;
    }
  }
  return undefined;
}
