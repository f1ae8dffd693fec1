// Issue #16, the Flux half: each case is a repository a pull request could write so that Flux
// deploys VULNERABLE_IMAGE (a CRITICAL finding) while Sluice does not see it. Sluice must end
// `blocked` with the owning Kustomization `unknown` (or `fail`) and a reason naming file and
// line, never `pass`. docs/reliability.md, section 8.
import { describe, expect, it } from 'vitest';
import { baseTree, deployment, gateRepository } from './gate-repo.js';
import type { GateRun } from './gate-repo.js';

/** The run blocks, Kustomization apps does not pass, and a reason names `where` (file:line). */
function expectBlocked(run: GateRun, where: string): void {
  expect(run.report.verdict).toBe('blocked');
  expect(run.apps?.status).not.toBe('pass');
  expect(run.apps?.reasons.join('\n')).toContain(where);
}

const kustomization = (...lines: string[]): string =>
  ['apiVersion: kustomize.config.k8s.io/v1beta1', 'kind: Kustomization', ...lines, ''].join('\n');

describe('remote kustomize bases: unknown (Flux fetches them, Sluice does not)', () => {
  it.each([
    ['https URL with a ref', 'https://github.com/evil/repo//deploy?ref=v1'],
    ['scp-like git@', 'git@github.com:evil/repo.git//deploy'],
    ['github.com shorthand', 'github.com/evil/repo/deploy?ref=v1'],
    ['forced git:: protocol', 'git::https://git.example.com/evil/repo.git//deploy'],
    ['SCP-like user@host:path on any host', 'deploy@git.example.com:evil/repo.git//deploy'],
    ['upper-case scheme', 'HTTPS://git.example.com/evil/repo.git//deploy'],
    ['upper-case GitHub host (kustomize compares it without case)', 'GitHub.com/evil/repo/deploy'],
    ['Azure DevOps _git path', 'https://dev.azure.com/org/project/_git/repo//deploy'],
    ['a plain file over https', 'https://raw.githubusercontent.com/evil/repo/main/deploy.yaml'],
  ])('%s: %s', async (_title, url) => {
    const run = await gateRepository({
      ...baseTree(),
      'apps/kustomization.yaml': kustomization('resources:', '  - good.yaml', `  - ${url}`),
    });
    expectBlocked(run, 'apps/kustomization.yaml:5');
    expect(run.repo.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'remote-resource', object: 'Kustomization/flux-system/apps' }),
    );
  });

  it('a local folder spelled like a remote base is not read in its place (kustomize clones the remote)', async () => {
    const run = await gateRepository({
      ...baseTree(),
      'apps/kustomization.yaml': kustomization(
        'resources:',
        '  - good.yaml',
        '  - GitHub.com/evil/repo/deploy',
      ),
      'apps/GitHub.com/evil/repo/deploy/kustomization.yaml': kustomization('resources: [app.yaml]'),
      'apps/GitHub.com/evil/repo/deploy/app.yaml': deployment('ghcr.io/sluice-test/decoy:1.0', 'decoy'),
    });
    expectBlocked(run, 'apps/kustomization.yaml:5');
  });

  it('a remote component is unknown too, even beside a local folder of that name', async () => {
    const run = await gateRepository({
      ...baseTree(),
      'apps/kustomization.yaml': kustomization(
        'resources: [good.yaml]',
        'components:',
        '  - github.com/evil/repo/component',
      ),
      'apps/github.com/evil/repo/component/kustomization.yaml':
        'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n',
    });
    expectBlocked(run, 'apps/kustomization.yaml:5');
  });
});

describe('kustomize transformers, generators and configurations: applied exactly or unknown', () => {
  it('a transformers: ImageTagTransformer retagging the good image', async () => {
    const run = await gateRepository({
      ...baseTree(),
      'apps/kustomization.yaml': kustomization('resources: [good.yaml]', 'transformers:', '  - retag.yaml'),
      'apps/retag.yaml': [
        'apiVersion: builtin',
        'kind: ImageTagTransformer',
        'metadata: {name: retag}',
        'imageTag: {name: ghcr.io/sluice-test/good, newName: ghcr.io/evil/vulnerable, newTag: "1.0"}',
        '',
      ].join('\n'),
    });
    expectBlocked(run, 'apps/kustomization.yaml:5');
  });

  it('a generators: entry (a KRM function that may emit any Deployment)', async () => {
    const run = await gateRepository({
      ...baseTree(),
      'apps/kustomization.yaml': kustomization('resources: [good.yaml]', 'generators:', '  - gen.yaml'),
      'apps/gen.yaml': 'apiVersion: example.com/v1\nkind: Generator\nmetadata: {name: g}\n',
    });
    expectBlocked(run, 'apps/kustomization.yaml:5');
  });

  it('configurations: (custom image field specs the images transformer then rewrites)', async () => {
    const run = await gateRepository({
      ...baseTree(),
      'apps/kustomization.yaml': kustomization(
        'resources: [good.yaml, app.yaml]',
        'configurations: [config.yaml]',
        'images:',
        '  - {name: ghcr.io/sluice-test/decoy, newName: ghcr.io/evil/vulnerable, newTag: "1.0"}',
      ),
      'apps/config.yaml': 'images:\n  - path: spec/runner/image\n    kind: Runner\n',
      'apps/app.yaml':
        'apiVersion: ci.example.com/v1\nkind: Runner\nmetadata: {name: r}\nspec:\n  runner: {image: "ghcr.io/sluice-test/decoy:0"}\n',
    });
    expectBlocked(run, 'apps/kustomization.yaml:4');
  });
});
