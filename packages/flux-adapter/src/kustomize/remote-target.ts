// kustomize (v5, as embedded in kustomize-controller) decides that a `resources:` or
// `components:` entry is a remote base before it looks at the file system
// (api/internal/git/repospec.go NewRepoSpecFromURL, called first by FileLoader.New), and loads
// an http(s) entry as a remote file (HasRemoteFileScheme). What it fetches is not in the
// repository, so a build that names one cannot be reproduced offline.

// `git::` is stripped, then a scheme (ssh, https, http, file; Sluice takes any scheme),
// compared without case (trimPrefixIgnoreCase).
const SCHEME = /^(?:git::)?[a-z][a-z0-9+.-]*:\/\//i;
// No scheme: an SCP-like `user@host:path` (extractUsername: `^[a-zA-Z][a-zA-Z0-9-]*@`), or the
// standard GitHub host (isStandardGithubHost: `github.com/` or `github.com:`, any case).
const SCHEMELESS = /^(?:git::)?(?:[a-z][a-z0-9-]*@|github\.com[/:])/i;

/**
 * True when kustomize reads `entry` (of `resources:`, `bases:` or `components:`) from the
 * network: a git repository it clones or an http(s) file it downloads. Such an entry is remote
 * even when a local folder of the same name exists, as kustomize tries the remote first.
 */
export function isRemoteTarget(entry: string): boolean {
  return SCHEME.test(entry) || SCHEMELESS.test(entry);
}
