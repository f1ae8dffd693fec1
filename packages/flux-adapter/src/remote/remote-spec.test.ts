// Remote bases parsed as kustomize v5 parses them (api/internal/git/repospec.go): what git
// clones, the folder built inside it, the ref and its query parameters; and what Sluice refuses.
import { describe, expect, it } from 'vitest';
import { applyGitMirrors, parseGitMirror } from './git-mirrors.js';
import { classifyRef, parseRemoteSpec, remoteCacheKey, remoteLabel, type RemoteSpec } from './remote-spec.js';

function parsed(entry: string): RemoteSpec {
  const spec = parseRemoteSpec(entry);
  if ('error' in spec) throw new Error(`${entry}: ${spec.error}`);
  return spec;
}

describe('parseRemoteSpec: kustomize v5 repospec rules', () => {
  it.each([
    // entry, clone URL, path, ref
    ['https://github.com/org/repo//deploy?ref=v1.2.3', 'https://github.com/org/repo', 'deploy', 'v1.2.3'],
    ['github.com/org/repo/deploy/prod?ref=v1', 'https://github.com/org/repo', 'deploy/prod', 'v1'],
    ['GitHub.com/org/repo/deploy?version=v2', 'https://github.com/org/repo', 'deploy', 'v2'],
    ['git@github.com:org/repo.git//deploy?ref=v1', 'git@github.com:org/repo.git', 'deploy', 'v1'],
    ['ssh://git@github.com/org/repo//deploy?ref=v1', 'git@github.com:org/repo', 'deploy', 'v1'],
    [
      'git::https://git.example.com/org/repo.git//deploy?ref=v1',
      'https://git.example.com/org/repo.git',
      'deploy',
      'v1',
    ],
    [
      'deploy@git.example.com:org/repo.git/deploy?ref=v1',
      'deploy@git.example.com:org/repo.git',
      'deploy',
      'v1',
    ],
    [
      'https://dev.azure.com/org/project/_git/repo/deploy?ref=v1',
      'https://dev.azure.com/org/project/_git/repo',
      'deploy',
      'v1',
    ],
    [
      'https://git.example.com/org/repo.git/a/./b/../c?ref=v1',
      'https://git.example.com/org/repo.git',
      'a/c',
      'v1',
    ],
    ['https://github.com/org/repo?ref=v1&ref=v2&version=v3', 'https://github.com/org/repo', '', 'v1'],
  ])('%s', (entry, cloneUrl, path, ref) => {
    expect(parsed(entry)).toMatchObject({ cloneUrl, path, ref });
  });

  it('reads ?timeout= as kustomize does (seconds, or a Go duration; 27 s by default) and ?submodules=', () => {
    expect(parsed('https://github.com/o/r?ref=v1').timeoutMs).toBe(27_000);
    expect(parsed('https://github.com/o/r?ref=v1&timeout=61').timeoutMs).toBe(61_000);
    expect(parsed('https://github.com/o/r?ref=v1&timeout=1m30s').timeoutMs).toBe(90_000);
    expect(parsed('https://github.com/o/r?ref=v1&timeout=junk').timeoutMs).toBe(27_000);
    expect(parsed('https://github.com/o/r?ref=v1').submodules).toBe(true);
    expect(parsed('https://github.com/o/r?ref=v1&submodules=false').submodules).toBe(false);
    expect(parsed('https://github.com/o/r?ref=v1&submodules=maybe').submodules).toBe(true);
  });

  it('a query Go refuses to parse gives kustomize its defaults: no ref (so unpinned)', () => {
    expect(parsed('https://github.com/o/r?ref=v1;x=1').pin.kind).toBe('unpinned');
    expect(parsed('https://github.com/o/r?ref=v1%zz').pin.kind).toBe('unpinned');
  });

  it.each([
    ['--upload-pack=touch /tmp/x', 'starts with "-"'],
    ['https://github.com/org/repo//deploy?ref=v1 x', 'spaces or control characters'],
    ['https://github.com/org/repo//deploy\n?ref=v1', 'spaces or control characters'],
    ['file:///etc//?ref=v1', 'file:// names a repository'],
    ['ext::sh -c touch', 'spaces or control characters'],
    ['ext::sh', 'kustomize cannot read its scheme'],
    ['git::ext::sh', 'kustomize cannot read its scheme'],
    ['https://github.com/org/repo//../../etc?ref=v1', 'leaves the repository'],
    ['https://github.com/org/repo//a/../../b?ref=v1', 'leaves the repository'],
    ['https://github.com/org', 'no org/repo'],
  ])('refuses %s', (entry, reason) => {
    expect(parseRemoteSpec(entry)).toEqual({ error: expect.stringContaining(reason) });
  });
});

