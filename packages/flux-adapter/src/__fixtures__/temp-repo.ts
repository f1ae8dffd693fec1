import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TreeEntry } from '@sluice/test-utils';
import { deployment, fluxKustomization, GOOD_IMAGE, writeTree } from '@sluice/test-utils';

export { GOOD_IMAGE, deployment, fluxKustomization };

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
    'apps/good.yaml': deployment(),
    ...files,
  };
  await writeTree(root, all);
  return { root, cleanup: () => rm(root, { recursive: true, force: true }) };
}
