import { describe, expect, it } from 'vitest';
import { DEFAULT_SOURCE_IGNORE, IgnoreRules } from './ignore-rules.js';

describe('IgnoreRules (gitignore syntax, as source-controller applies it)', () => {
  it('excludes everything then re-includes folders (flux2-kustomize-helm-example)', () => {
    const rules = new IgnoreRules().add('# Exclude all\n/*\n!/apps/\n!/clusters/\n');
    expect(rules.ignores('README.md', false)).toBe(true);
    expect(rules.ignores('.fluxschema.yml', false)).toBe(true);
    expect(rules.ignores('apps', true)).toBe(false);
    expect(rules.ignoresPath('apps/base/release.yaml', false)).toBe(false);
    expect(rules.ignoresPath('infrastructure/x.yaml', false)).toBe(true);
  });

  it('applies the defaults: .git, CI files, .sops.yaml at any depth', () => {
    const rules = new IgnoreRules().addPatterns(DEFAULT_SOURCE_IGNORE);
    expect(rules.ignores('.git', true)).toBe(true);
    expect(rules.ignores('.gitlab-ci.yml', false)).toBe(true);
    expect(rules.ignores('apps/prod/.sops.yaml', false)).toBe(true);
    expect(rules.ignores('apps/logo.png', false)).toBe(true);
    expect(rules.ignores('apps/prod/deploy.yaml', false)).toBe(false);
  });

  it('anchors a nested .sourceignore to its folder; ** and directory-only rules', () => {
    const rules = new IgnoreRules().add('*.tpl.yaml\nsecrets/\n/local.yaml\ndocs/**/draft*', 'apps');
    expect(rules.ignores('apps/x/a.tpl.yaml', false)).toBe(true);
    expect(rules.ignores('other/a.tpl.yaml', false)).toBe(false);
    expect(rules.ignores('apps/x/secrets', true)).toBe(true);
    expect(rules.ignores('apps/x/secrets', false)).toBe(false);
    expect(rules.ignores('apps/local.yaml', false)).toBe(true);
    expect(rules.ignores('apps/x/local.yaml', false)).toBe(false);
    expect(rules.ignores('apps/docs/a/b/draft1.md', false)).toBe(true);
  });
});
