import { describe, expect, it } from 'vitest';
import { DependencyGraph } from '@sluice/core';
import { buildDependencyGraph, toDependencyGraph } from './build-dependency-graph.js';
import { makeWorkload as k } from './test-workloads.js';

const KS = (name: string, namespace = 'flux-system') => `Kustomization/${namespace}/${name}`;

describe('buildDependencyGraph', () => {
  it('resolves dependsOn with the namespace defaulting to the dependent’s own', () => {
    const graph = buildDependencyGraph([
      k('infra', { images: ['docker.io/library/redis:7'] }),
      k('apps', { namespace: 'team', dependsOn: [{ name: 'infra', namespace: 'flux-system' }, 'db'] }),
      k('db', { namespace: 'team' }),
    ]);
    expect(graph.diagnostics).toEqual([]);
    expect(graph.nodes.find((node) => node.id === KS('apps', 'team'))?.dependsOn).toEqual([
      KS('infra'),
      KS('db', 'team'),
    ]);
    expect(graph.waves).toEqual([[KS('infra'), KS('db', 'team')].sort(), [KS('apps', 'team')]]);
    expect(toDependencyGraph(graph)).toEqual({
      nodes: [
        { id: KS('infra'), dependsOn: [], manages: [], images: ['docker.io/library/redis:7'] },
        { id: KS('apps', 'team'), dependsOn: [KS('infra'), KS('db', 'team')], manages: [], images: [] },
        { id: KS('db', 'team'), dependsOn: [], manages: [], images: [] },
      ].sort((a, b) => (a.id < b.id ? -1 : 1)),
      waves: graph.waves,
    });
    expect(DependencyGraph.parse(toDependencyGraph(graph))).toEqual(toDependencyGraph(graph));
  });

  it('layers a diamond into three waves', () => {
    const graph = buildDependencyGraph([
      k('d', { dependsOn: ['b', 'c'] }),
      k('b', { dependsOn: ['a'] }),
      k('c', { dependsOn: ['a'] }),
      k('a'),
    ]);
    expect(graph.waves).toEqual([[KS('a')], [KS('b'), KS('c')], [KS('d')]]);
    expect(graph.cycles).toEqual([]);
    expect(graph.unscheduled).toEqual([]);
  });

  it('reports a missing dependency at the line of the dependsOn entry and keeps the object in the waves', () => {
    const graph = buildDependencyGraph([
      k('apps', { file: 'apps.yaml', line: 3, dependsOn: [{ name: 'infra', file: 'apps.yaml', line: 12 }] }),
    ]);
    expect(graph.diagnostics).toEqual([
      {
        file: 'apps.yaml',
        line: 12,
        severity: 'error',
        code: 'missing-dependency',
        object: KS('apps'),
        message: `${KS('apps')} depends on ${KS('infra')}, which is not defined in the repository; Flux will not apply it until that object exists and is Ready.`,
      },
    ]);
    expect(graph.nodes[0]?.dependsOn).toEqual([]);
    expect(graph.waves).toEqual([[KS('apps')]]);
  });

  it('reports a dependsOn that names an object of the other kind', () => {
    const graph = buildDependencyGraph([
      k('app', { kind: 'HelmRelease', namespace: 'web', dependsOn: ['db'] }),
      k('db', { namespace: 'web' }),
      k('cache', { kind: 'HelmRelease', namespace: 'web' }),
      k('apps', { namespace: 'web', dependsOn: ['cache'] }),
    ]);
    expect(graph.diagnostics.map((diagnostic) => [diagnostic.object, diagnostic.code])).toEqual([
      ['HelmRelease/web/app', 'cross-kind-depends-on'],
      ['Kustomization/web/apps', 'cross-kind-depends-on'],
    ]);
    expect(graph.diagnostics[0]?.message).toContain('a HelmRelease can only depend on HelmReleases');
    expect(graph.nodes.every((node) => node.dependsOn.length === 0)).toBe(true);
  });

  it('merges a duplicated object, keeping the first location, and warns at the second', () => {
    const graph = buildDependencyGraph([
      k('apps', { file: 'b.yaml', images: ['b:1'], dependsOn: ['infra'] }),
      k('apps', { file: 'a.yaml', images: ['a:1'] }),
      k('infra'),
    ]);
    const apps = graph.nodes.find((node) => node.id === KS('apps'));
    expect(apps).toMatchObject({ file: 'a.yaml', images: ['a:1', 'b:1'], dependsOn: [KS('infra')] });
    expect(graph.diagnostics).toMatchObject([
      { file: 'b.yaml', code: 'duplicate-object', severity: 'warning' },
    ]);
    expect(graph.diagnostics[0]?.message).toContain('also defined at a.yaml:1');
  });

  it('keeps clusters apart: dependsOn resolves within the cluster, one cluster on request', () => {
    const prod = 'clusters/prod';
    const staging = 'clusters/staging';
    const workloads = [
      k('apps', { cluster: prod, file: 'clusters/prod/apps.yaml', images: ['web:2'], dependsOn: ['infra'] }),
      k('apps', {
        cluster: staging,
        file: 'clusters/staging/apps.yaml',
        images: ['web:3'],
        dependsOn: ['infra'],
      }),
      k('infra', { cluster: prod, file: 'clusters/prod/infra.yaml' }),
      // Staging has no infra: its apps must not depend on production's.
      k('shared', { file: 'base/shared.yaml' }),
      k('uses-shared', { cluster: staging, file: 'clusters/staging/x.yaml', dependsOn: ['shared'] }),
    ];
    const all = buildDependencyGraph(workloads);
    expect(all.nodes.map((node) => [node.id, node.cluster])).toEqual([
      ['Kustomization/flux-system/shared', undefined],
      ['clusters/prod:Kustomization/flux-system/apps', prod],
      ['clusters/prod:Kustomization/flux-system/infra', prod],
      ['clusters/staging:Kustomization/flux-system/apps', staging],
      ['clusters/staging:Kustomization/flux-system/uses-shared', staging],
    ]);
    expect(all.nodes[1]).toMatchObject({
      kind: 'Kustomization',
      namespace: 'flux-system',
      name: 'apps',
      images: ['web:2'],
      dependsOn: ['clusters/prod:Kustomization/flux-system/infra'],
    });
    expect(all.nodes[3]?.dependsOn).toEqual([]);
    // An object no cluster reaches is found from every cluster.
    expect(all.nodes[4]?.dependsOn).toEqual(['Kustomization/flux-system/shared']);
    expect(all.diagnostics).toMatchObject([
      {
        code: 'missing-dependency',
        file: 'clusters/staging/apps.yaml',
        object: 'clusters/staging:Kustomization/flux-system/apps',
      },
    ]);
    expect(all.diagnostics[0]?.message).toContain('which is not defined in clusters/staging');
    expect(all.waves).toEqual([
      [
        'Kustomization/flux-system/shared',
        'clusters/prod:Kustomization/flux-system/infra',
        'clusters/staging:Kustomization/flux-system/apps',
      ],
      [
        'clusters/prod:Kustomization/flux-system/apps',
        'clusters/staging:Kustomization/flux-system/uses-shared',
      ],
    ]);
    const stagingOnly = buildDependencyGraph(workloads, { cluster: staging });
    expect(stagingOnly.nodes.map((node) => node.id)).toEqual([
      'Kustomization/flux-system/shared',
      'clusters/staging:Kustomization/flux-system/apps',
      'clusters/staging:Kustomization/flux-system/uses-shared',
    ]);
  });

  it('merges an id defined twice into one node, with a warning', () => {
    const graph = buildDependencyGraph([
      k('apps', { cluster: 'c', file: 'c/apps.yaml', images: ['web:3'] }),
      k('apps', { cluster: 'c', file: 'c/again.yaml', images: ['web:4'] }),
    ]);
    expect(graph.nodes).toHaveLength(1);
    expect(graph.nodes[0]).toMatchObject({ file: 'c/again.yaml', images: ['web:3', 'web:4'], cluster: 'c' });
    expect(graph.diagnostics).toMatchObject([{ code: 'duplicate-object', file: 'c/apps.yaml' }]);
    expect(graph.diagnostics[0]?.message).toContain('also defined at c/again.yaml:1');
  });

  it('lists cycles deterministically, leaves them and what depends on them out of the waves', () => {
    const graph = buildDependencyGraph([
      k('c', { dependsOn: ['a'] }),
      k('a', { dependsOn: ['b'] }),
      k('b', { dependsOn: ['c'] }),
      k('d', { dependsOn: ['a', 'e'] }),
      k('e'),
      k('self', { dependsOn: ['self'] }),
      k('f', { dependsOn: ['d'] }),
    ]);
    expect(graph.cycles).toEqual([[KS('a'), KS('b'), KS('c')], [KS('self')]]);
    expect(graph.waves).toEqual([[KS('e')]]);
    expect(graph.unscheduled).toEqual([KS('a'), KS('b'), KS('c'), KS('d'), KS('f'), KS('self')]);
    const codes = graph.diagnostics.map((diagnostic) => `${diagnostic.code} ${diagnostic.object}`);
    expect(codes).toEqual([
      `depends-on-cycle ${KS('a')}`,
      `behind-cycle ${KS('d')}`,
      `behind-cycle ${KS('f')}`,
      `depends-on-cycle ${KS('self')}`,
    ]);
    const cycle = graph.diagnostics[0]?.message;
    expect(cycle).toBe(
      `dependsOn cycle: ${KS('a')} → ${KS('b')} → ${KS('c')} → ${KS('a')}. Flux never applies these objects.`,
    );
  });

  it('lists the shortest cycle through the first object and names every object caught in a larger knot', () => {
    const graph = buildDependencyGraph([
      k('a', { dependsOn: ['b', 'x'] }),
      k('b', { dependsOn: ['c'] }),
      k('c', { dependsOn: ['a'] }),
      k('x', { dependsOn: ['a'] }),
    ]);
    expect(graph.cycles).toEqual([[KS('a'), KS('x')]]);
    expect(graph.diagnostics[0]?.message).toContain('4 objects are caught in it');
  });

  it('handles a 10,000-deep chain and a 10,000-long cycle without recursion', () => {
    const depth = 10_000;
    const chain = Array.from({ length: depth }, (_, index) =>
      k(`n${String(index).padStart(5, '0')}`, {
        dependsOn: index === 0 ? [] : [`n${String(index - 1).padStart(5, '0')}`],
      }),
    );
    const graph = buildDependencyGraph(chain);
    expect(graph.waves).toHaveLength(depth);
    expect(graph.waves[depth - 1]).toEqual([KS('n09999')]);

    const ring = chain.map((workload, index) =>
      index === 0 ? { ...workload, dependsOn: [{ name: 'n09999' }] } : workload,
    );
    const cyclic = buildDependencyGraph(ring);
    expect(cyclic.waves).toEqual([]);
    expect(cyclic.cycles).toHaveLength(1);
    expect(cyclic.cycles[0]).toHaveLength(depth);
    expect(cyclic.cycles[0]?.[0]).toBe(KS('n00000'));
    expect(cyclic.cycles[0]?.[1]).toBe(KS('n09999'));
  });

  it('adds manages edges from parents and reports a parent that is not in the graph', () => {
    const graph = buildDependencyGraph([
      k('apps'),
      k('podinfo', { kind: 'HelmRelease', namespace: 'podinfo', parent: KS('apps') }),
      k('orphan', { parent: KS('gone') }),
    ]);
    expect(graph.nodes.find((node) => node.id === KS('apps'))?.manages).toEqual([
      'HelmRelease/podinfo/podinfo',
    ]);
    expect(graph.nodes.find((node) => node.id === 'HelmRelease/podinfo/podinfo')?.parent).toBe(KS('apps'));
    expect(graph.diagnostics).toMatchObject([
      { code: 'unknown-parent', severity: 'info', object: KS('orphan') },
    ]);
  });

  it('gives byte-identical output whatever the input order', () => {
    const workloads = [
      k('a', { dependsOn: ['b', 'missing'] }),
      k('b', { dependsOn: ['c'] }),
      k('c', { dependsOn: ['b'] }),
      k('d', { images: ['z:1', 'y:1'] }),
      k('e', { kind: 'HelmRelease', dependsOn: ['d'] }),
    ];
    const expected = JSON.stringify(buildDependencyGraph(workloads));
    expect(JSON.stringify(buildDependencyGraph([...workloads].reverse()))).toBe(expected);
    expect(
      JSON.stringify(
        buildDependencyGraph([workloads[2]!, workloads[4]!, workloads[0]!, workloads[3]!, workloads[1]!]),
      ),
    ).toBe(expected);
  });
});
