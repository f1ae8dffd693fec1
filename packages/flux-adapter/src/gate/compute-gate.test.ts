import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ImageVerdict } from '@sluice/core';
import { buildDependencyGraph } from '../graph/build-dependency-graph.js';
import { makeWorkload as k } from '../graph/test-workloads.js';
import { computeGate } from './compute-gate.js';

const KS = (name: string) => `Kustomization/flux-system/${name}`;
const verdicts = (entries: Record<string, ImageVerdict>) => new Map(Object.entries(entries));
const statusOf = (gate: ReturnType<typeof computeGate>) =>
  Object.fromEntries(
    gate.objects.map((object) => [object.id.replace('Kustomization/flux-system/', ''), object.status]),
  );

describe('computeGate', () => {
  const chain = buildDependencyGraph([
    k('infra', { images: ['bad:1'], file: 'infra.yaml', line: 4 }),
    k('apps', { dependsOn: ['infra'], images: ['good:1'] }),
    k('tenants', { dependsOn: ['apps'] }),
    k('other', { images: ['good:1'] }),
  ]);

  it('blocks the object with a failing image and everything downstream, with the chain', () => {
    const gate = computeGate(chain, verdicts({ 'bad:1': 'fail', 'good:1': 'pass' }));
    expect(gate.verdict).toBe('blocked');
    expect(gate.blocking).toEqual([KS('apps'), KS('infra'), KS('tenants')]);
    expect(gate.objects).toEqual([
      {
        id: KS('apps'),
        status: 'blocked-upstream',
        blocking: true,
        reasons: [`It depends on ${KS('infra')}, which is blocked.`],
        images: ['good:1'],
        chain: [KS('apps'), KS('infra')],
        file: 'clusters/apps.yaml',
        line: 1,
      },
      {
        id: KS('infra'),
        status: 'blocked',
        blocking: true,
        reasons: ['bad:1 fails the policy.'],
        images: ['bad:1'],
        file: 'infra.yaml',
        line: 4,
      },
      {
        id: KS('other'),
        status: 'pass',
        blocking: false,
        reasons: ['Its image passes the policy.'],
        images: ['good:1'],
        file: 'clusters/other.yaml',
        line: 1,
      },
      {
        id: KS('tenants'),
        status: 'blocked-upstream',
        blocking: true,
        reasons: [`It depends on ${KS('infra')}, which is blocked, through ${KS('apps')}.`],
        images: [],
        chain: [KS('tenants'), KS('apps'), KS('infra')],
        file: 'clusters/tenants.yaml',
        line: 1,
      },
    ]);
  });

  it('builds the graph itself when given the workloads', () => {
    const workloads = [k('infra', { images: ['bad:1'] }), k('apps', { dependsOn: ['infra'] })];
    expect(computeGate(workloads, verdicts({ 'bad:1': 'fail' }))).toEqual(
      computeGate(buildDependencyGraph(workloads), verdicts({ 'bad:1': 'fail' })),
    );
  });

  it('passes everything when every image passes', () => {
    const gate = computeGate(chain, verdicts({ 'bad:1': 'pass', 'good:1': 'pass' }));
    expect(gate.verdict).toBe('pass');
    expect(new Set(Object.values(statusOf(gate)))).toEqual(new Set(['pass']));
  });

  it('fails closed on a scan error by default, and only warns with onScanError: warn', () => {
    const closed = computeGate(chain, verdicts({ 'bad:1': 'unknown', 'good:1': 'pass' }));
    expect(statusOf(closed)).toEqual({
      apps: 'blocked-upstream',
      infra: 'unknown',
      other: 'pass',
      tenants: 'blocked-upstream',
    });
    expect(closed.verdict).toBe('blocked');
    expect(closed.objects[1]?.reasons[0]).toContain('failing closed');

    const open = computeGate(chain, verdicts({ 'bad:1': 'unknown', 'good:1': 'pass' }), {
      onScanError: 'warn',
    });
    expect(statusOf(open)).toEqual({ apps: 'pass', infra: 'unknown', other: 'pass', tenants: 'pass' });
    expect(open.verdict).toBe('pass');
    expect(open.blocking).toEqual([]);
  });

  it('counts an image without a verdict as not scanned (unknown)', () => {
    const gate = computeGate(chain, verdicts({ 'good:1': 'pass' }));
    expect(statusOf(gate).infra).toBe('unknown');
  });

  it('reports an own failure before a blocking unknown, and both before an upstream block', () => {
    const graph = buildDependencyGraph([
      k('a', { images: ['bad:1'] }),
      k('b', { dependsOn: ['a'], images: ['bad:1', 'err:1'] }),
      k('c', { dependsOn: ['a'], images: ['err:1'] }),
    ]);
    const gate = computeGate(graph, verdicts({ 'bad:1': 'fail', 'err:1': 'unknown' }));
    expect(statusOf(gate)).toEqual({ a: 'blocked', b: 'blocked', c: 'unknown' });
    expect(gate.objects[1]?.reasons).toEqual([
      'bad:1 fails the policy.',
      'err:1 could not be scanned (failing closed).',
    ]);
  });

  it('picks the shortest chain, ties broken by id', () => {
    const graph = buildDependencyGraph([
      k('root', { images: ['bad:1'] }),
      k('x', { dependsOn: ['root'] }),
      k('b', { dependsOn: ['root'] }),
      k('long', { dependsOn: ['x'] }),
      k('end', { dependsOn: ['long', 'x', 'b'] }),
    ]);
    const gate = computeGate(graph, verdicts({ 'bad:1': 'fail' }));
    expect(gate.objects.find((object) => object.id === KS('end'))?.chain).toEqual([
      KS('end'),
      KS('b'),
      KS('root'),
    ]);
  });

  it('reports suspended objects as suspended: their own images block nothing, upstream blocks pass through', () => {
    const graph = buildDependencyGraph([
      k('a', { images: ['bad:1'], suspended: true }),
      k('b', { dependsOn: ['a'] }),
      k('c', { images: ['bad:1'] }),
      k('d', { dependsOn: ['c'], suspended: true }),
      k('e', { dependsOn: ['d'] }),
    ]);
    const gate = computeGate(graph, verdicts({ 'bad:1': 'fail' }));
    expect(statusOf(gate)).toEqual({
      a: 'suspended',
      b: 'pass',
      c: 'blocked',
      d: 'suspended',
      e: 'blocked-upstream',
    });
    expect(gate.objects[0]?.reasons).toContain('bad:1 fails the policy and would block it.');
    expect(gate.objects[4]?.chain).toEqual([KS('e'), KS('d'), KS('c')]);
  });

  it('does not block a parent Kustomization for its blocked child', () => {
    const graph = buildDependencyGraph([
      k('apps'),
      k('podinfo', { kind: 'HelmRelease', namespace: 'podinfo', parent: KS('apps'), images: ['bad:1'] }),
    ]);
    const gate = computeGate(graph, verdicts({ 'bad:1': 'fail' }));
    expect(gate.objects.map((object) => [object.id, object.status])).toEqual([
      ['HelmRelease/podinfo/podinfo', 'blocked'],
      [KS('apps'), 'pass'],
    ]);
  });

  it('asks a lookup function per object when verdicts differ by object', () => {
    const graph = buildDependencyGraph([k('prod', { images: ['x:1'] }), k('dev', { images: ['x:1'] })]);
    const gate = computeGate(graph, (_ref, object) => (object.endsWith('/prod') ? 'fail' : 'pass'));
    expect(statusOf(gate)).toEqual({ dev: 'pass', prod: 'blocked' });
  });

  it('adds image reasons, unresolved images and cycles to the reasons', () => {
    const graph = buildDependencyGraph([
      { ...k('a', { images: ['bad:1'] }), method: 'unresolved', unresolvedReason: 'chart defaults' },
      k('b', { dependsOn: ['c'] }),
      k('c', { dependsOn: ['b'] }),
    ]);
    const gate = computeGate(
      graph,
      verdicts({ 'bad:1': 'fail' }),
      {},
      {
        imageReasons: new Map([['bad:1', ['1 finding at CRITICAL/HIGH: CVE-1 (HIGH, openssl).']]]),
      },
    );
    expect(gate.objects[0]?.reasons).toEqual([
      'bad:1 fails the policy: 1 finding at CRITICAL/HIGH: CVE-1 (HIGH, openssl).',
      'Its images could not all be found (chart defaults); failing closed, it blocks (onScanError: block).',
    ]);
    expect(gate.objects[1]?.reasons).toContain(
      'It is in or behind a dependsOn cycle: Flux never applies it.',
    );
  });

  it('fails closed on an object whose images could not be found, and only warns with onScanError warn', () => {
    const graph = buildDependencyGraph([
      { ...k('chart'), method: 'unresolved', unresolvedReason: 'images only in chart defaults' },
      k('app', { dependsOn: ['chart'], images: ['ok:1'] }),
    ]);
    const closed = computeGate(graph, verdicts({ 'ok:1': 'pass' }));
    expect(statusOf(closed)).toEqual({ app: 'blocked-upstream', chart: 'unknown' });
    expect(closed.verdict).toBe('blocked');
    expect(closed.objects[1]?.reasons).toEqual([
      'Its images could not all be found (images only in chart defaults); failing closed, it blocks (onScanError: block).',
    ]);
    const warned = computeGate(graph, verdicts({ 'ok:1': 'pass' }), { onScanError: 'warn' });
    expect(statusOf(warned)).toEqual({ app: 'pass', chart: 'unknown' });
    expect(warned.verdict).toBe('pass');
  });

  it('gates a 10,000-deep chain without recursion', () => {
    const depth = 10_000;
    const name = (index: number) => `n${String(index).padStart(5, '0')}`;
    const graph = buildDependencyGraph(
      Array.from({ length: depth }, (_, index) =>
        k(name(index), {
          dependsOn: index === 0 ? [] : [name(index - 1)],
          images: index === 0 ? ['bad:1'] : [],
        }),
      ),
    );
    const gate = computeGate(graph, verdicts({ 'bad:1': 'fail' }));
    expect(gate.blocking).toHaveLength(depth);
    expect(gate.objects[depth - 1]?.chain).toHaveLength(depth);
  });
});

