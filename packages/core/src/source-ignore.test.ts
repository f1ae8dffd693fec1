import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeTree } from '@sluice/test-utils';
import { goPathMatch } from './go-path-match.js';
import {
  IgnoreMatcher,
  SourceIgnore,
  parseIgnorePattern,
  readIgnorePatterns,
  sourceArtifactMatcher,
} from './source-ignore.js';

// Every rule below is source-controller's, read in fluxcd/pkg at commit e2cfd1a (2026-07-22):
// sourceignore/sourceignore.go, sourceignore/gitignore/{pattern,matcher}.go and
// artifact/storage/archive.go. Each test names the line it checks.

const matcher = (text: string, domain: string[] = []): IgnoreMatcher =>
  new IgnoreMatcher(readIgnorePatterns(text, domain));

describe('Flux ignore patterns (fluxcd/pkg sourceignore/gitignore)', () => {
  it('matcher.go:43 — the last matching pattern decides', () => {
    const rules = matcher('*.yaml\n!keep.yaml\n');
    expect(rules.excludes('apps/drop.yaml', false)).toBe(true);
    expect(rules.excludes('apps/keep.yaml', false)).toBe(false);
    expect(matcher('!keep.yaml\n*.yaml\n').excludes('apps/keep.yaml', false)).toBe(true);
  });

  it('pattern.go:111 — a pattern without "/" matches any element of the path, so everything inside a matching folder', () => {
    const rules = matcher('secrets\n');
    expect(rules.excludes('secrets', true)).toBe(true);
    expect(rules.excludes('apps/secrets/db.yaml', false)).toBe(true);
    expect(rules.excludes('apps/secret.yaml', false)).toBe(false);
  });

  it('pattern.go:118 — "dir/" matches a folder, and the files inside it, never a file of that name', () => {
    const rules = matcher('build/\n');
    expect(rules.excludes('build', false)).toBe(false);
    expect(rules.excludes('build', true)).toBe(true);
    expect(rules.excludes('build/app.yaml', false)).toBe(true);
  });

  it('pattern.go:126 — a pattern with "/" matches from its folder, and a matched prefix excludes everything below', () => {
    const rules = matcher('/apps/*.tpl\ndocs/**/draft*\n');
    expect(rules.excludes('apps/x.tpl', false)).toBe(true);
    expect(rules.excludes('apps/x.tpl/inner.yaml', false)).toBe(true);
    expect(rules.excludes('other/apps/x.tpl', false)).toBe(false);
    expect(rules.excludes('docs/a/b/draft-1.yaml', false)).toBe(true);
    expect(rules.excludes('docs/final.yaml', false)).toBe(false);
  });

  it('sourceignore.go:105 — a nested .sourceignore applies below its own folder only (its domain)', () => {
    const nested = new IgnoreMatcher(readIgnorePatterns('*.yaml\n/**/good.yaml\n', ['apps', 'sub']));
    expect(nested.excludes('apps/sub/bad.yaml', false)).toBe(true);
    expect(nested.excludes('apps/bad.yaml', false)).toBe(false);
    expect(nested.excludes('apps/sub', true)).toBe(false);
  });

  it('sourceignore.go:83 — comment and blank lines are not patterns; a trailing CR is dropped', () => {
    expect(readIgnorePatterns('# comment\n\n   \r\n*.md\r\n')).toEqual([parseIgnorePattern('*.md')]);
  });

  it('pattern.go:71 — trailing spaces are trimmed unless escaped', () => {
    expect(parseIgnorePattern('a.yaml   ').parts).toEqual(['a.yaml']);
    expect(parseIgnorePattern('a\\ ').parts).toEqual(['a\\ ']);
  });

  it('archive.go:70 — any pattern replaces the default exclusions (VCSPatterns + patterns)', () => {
    const defaults = sourceArtifactMatcher([]);
    expect(defaults.excludes('apps/cloudbuild.yaml', false)).toBe(true);
    expect(defaults.excludes('.github/workflows/x.yaml', false)).toBe(true);
    expect(defaults.excludes('x/.sops.yaml', false)).toBe(true);
    const replaced = sourceArtifactMatcher(readIgnorePatterns('*.md\n'));
    expect(replaced.excludes('apps/cloudbuild.yaml', false)).toBe(false);
    expect(replaced.excludes('.github/workflows/x.yaml', false)).toBe(false);
    expect(replaced.excludes('x/.sops.yaml', false)).toBe(false);
    // sourceignore.go:31: the VCS exclusions stay.
    expect(replaced.excludes('.git/config', false)).toBe(true);
  });

  it.each([
    ['*.yaml', 'app.yaml', true],
    ['*.yaml', '.yaml', true],
    ['a?c', 'abc', true],
    ['[a-c]x', 'bx', true],
    ['[^a-c]x', 'bx', false],
    ['[!a]x', '!x', true],
    ['\\*', '*', true],
    ['[', 'x', 'error'],
    ['a\\', 'a', 'error'],
    ['[a-]', 'a', 'error'],
    ['*b*', 'abc', true],
    ['a*', 'a/b', false],
  ] as const)('Go filepath.Match(%j, %j) = %j', (pattern, name, expected) => {
    expect(goPathMatch(pattern, name)).toBe(expected);
  });
});