describe('classifyRef: what is pinned', () => {
  it.each([
    ['', 'unpinned'],
    ['0123456789abcdef0123456789abcdef01234567', 'commit'],
    ['0123456789ABCDEF0123456789ABCDEF01234567', 'commit'],
    ['0123456', 'tag-name'], // an abbreviated id is a name to git: pinned only if a tag has it
    ['v1.2.3', 'tag-name'],
    ['refs/tags/v1.2.3', 'tag-name'],
    ['refs/heads/main', 'unpinned'],
    ['refs/pull/1/head', 'unpinned'],
    ['main:refs/heads/x', 'unpinned'],
    ['+v1', 'unpinned'],
    ['-v1', 'unpinned'],
    ['a..b', 'unpinned'],
  ])('%s is %s', (ref, kind) => {
    expect(classifyRef(ref).kind).toBe(kind);
  });
});

describe('labels, cache keys, mirrors', () => {
  it('shows files as <URL>@<ref>/path, never with a password', () => {
    expect(remoteLabel(parsed('https://github.com/org/repo//deploy?ref=v1'))).toBe(
      'https://github.com/org/repo@v1',
    );
    expect(remoteLabel(parsed('https://user:s3cret@git.example.com/org/repo.git//d?ref=v1'))).toBe(
      'https://***@git.example.com/org/repo.git@v1',
    );
    expect(remoteLabel(parsed('git@github.com:org/repo.git//deploy?ref=v1'))).toBe(
      'ssh://git@github.com/org/repo.git@v1',
    );
    expect(remoteLabel(parsed('github.com/org/repo/deploy'))).toBe('https://github.com/org/repo@HEAD');
    expect(
      remoteLabel(parsed('https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@git.example.com/o/r.git?ref=v1')),
    ).toBe('https://***@git.example.com/o/r.git@v1');
  });

  it('keys the cache by the normalised URL, ref and submodules', () => {
    const key = (entry: string): string => remoteCacheKey(parsed(entry));
    expect(key('github.com/org/repo/a?ref=v1')).toBe(key('https://github.com/org/repo//b?ref=v1'));
    expect(key('HTTPS://Git.Example.com/org/repo.git?ref=v1')).toBe(
      key('https://git.example.com/org/repo.git?ref=v1'),
    );
    expect(key('https://github.com/org/repo?ref=v1')).not.toBe(key('https://github.com/org/repo?ref=v2'));
    expect(key('https://github.com/org/repo?ref=v1')).not.toBe(
      key('https://github.com/org/repo?ref=v1&submodules=0'),
    );
  });

  it('parses FROM=TO and rewrites the longest matching prefix, whole segments only', () => {
    const mirrors = [
      parseGitMirror('https://github.com/=http://127.0.0.1:8080/'),
      parseGitMirror('https://github.com/org=http://mirror.internal/org-mirror'),
      parseGitMirror('git@github.com:=https://mirror.internal/gh/'),
    ].map((mirror) => {
      if ('error' in mirror) throw new Error(mirror.error);
      return mirror;
    });
    expect(applyGitMirrors('https://github.com/other/repo', mirrors)).toBe(
      'http://127.0.0.1:8080/other/repo',
    );
    expect(applyGitMirrors('https://github.com/org/repo', mirrors)).toBe(
      'http://mirror.internal/org-mirror/repo',
    );
    expect(applyGitMirrors('https://github.com/organisation/repo', mirrors)).toBe(
      'http://127.0.0.1:8080/organisation/repo',
    );
    expect(applyGitMirrors('git@github.com:org/repo.git', mirrors)).toBe(
      'https://mirror.internal/gh/org/repo.git',
    );
    expect(applyGitMirrors('https://gitlab.com/org/repo', mirrors)).toBe('https://gitlab.com/org/repo');
    expect(parseGitMirror('https://github.com/=file:///srv/git/')).toEqual({
      error: expect.stringContaining('expected FROM=TO'),
    });
    expect(parseGitMirror('https://github.com/=ext::sh -c x')).toEqual({
      error: expect.stringContaining('expected FROM=TO'),
    });
  });
});
