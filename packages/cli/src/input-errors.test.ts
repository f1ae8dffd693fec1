import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeTree } from '@sluice/test-utils';
import { describe, expect, it } from 'vitest';
import { runInProcess, temporaryFolder } from './e2e/run-cli.js';
import { EXIT_CODES } from './exit-codes.js';

describe('input that holds nothing to gate is an input error, never a pass', () => {
  it.each(['scan', 'images', 'graph', 'gate'])(
    'sluice %s on an empty folder exits 2 naming it',
    async (command) => {
      const cwd = await temporaryFolder();
      await mkdir(join(cwd, 'clusters', 'prdo'), { recursive: true });
      const run = await runInProcess([command, 'clusters/prdo'], { cwd });
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
    const run = await runInProcess(['scan', '.'], { cwd });
    expect(run.code).toBe(EXIT_CODES.USAGE);
    expect(run.stderr).toMatch(
      /: no Flux Kustomization or HelmRelease and no workload found \(2 YAML files read, 1 error: run sluice images to see them\)/,
    );
  });

  it('exits 2 on a path that does not exist, and on a file', async () => {
    const cwd = await temporaryFolder();
    await writeTree(cwd, { 'file.yaml': 'a: 1\n' });
    const missing = await runInProcess(['scan', 'no/such'], { cwd });
    expect(missing).toMatchObject({
      code: 2,
      stderr: `sluice: no/such (${join(cwd, 'no/such')}): no such folder\n`,
    });
    const file = await runInProcess(['images', join(cwd, 'file.yaml')], { cwd });
    expect(file).toMatchObject({ code: 2, stderr: `sluice: ${join(cwd, 'file.yaml')}: not a folder\n` });
  });

  it('prints an error with one prefix', async () => {
    const run = await runInProcess(['gate', '--frobnicate'], { cwd: await temporaryFolder() });
    expect(run).toMatchObject({
      code: 2,
      stderr: "sluice: Unknown option '--frobnicate' (see sluice gate --help)\n",
    });
  });
});
