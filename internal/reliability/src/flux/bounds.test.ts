// Issue #16, bounded resources: repositories written to make Sluice run for minutes, exhaust
// memory or overflow the stack. Each finishes quickly and, past a documented limit, ends in
// `build-limit` (the Kustomization unknown, the run blocked). Times are not asserted (speed is
// measured with pnpm bench); docs/reliability.md section 8 records the measured numbers.
import { describe, expect, it } from 'vitest';
import { BuildBudget, DEFAULT_BUILD_LIMITS, MAX_LOAD_OBJECTS } from '@sluice/flux-adapter';
import { baseTree, deployment, fluxKustomization, gateRepository, VULNERABLE_IMAGE } from './gate-repo.js';

/** A diamond of kustomize bases `depth` levels deep: each level includes both folders of the next. */
function kustomizeDiamond(depth: number): Record<string, string> {
  const tree: Record<string, string> = { ...baseTree() };
  tree['apps/kustomization.yaml'] = 'resources: [good.yaml, l0a]\n';
  for (let level = 0; level < depth; level++)
    for (const side of ['a', 'b'])
      tree[`apps/l${level}${side}/kustomization.yaml`] =
        `resources: [../l${level + 1}a, ../l${level + 1}b]\n`;
  for (const side of ['a', 'b']) {
    tree[`apps/l${depth}${side}/kustomization.yaml`] = 'resources: [app.yaml]\n';
    // The leaves are clean: only the limit can make the Kustomization fail.
    tree[`apps/l${depth}${side}/app.yaml`] = deployment('ghcr.io/sluice-test/leaf:1.0', `leaf-${side}`);
  }
  return tree;
}

