import type { ParsedYaml } from '@sluice/core';
import type { EntryType, FolderEntry, RepoFiles } from '../source/repo-files.js';
import { SourceTree } from '../source/source-tree.js';

/**
 * A fetched remote base as kustomize reads it inside kustomize-controller: the clone itself, not
 * a source-controller artifact. So no `.sourceignore` or default exclusion applies, and a
 * symbolic link is followed while it stays inside the clone; one leading out is not followed
 * (kustomize refuses it: "security; file … is not in or below …"), which {@link RepoFiles}
 * reports as `symlink-outside-root`. Paths are shown with the files' label, `<URL>@<ref>/path`.
 */
export class CheckoutTree extends SourceTree {
  constructor(
    id: string,
    readonly checkout: RepoFiles,
  ) {
    super(id, checkout, { mounts: [{ at: '', from: '' }] });
  }

  override toRepoPath(path: string): string {
    return this.checkout.shown(path);
  }

  override mountAt(): undefined {
    return undefined;
  }

  override typeOf(path: string): Promise<EntryType | undefined> {
    return path === '.git' || path.startsWith('.git/')
      ? Promise.resolve(undefined)
      : this.checkout.typeOf(path);
  }

  override async list(path: string): Promise<FolderEntry[]> {
    const entries = await this.checkout.list(path);
    return path === '' ? entries.filter((entry) => entry.name !== '.git') : entries;
  }

  override async read(path: string): Promise<string | undefined> {
    return (await this.typeOf(path)) === 'file' ? this.checkout.read(path) : undefined;
  }

  override async parse(path: string): Promise<ParsedYaml | undefined> {
    return (await this.typeOf(path)) === 'file' ? this.checkout.parse(path) : undefined;
  }
}
