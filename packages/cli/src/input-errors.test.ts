import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeTree } from '@sluice/test-utils';
import { describe, expect, it } from 'vitest';
import { temporaryFolder } from './e2e/run-cli.js';
import { EXIT_CODES } from './exit-codes.js';
import { main } from './main.js';

/** Runs `sluice ARGS` in this process with captured streams. */
async function sluice(args: readonly string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { NO_COLOR: '1' },
    cwd,
  });
  return { code, stdout, stderr };
}

describe('input that holds nothing to gate is an input error, never a pass', () => {
  it.each(['scan', 'images', 'graph', 'gate'])(
    'sluice %s on an empty folder exits 2 naming it',
    async (command) => {
      const cwd = await temporaryFolder();
      await mkdir(join(cwd, 'clusters', 'prdo'), { recursive: true });
      const run = await sluice([command, 'clusters/prdo'], cwd);
      expect(run.code).toBe(EXIT_CODES.USAGE);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe(
        `sluice: clusters/prdo (${join(cwd, 'clusters/prdo')}): no Flux Kustomization or HelmRelease and no workload found (0 YAML files read); expected a Flux repository or a folder of Kubernetes manifests\n`,
      );
    },
  );

  it('counts the YAML files read and the ones that could not be', async () => {
    const cwd = await temporaryFolder();
    await writeTree(cwd, {
      'config.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\ndata: { a: b }\n',
      'broken.yaml': 'kind: [unclosed\n',
    });
    const run = await sluice(['scan', '.'], cwd);
    expect(run.code).toBe(EXIT_CODES.USAGE);
    expect(run.stderr).toMatch(
      /: no Flux Kustomization or HelmRelease and no workload found \(2 YAML files read, 1 error: run sluice images to see them\)/,
    );
  });

  it('exits 2 on a path that does not exist, and on a file', async () => {
    const cwd = await temporaryFolder();
    await writeTree(cwd, { 'file.yaml': 'a: 1\n' });
    const missing = await sluice(['scan', 'no/such'], cwd);
    expect(missing).toMatchObject({
      code: 2,
      stderr: `sluice: no/such (${join(cwd, 'no/such')}): no such folder\n`,
    });
    const file = await sluice(['images', join(cwd, 'file.yaml')], cwd);
    expect(file).toMatchObject({ code: 2, stderr: `sluice: ${join(cwd, 'file.yaml')}: not a folder\n` });
  });

  it('prints an error with one prefix', async () => {
    const run = await sluice(['gate', '--frobnicate'], await temporaryFolder());
    expect(run).toMatchObject({
      code: 2,
      stderr: "sluice: Unknown option '--frobnicate' (see sluice gate --help)\n",
    });
  });
});