describe('SourceIgnore.forFolder (the rules of a folder on disk)', () => {
  const roots: string[] = [];
  afterAll(async () => {
    await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
  });

  async function rulesOf(tree: Record<string, string>): Promise<SourceIgnore> {
    const root = await mkdtemp(join(tmpdir(), 'sluice-ignore-'));
    roots.push(root);
    await writeTree(root, tree);
    return SourceIgnore.forFolder(root);
  }

  it('sourceignore.go:105 — one pattern in any .sourceignore, however deep, replaces the defaults everywhere', async () => {
    const rules = await rulesOf({
      'deep/down/.sourceignore': 'nothing-matches-this\n',
      'apps/cloudbuild.yaml': '',
    });
    expect(rules.ignores('apps/cloudbuild.yaml', false)).toBe(false);
    const plain = await rulesOf({ 'apps/cloudbuild.yaml': '' });
    expect(plain.ignores('apps/cloudbuild.yaml', false)).toBe(true);
  });

  it('sourceignore.go:120 — .sourceignore files inside excluded folders still count; only .git is not entered', async () => {
    const rules = await rulesOf({
      '.sourceignore': 'apps/\n',
      'apps/.sourceignore': '!keep.yaml\n',
      '.git/.sourceignore': '!*\n',
    });
    expect(rules.ignores('apps/drop.yaml', false)).toBe(true);
    expect(rules.ignores('apps/keep.yaml', false)).toBe(false);
    expect(rules.ignores('.git/HEAD', false)).toBe(true);
  });

  it('archive.go:117 — an excluded folder is still walked: a negation re-includes a file inside it, and prunes() says so', async () => {
    const rules = await rulesOf({ '.sourceignore': 'private/\n!private/deploy.yaml\n' });
    expect(rules.ignores('private', true)).toBe(true);
    expect(rules.ignores('private/deploy.yaml', false)).toBe(false);
    expect(rules.prunes('private')).toBe(false);
    const closed = await rulesOf({ '.sourceignore': 'private/\n' });
    expect(closed.prunes('private')).toBe(true);
  });

  it("Sluice's own extra patterns exclude more without switching the defaults off", async () => {
    const root = await mkdtemp(join(tmpdir(), 'sluice-ignore-'));
    roots.push(root);
    const rules = await SourceIgnore.forFolder(root, { ignore: ['*.enc.yaml'] });
    expect(rules.ignores('a/secret.enc.yaml', false)).toBe(true);
    expect(rules.ignores('a/cloudbuild.yaml', false)).toBe(true);
  });
});
