import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TreeEntry } from '@sluice/test-utils';
import { writeTree } from '@sluice/test-utils';

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

/** The image every "good" manifest deploys, so a test can check the rest of a repository was read. */
export const GOOD_IMAGE = 'ghcr.io/sluice-test/good:1.0.0';

/** A plain Deployment running {@link GOOD_IMAGE} (its image on line 15, column 18). */
export function goodDeployment(name = 'good'): string {
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: ${name}`,
    '  namespace: default',
    'spec:',
    '  selector:',
    '    matchLabels: { app: good }',
    '  template:',
    '    metadata:',
    '      labels: { app: good }',
    '    spec:',
    '      containers:',
    '        - name: app',
    '          image: ' + GOOD_IMAGE,
    '',
  ].join('\n');
}

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