describe('computeGate properties', () => {
  // Random acyclic graphs: node i may depend only on nodes with a smaller index.
  const graphArbitrary = fc
    .integer({ min: 1, max: 25 })
    .chain((size) =>
      fc.tuple(
        fc.array(fc.array(fc.nat({ max: 1000 }), { maxLength: 3 }), { minLength: size, maxLength: size }),
        fc.array(fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 2 }), {
          minLength: size,
          maxLength: size,
        }),
        fc.array(fc.boolean(), { minLength: size, maxLength: size }),
      ),
    )
    .map(([deps, images, suspended]) =>
      buildDependencyGraph(
        deps.map((targets, index) =>
          k(`n${index}`, {
            dependsOn: index === 0 ? [] : [...new Set(targets.map((target) => `n${target % index}`))],
            images: images[index]!.map((image) => `img${image}:1`),
            suspended: suspended[index]!,
          }),
        ),
      ),
    );
  const verdictArbitrary = fc.array(fc.constantFrom<ImageVerdict>('pass', 'fail', 'unknown'), {
    minLength: 6,
    maxLength: 6,
  });
  const toMap = (list: readonly ImageVerdict[]) =>
    new Map(list.map((verdict, index) => [`img${index}:1`, verdict]));

  it('is monotone: failing one more image never unblocks anything', () => {
    fc.assert(
      fc.property(graphArbitrary, verdictArbitrary, fc.integer({ min: 0, max: 5 }), (graph, list, flip) => {
        const before = new Set(computeGate(graph, toMap(list)).blocking);
        const worse = [...list];
        worse[flip] = 'fail';
        const after = new Set(computeGate(graph, toMap(worse)).blocking);
        return [...before].every((id) => after.has(id));
      }),
    );
  });

  it('blocks nothing when every image passes, and blocks exactly what depends on a failing image otherwise', () => {
    fc.assert(
      fc.property(graphArbitrary, verdictArbitrary, (graph, list) => {
        const clean = computeGate(graph, toMap(list.map(() => 'pass' as const)));
        if (clean.verdict !== 'pass' || clean.blocking.length > 0) return false;
        const gate = computeGate(graph, toMap(list));
        // Every blocked-upstream chain walks real dependsOn edges to a blocking root.
        const byId = new Map(graph.nodes.map((node) => [node.id, node]));
        return gate.objects.every((object) => {
          if (object.status !== 'blocked-upstream') return true;
          const chain = object.chain ?? [];
          const root = gate.objects.find((candidate) => candidate.id === chain[chain.length - 1]);
          return (
            chain[0] === object.id &&
            chain.slice(1).every((id, index) => byId.get(chain[index]!)!.dependsOn.includes(id)) &&
            (root?.status === 'blocked' || root?.status === 'unknown')
          );
        });
      }),
    );
  });
});
