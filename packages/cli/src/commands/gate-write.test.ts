import { lstat, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeTree } from '@sluice/test-utils';
import { describe, expect, it } from 'vitest';
import { runInProcess, temporaryFolder } from '../e2e/run-cli.js';
import { EXIT_CODES } from '../exit-codes.js';

const kustomization = (name: string, path: string, extra: string[] = []): string =>
  [
    'apiVersion: kustomize.toolkit.fluxcd.io/v1',
    'kind: Kustomization',
    'metadata:',
    `  name: ${name}`,
    '  namespace: flux-system',
    'spec:',
    ...extra,
    '  interval: 10m',
    `  path: ${path}`,
    '  prune: true',
    '  sourceRef: {kind: GitRepository, name: flux-system}',
    '',
  ].join('\n');

const DEPLOYMENT = [
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata: {name: web, namespace: default}',
  'spec:',
  '  template:',
  '    spec:',
  '      containers:',
  '        - name: web',
  '          image: ghcr.io/acme/web:1.0.0',
  '',
].join('\n');

async function repository(): Promise<string> {
  const root = await temporaryFolder();
  await writeTree(root, {
    'clusters/dev/flux-system.yaml': kustomization('flux-system', './clusters/dev'),
    // A flow spec: Sluice cannot add a line to it exactly, so it says so and leaves it alone.
    'clusters/dev/apps.yaml': `${kustomization('apps', './apps', ['  # Apps wait for nothing yet.'])}---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: web, namespace: flux-system}\nspec: {interval: 10m, path: ./web, prune: true, sourceRef: {kind: GitRepository, name: flux-system}}\n`,
    'apps/web.yaml': DEPLOYMENT,
    'web/web.yaml': DEPLOYMENT.replace('name: web,', 'name: web2,'),
  });
  return root;
}

describe('sluice gate', () => {
  it('-o FILE writes what it would print, and changes nothing in the repository', async () => {
    const root = await repository();
    const printed = await runInProcess(['gate', '.', '--no-render'], { cwd: root });
    expect(printed.code).toBe(EXIT_CODES.PASS);
    const written = await runInProcess(['gate', '.', '--no-render', '-o', 'out/gate.yaml'], { cwd: root });
    expect(written.code).toBe(EXIT_CODES.PASS);
    expect(written.stdout).toBe('');
    expect(await readFile(join(root, 'out/gate.yaml'), 'utf8')).toBe(printed.stdout);
    expect(await readFile(join(root, 'clusters/dev/apps.yaml'), 'utf8')).not.toContain('sluice-gate');
    expect((await readdir(root)).sort()).toEqual(['apps', 'clusters', 'out', 'web']);
    const both = await runInProcess(['gate', '.', '--no-render', '--write', '-o', 'gate.yaml'], {
      cwd: root,
    });
    expect(both.code).toBe(EXIT_CODES.USAGE);
    expect(both.stderr).toContain('give one of them');
    expect((await readdir(root)).sort()).toEqual(['apps', 'clusters', 'out', 'web']);
  });

  it('--write adds the dependsOn it can write exactly, and names the one left to the user', async () => {
    const root = await repository();
    const before = await readFile(join(root, 'clusters/dev/apps.yaml'), 'utf8');
    const run = await runInProcess(['gate', '.', '--no-render', '--write'], { cwd: root });
    expect(run.code).toBe(EXIT_CODES.PASS);
    const after = await readFile(join(root, 'clusters/dev/apps.yaml'), 'utf8');
    expect(after).toBe(
      before.replace(
        '  # Apps wait for nothing yet.\n',
        '  # Apps wait for nothing yet.\n  dependsOn:\n    - name: sluice-gate\n',
      ),
    );
    expect(run.stderr).toContain(
      'sluice: not edited: Kustomization/flux-system/web: clusters/dev/apps.yaml: spec is written as a flow map',
    );
    // What is left to do by hand is still printed.
    expect(run.stderr).toContain(
      'Kustomization/flux-system/web (clusters/dev/apps.yaml:15) must depend on the gate',
    );
    expect(run.stderr).not.toContain('Kustomization/flux-system/apps (clusters/dev/apps.yaml:1) must depend');
    expect(run.stderr).not.toContain('Kustomization/flux-system/apps: add the gate');
    // Twice is once: nothing more to add, the same files.
    const gateFile = await readFile(join(root, 'sluice-gate/scan-job.yaml'), 'utf8');
    const again = await runInProcess(['gate', '.', '--no-render', '--write'], { cwd: root });
    expect(again.stderr).not.toContain('added the gate');
    expect(await readFile(join(root, 'clusters/dev/apps.yaml'), 'utf8')).toBe(after);
    expect(await readFile(join(root, 'sluice-gate/scan-job.yaml'), 'utf8')).toBe(gateFile);
    expect(run.stderr).toContain('sluice: wrote clusters/dev/sluice-gate.yaml');
  });

  it('--write never writes through a symbolic link', async () => {
    const root = await repository();
    const outside = await temporaryFolder();
    await writeTree(root, { 'sluice-gate': { symlink: outside } });
    const run = await runInProcess(['gate', '.', '--no-render', '--write'], { cwd: root });
    expect(run.code).toBe(EXIT_CODES.USAGE);
    expect(run.stderr).toContain(
      'cannot write sluice-gate/kustomization.yaml: sluice-gate is a symbolic link: sluice gate --write does not write through links',
    );
    expect(await readdir(outside)).toEqual([]);
    expect((await lstat(join(root, 'sluice-gate'))).isSymbolicLink()).toBe(true);
  });
});
