import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Every `.yaml`/`.yml` file below `root`, as sorted paths relative to it (forward slashes). */
export async function yamlFiles(root: string, dir = ''): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(join(root, dir), { withFileTypes: true })) {
    const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) files.push(...(await yamlFiles(root, path)));
    else if (/\.ya?ml$/.test(entry.name)) files.push(path);
  }
  return files.sort();
}