describe('resource bounds end in build-limit, never a crash or an endless build', () => {
  it('a kustomize diamond of 22 levels (2^22 inclusions: 17 took 25 s and 489 MB, 22 overflowed the stack)', async () => {
    const run = await gateRepository(kustomizeDiamond(22));
    expect(run.report.verdict).toBe('blocked');
    expect(run.apps?.status).toBe('unknown');
    expect(run.repo.diagnostics).toContainEqual(
      expect.objectContaining({
        code: 'build-limit',
        object: 'Kustomization/flux-system/apps',
        message: expect.stringContaining(`more than ${DEFAULT_BUILD_LIMITS.maxFolders} kustomizations`),
      }),
    );
  });

  it('a chain of bases nested deeper than the limit', async () => {
    const depth = DEFAULT_BUILD_LIMITS.maxDepth + 5;
    // Folder n0 includes n0/n1 includes n0/n1/n2 … (relative paths, all inside the repository).
    const chain: Record<string, string> = {
      ...baseTree(),
      'apps/kustomization.yaml': 'resources: [good.yaml, c]\n',
    };
    let folder = 'apps/c';
    for (let level = 0; level < depth; level++) {
      chain[`${folder}/kustomization.yaml`] =
        level === depth - 1 ? 'resources: [app.yaml]\n' : 'resources: [c]\n';
      if (level === depth - 1) chain[`${folder}/app.yaml`] = deployment(VULNERABLE_IMAGE, 'deep');
      folder += '/c';
    }
    const run = await gateRepository(chain);
    expect(run.report.verdict).toBe('blocked');
    expect(run.apps?.status).toBe('unknown');
    expect(run.repo.diagnostics).toContainEqual(
      expect.objectContaining({
        code: 'build-limit',
        message: expect.stringContaining(`nested more than ${DEFAULT_BUILD_LIMITS.maxDepth} deep`),
      }),
    );
  });

  it('a file included more times than the object limit allows', async () => {
    const budget = new BuildBudget({ maxObjects: 10 });
    const diagnostics: Parameters<BuildBudget['addObjects']>[2] = [];
    expect(budget.addObjects(10, { file: 'a.yaml', line: 1 }, diagnostics)).toBe(true);
    expect(budget.addObjects(1, { file: 'b.yaml', line: 3 }, diagnostics)).toBe(false);
    expect(budget.exceeded).toBe(true);
    expect(budget.enter(1, { file: 'c.yaml', line: 1 }, diagnostics)).toBe(false);
    expect(diagnostics).toEqual([
      expect.objectContaining({
        code: 'build-limit',
        file: 'b.yaml',
        line: 3,
        message: expect.stringContaining('more than 10 objects'),
      }),
    ]);
  });

  it('600 Kustomizations over one folder of Deployments share one build', async () => {
    // The case has 1,000 Deployments (measured in docs/reliability.md); 300 keep the test short.
    const docs: string[] = [];
    for (let index = 0; index < 300; index++)
      docs.push(deployment(`ghcr.io/acme/app-${index % 50}:1.${index}`, `app-${index}`));
    const kustomizations = [fluxKustomization('flux-system', './clusters/dev')];
    for (let index = 0; index < 600; index++)
      kustomizations.push(fluxKustomization(`apps-${index}`, './apps'));
    const run = await gateRepository({
      'clusters/dev/sync.yaml': kustomizations.join('---\n'),
      'apps/all.yaml': docs.join('---\n'),
      'apps/evil.yaml': deployment(VULNERABLE_IMAGE, 'evil'),
    });
    expect(run.repo.images).toHaveLength(301);
    expect(run.report.objects.filter((object) => object.status === 'blocked')).toHaveLength(600);
    expect(run.report.verdict).toBe('blocked');
  }, 120_000);

  it('Kustomizations with different overlays past the load-wide object limit are unknown, not built', async () => {
    // 110 overlays (targetNamespace) over 1,000 objects: 110,000 objects, past MAX_LOAD_OBJECTS.
    const configMaps: string[] = [];
    for (let index = 0; index < 999; index++)
      configMaps.push(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c${index}}\n`);
    const kustomizations = [fluxKustomization('flux-system', './clusters/dev')];
    for (let index = 0; index < 110; index++)
      kustomizations.push(fluxKustomization(`apps-${index}`, './apps', `targetNamespace: ns-${index}`));
    const run = await gateRepository({
      'clusters/dev/sync.yaml': kustomizations.join('---\n'),
      'apps/config.yaml': configMaps.join('---\n'),
      'apps/good.yaml': deployment('ghcr.io/sluice-test/good:1.0.0', 'good'),
    });
    const statuses = run.report.objects.map((object) => object.status);
    expect(statuses.filter((status) => status === 'pass')).toHaveLength(1 + MAX_LOAD_OBJECTS / 1000);
    expect(statuses.filter((status) => status === 'unknown')).toHaveLength(110 - MAX_LOAD_OBJECTS / 1000);
    expect(run.repo.diagnostics).toContainEqual(
      expect.objectContaining({
        code: 'build-limit',
        message: expect.stringContaining(`past the limit of ${MAX_LOAD_OBJECTS}`),
      }),
    );
    expect(run.report.verdict).toBe('blocked');
  }, 120_000);

  it('a diamond of dependsOn 17 levels deep (2^17 paths) is decided from its 36 objects', async () => {
    const kustomizations = [fluxKustomization('flux-system', './clusters/dev')];
    for (let level = 0; level <= 17; level++)
      for (const side of ['a', 'b'])
        kustomizations.push(
          fluxKustomization(
            `l${level}${side}`,
            level === 0 ? './apps' : './empty',
            ...(level === 0 ? [] : ['dependsOn:', `  - name: l${level - 1}a`, `  - name: l${level - 1}b`]),
          ),
        );
    const run = await gateRepository({
      'clusters/dev/sync.yaml': kustomizations.join('---\n'),
      'apps/evil.yaml': deployment(VULNERABLE_IMAGE, 'evil'),
      'empty/config.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: default}\n',
    });
    const status = (name: string) =>
      run.report.objects.find((object) => object.id === `Kustomization/flux-system/${name}`)?.status;
    expect(status('l0a')).toBe('blocked');
    expect(status('l17b')).toBe('blocked-upstream');
    expect(run.report.verdict).toBe('blocked');
  });

  it('postBuild defaults nested 6,000 deep (30 KB) end in build-limit, not a stack overflow', async () => {
    const nested = `${'${A:='.repeat(6000)}x${'}'.repeat(6000)}`;
    const run = await gateRepository({
      ...baseTree('postBuild:', '  substitute:', '    X: "1"'),
      'apps/app.yaml': deployment(`"${nested}"`, 'evil'),
    });
    expect(run.report.verdict).toBe('blocked');
    expect(run.apps?.status).toBe('unknown');
    expect(run.repo.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'build-limit', object: 'Kustomization/flux-system/apps' }),
    );
  });
});
