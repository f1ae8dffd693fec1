import { mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTree } from '@sluice/test-utils';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

async function folderWith(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-config-'));
  await writeFile(join(dir, name), text);
  return dir;
}

describe('loadConfig', () => {
  it('finds sluice.config.yaml in the scanned folder', async () => {
    const dir = await folderWith('sluice.config.yaml', 'severity: [CRITICAL]\nignoreUnfixed: true\n');
    await expect(loadConfig(undefined, dir, dir)).resolves.toEqual({
      severity: ['CRITICAL'],
      ignoreUnfixed: true,
    });
  });

  it('returns an empty config when there is none', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-config-'));
    await expect(loadConfig(undefined, dir, dir)).resolves.toEqual({});
  });

  it('names the file, the line and the path of a bad key', async () => {
    const text = 'severity: [HIGH]\nignores:\n  - id: CVE-2019-14697\n    expires: tomorrow\n';
    const dir = await folderWith('sluice.config.yaml', text);
    await expect(loadConfig(undefined, dir, dir)).rejects.toThrowError(
      /^sluice\.config\.yaml:4: ignores\[0\]\.expires: /,
    );
  });

  it('rejects unknown keys', async () => {
    const dir = await folderWith('sluice.config.json', '{"severity": ["HIGH"], "sevrity": 1}');
    await expect(loadConfig(undefined, dir, dir)).rejects.toThrowError(/sluice\.config\.json:1: .*sevrity/);
  });

  it('reports a YAML syntax error with line and column', async () => {
    const dir = await folderWith('sluice.config.yaml', 'severity: [HIGH\n');
    await expect(loadConfig(join(dir, 'sluice.config.yaml'), dir, dir)).rejects.toThrowError(
      /sluice\.config\.yaml:\d+:\d+: /,
    );
  });

  it('refuses anything but the policy in a config file found in the scanned repository', async () => {
    const dir = await folderWith('sluice.config.yaml', 'severity: HIGH\ntrivyPath: ./evil.sh\n');
    await expect(loadConfig(undefined, dir, dir)).rejects.toThrowError(
      /^sluice\.config\.yaml:2: trivyPath: a config file in the scanned repository may only hold the policy/,
    );
  });

  it('refuses network access to remote bases from a config file of the scanned repository', async () => {
    const dir = await folderWith('sluice.config.yaml', 'remoteBases: fetch\n');
    await expect(loadConfig(undefined, dir, dir)).rejects.toThrowError(
      /^sluice\.config\.yaml:1: remoteBases: a config file in the scanned repository may only hold the policy/,
    );
    const trusted = await folderWith(
      'ci.yaml',
      'remoteBases: fetch\ngitMirrors: ["https://github.com/=https://git.internal/gh/"]\n',
    );
    await expect(loadConfig(join(trusted, 'ci.yaml'), '.', trusted)).resolves.toEqual({
      remoteBases: 'fetch',
      gitMirrors: ['https://github.com/=https://git.internal/gh/'],
    });
  });

  it('accepts every setting from a file named by --config', async () => {
    const dir = await folderWith('ci.yaml', 'severity: HIGH\ntrivyPath: /opt/trivy/trivy\nfailOn: never\n');
    await expect(loadConfig(join(dir, 'ci.yaml'), '.', dir)).resolves.toEqual({
      severity: 'HIGH',
      trivyPath: '/opt/trivy/trivy',
      failOn: 'never',
    });
  });

  it('refuses a config file of the repository that is a symlink, a FIFO or too large, naming it', async () => {
    const outside = await folderWith('evil.yaml', 'severity: [UNKNOWN]\n');
    const linked = await mkdtemp(join(tmpdir(), 'sluice-config-'));
    await symlink(join(outside, 'evil.yaml'), join(linked, 'sluice.config.yaml'));
    await expect(loadConfig(undefined, linked, linked)).rejects.toThrowError(
      /^sluice\.config\.yaml: sluice\.config\.yaml is a symbolic link; .* is not read$/,
    );
    // A link inside the repository is refused too: Flux's artifact would not have the file.
    const inside = await mkdtemp(join(tmpdir(), 'sluice-config-'));
    await writeTree(inside, {
      'policy.yaml': 'severity: HIGH\n',
      'sluice.config.yml': { symlink: 'policy.yaml' },
    });
    await expect(loadConfig(undefined, inside, inside)).rejects.toThrowError(/is a symbolic link/);
    const fifo = await mkdtemp(join(tmpdir(), 'sluice-config-'));
    await writeTree(fifo, { 'sluice.config.json': { fifo: true } });
    await expect(loadConfig(undefined, fifo, fifo)).rejects.toThrowError(
      'sluice.config.json: sluice.config.json is a FIFO (named pipe), not a regular file; not read',
    );
    const big = await folderWith('sluice.config.yaml', `# ${'x'.repeat(1024 * 1024)}\nseverity: HIGH\n`);
    await expect(loadConfig(undefined, big, big)).rejects.toThrowError(
      /past the limit of 1048576 for a policy file/,
    );
  });

  it('reads a --config file outside the repository through a link, but one inside under the repository rules', async () => {
    const operator = await folderWith('ci.yaml', 'severity: CRITICAL\n');
    const repo = await mkdtemp(join(tmpdir(), 'sluice-config-'));
    await symlink(join(operator, 'ci.yaml'), join(operator, 'ci-link.yaml'));
    await expect(loadConfig(join(operator, 'ci-link.yaml'), repo, repo)).resolves.toEqual({
      severity: 'CRITICAL',
    });
    await symlink(join(operator, 'ci.yaml'), join(repo, 'ci.yaml'));
    await expect(loadConfig('ci.yaml', '.', repo)).rejects.toThrowError(
      /^--config ci\.yaml: ci\.yaml is a symbolic link/,
    );
  });
});
