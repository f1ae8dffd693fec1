import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TreeEntry } from '@sluice/test-utils';
import { writeTree } from '@sluice/test-utils';

/** The image of {@link GOOD_DEPLOYMENT}, written at `apps/good.yaml` line 15. */
export const GOOD_IMAGE = 'ghcr.io/sluice-test/good:1.0.0';

/** A Deployment running `image` (its image on line 15). */
export function deployment(image: string, name = 'good'): string {
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
    `          image: ${image}`,
    '',
  ].join('\n');
}

/** A Flux Kustomization syncing `path` from the flux-system GitRepository. */
export function fluxKustomization(name: string, path: string): string {
  return [
    'apiVersion: kustomize.toolkit.fluxcd.io/v1',
    'kind: Kustomization',
    'metadata:',
    `  name: ${name}`,
    '  namespace: flux-system',
    'spec:',
    '  interval: 10m',
    `  path: ${path}`,
    '  prune: true',
    '  sourceRef:',
    '    kind: GitRepository',
    '    name: flux-system',
    '',
  ].join('\n');
}

/** A file's content, or a symbolic link to create. */
export type TempFile = TreeEntry;

/**
 * Writes a temporary Flux repository: `clusters/dev/sync.yaml` (Kustomizations syncing
 * `clusters/dev` and `apps`), `apps/good.yaml` running {@link GOOD_IMAGE}, and `files`.
 * Returns its root and a cleanup function.
 */
export async function tempFluxRepo(
  files: Readonly<Record<string, TempFile>>,
): Promise<{ root: string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'sluice-flux-adapter-'));
  const all: Record<string, TempFile> = {
    'clusters/dev/sync.yaml': `${fluxKustomization('flux-system', './clusters/dev')}---\n${fluxKustomization('apps', './apps')}`,
    'apps/good.yaml': deployment(GOOD_IMAGE),
    ...files,
  };
  await writeTree(root, all);
  return { root, cleanup: () => rm(root, { recursive: true, force: true }) };
}
