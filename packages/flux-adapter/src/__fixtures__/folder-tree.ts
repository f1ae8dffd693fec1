import { RepoFiles } from '../source/repo-files.js';
import { SourceTree } from '../source/source-tree.js';

/**
 * The folder at `root` as the artifact of the GitRepository `flux-system/flux-system`, mounted
 * at the artifact's root: what a kustomize build test reads its files from.
 */
export async function openFolderTree(root: string): Promise<SourceTree> {
  return new SourceTree('GitRepository/flux-system/flux-system', await RepoFiles.open(root), {
    mounts: [{ at: '', from: '' }],
  });
}
