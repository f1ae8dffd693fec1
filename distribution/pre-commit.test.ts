// .pre-commit-hooks.yaml: every hook runs a command line the CLI accepts, on the whole
// repository, and the container hook names the image the gate runs, at this version.
import { readFile } from 'node:fs/promises';
import { parseCommandLine } from '@sluice/cli';
import { SLUICE_IMAGE_REPOSITORY } from '@sluice/flux-adapter';
import { repoPath } from '@sluice/test-utils';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';

interface Hook {
  id: string;
  name: string;
  entry: string;
  language: string;
  pass_filenames?: boolean;
  files?: string;
}

const hooks = yaml.load(await readFile(repoPath('.pre-commit-hooks.yaml'), 'utf8')) as Hook[];
const version = (
  JSON.parse(await readFile(repoPath('packages/cli/package.json'), 'utf8')) as { version: string }
).version;

describe('.pre-commit-hooks.yaml', () => {
  it('offers sluice images and sluice scan, with sluice on PATH or in the Sluice image', () => {
    expect(hooks.map((hook) => hook.id)).toEqual(['sluice-images', 'sluice-scan', 'sluice-scan-docker']);
  });

  it('runs command lines the CLI accepts, on the whole repository, when a YAML file changed', () => {
    for (const hook of hooks) {
      const words = hook.entry.split(/\s+/);
      const argv =
        hook.language === 'docker_image' ? words.slice(1) : words.slice(words.indexOf('sluice') + 1);
      if (hook.language === 'system') expect(words[0], hook.id).toBe('sluice');
      const parsed = parseCommandLine(argv);
      expect(parsed.dir, hook.id).toBe('.');
      expect(['images', 'scan']).toContain(parsed.command);
      expect(hook.pass_filenames, hook.id).toBe(false);
      expect(new RegExp(hook.files ?? '').test('clusters/prod/apps.yaml'), hook.id).toBe(true);
      expect(new RegExp(hook.files ?? '').test('README.md'), hook.id).toBe(false);
    }
  });

  it('runs the container hook in the image the in-cluster gate uses, at this version', () => {
    const docker = hooks.find((hook) => hook.language === 'docker_image');
    expect(docker?.entry.split(/\s+/)[0]).toBe(`${SLUICE_IMAGE_REPOSITORY}:${version}`);
  });
});
