import { repoPath } from '@sluice/test-utils';
import { describe, expect, it } from 'vitest';
import { runInProcess } from '../e2e/run-cli.js';

async function imagesText(args: string[], cwd: string): Promise<string> {
  return (await runInProcess(['images', ...args], { cwd })).stdout;
}

describe('sluice images (text)', () => {
  it('lists what a cluster deploys first, then the objects no cluster deploys one line each (home-ops)', async () => {
    const homeOps = repoPath('fixtures/corpora/joryirving-home-ops');
    const text = await imagesText(
      ['.', '--cluster', 'kubernetes/clusters/test', '--no-render', '-q'],
      homeOps,
    );
    const [deployed = '', rest = ''] = text.split(/\n\n(?=\d+ objects? no cluster deploys)/);
    const [unreachedSection = ''] = rest.split('\n\n');
    const unreached = unreachedSection.split('\n').slice(1);
    expect(unreachedSection).toMatch(
      /^\d+ objects no cluster deploys \(no Kustomization build reads their files\):\n/,
    );
    expect(unreached.length).toBeGreaterThan(0);
    // Each is `id  (file:line)`, an object of this repository's files, and not listed above.
    for (const line of unreached) {
      const [, id = '', file = ''] = /^ {2}(\S+) {2}\((.+):\d+\)$/.exec(line) ?? [];
      expect(id).toMatch(/^(HelmRelease|Kustomization)\//);
      expect(file).toMatch(/^kubernetes\//);
      expect(deployed).not.toContain(`${id}  (`);
    }
    // Every object above the section belongs to the chosen cluster.
    const objectLines = deployed.split('\n').filter((line) => /^\S+ {2}\(/.test(line));
    expect(objectLines.length).toBeGreaterThan(0);
    for (const line of objectLines) expect(line).toMatch(/^kubernetes\/clusters\/test:/);
  });
});
