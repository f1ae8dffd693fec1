import { afterAll, describe, expect, it } from 'vitest';
import { fluxKustomization, tempFluxRepo } from '../__fixtures__/temp-repo.js';
import { loadFluxRepository } from '../load/load-flux-repository.js';
import { buildDependencyGraph } from './build-dependency-graph.js';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

describe('a dependency the API server refuses', () => {
  it('is not "missing": the dependent says which object it waits for and why Flux cannot have it', async () => {
    const { root, cleanup } = await tempFluxRepo({
      'apps/web.yaml': fluxKustomization('web', './web').replace(
        '  interval: 10m\n',
        '  interval: 10m\n  dependsOn:\n    - name: db\n',
      ),
      // No sourceRef: a required field, so the API server refuses the object.
      'apps/db.yaml': fluxKustomization('db', './web').replace(/ {2}sourceRef:\n(?: {4}.*\n)+/, ''),
      'web/config.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\n',
    });
    cleanups.push(cleanup);
    const repo = await loadFluxRepository(root);
    const graph = buildDependencyGraph(repo.workloads);
    expect(graph.diagnostics.map((diagnostic) => diagnostic.code)).not.toContain('missing-dependency');
    expect(graph.diagnostics).toContainEqual({
      file: 'apps/web.yaml',
      line: 9,
      severity: 'error',
      code: 'dependency-refused',
      object: 'Kustomization/flux-system/web',
      message:
        'Kustomization/flux-system/web depends on Kustomization/flux-system/db, which Flux cannot have (spec.sourceRef: is required: the API server refuses it); Flux will not apply Kustomization/flux-system/web until that object is fixed, exists and is Ready.',
    });
    // The dependency resolves, so the gate holds the dependent back behind the refused object.
    expect(graph.nodes.find((node) => node.id === 'Kustomization/flux-system/web')?.dependsOn).toEqual([
      'Kustomization/flux-system/db',
    ]);
  });
});
