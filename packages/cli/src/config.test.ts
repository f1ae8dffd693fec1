import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  it('accepts every setting from a file named by --config', async () => {
    const dir = await folderWith('ci.yaml', 'severity: HIGH\ntrivyPath: /opt/trivy/trivy\nfailOn: never\n');
    await expect(loadConfig(join(dir, 'ci.yaml'), '.', dir)).resolves.toEqual({
      severity: 'HIGH',
      trivyPath: '/opt/trivy/trivy',
      failOn: 'never',
    });
  });
});
