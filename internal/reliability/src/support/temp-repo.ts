import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TreeEntry } from '@sluice/test-utils';
import { GOOD_IMAGE, writeTree } from '@sluice/test-utils';

/** One entry of a repository tree: file content, or a symlink to `target`. */
export type { TreeEntry } from '@sluice/test-utils';

/** A repository written to a temporary folder. */
export interface TempRepo {
  readonly root: string;
  /** Removes the folder. */
  cleanup(): Promise<void>;
}

/** A fresh temporary folder (not created under the checkout). */
export function makeTempDir(prefix = 'sluice-reliability-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export { writeTree };

/** A temporary repository holding `tree`. */
export async function createTempRepo(tree: Readonly<Record<string, TreeEntry>> = {}): Promise<TempRepo> {
  const root = await makeTempDir();
  await writeTree(root, tree);
  return { root, cleanup: () => rm(root, { recursive: true, force: true }) };
}

export { GOOD_IMAGE };

/** A Deployment whose single container runs `image`, written as a YAML double-quoted scalar. */
export function deploymentWithImage(image: string, name = 'odd'): string {
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: ${name}`,
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: app',
    `          image: ${JSON.stringify(image)}`,
    '',
  ].join('\n');
}
