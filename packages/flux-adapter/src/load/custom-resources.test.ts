import { describe, expect, it } from 'vitest';
import { GOOD_IMAGE, tempFluxRepo } from '../__fixtures__/temp-repo.js';
import { loadFluxRepository } from './load-flux-repository.js';

// A VictoriaMetrics VMSingle as the operator's documentation writes it (the manifest is ours):
// its image is a `{repository, tag}` mapping, which the operator turns into the pod's image.
const VM_SINGLE = `apiVersion: operator.victoriametrics.com/v1beta1
kind: VMSingle
metadata:
  name: vm
  namespace: monitoring
spec:
  retentionPeriod: "1"
  image:
    repository: victoriametrics/victoria-metrics
    tag: v1.93.0
`;

describe('custom resources deployed by a Flux Kustomization', () => {
  it('a VMSingle {repository, tag} image is found, composed, and located at its repository line', async () => {
    const repo = await tempFluxRepo({ 'apps/vm.yaml': VM_SINGLE });
    try {
      const loaded = await loadFluxRepository(repo.root);
      const apps = loaded.workloads.find((workload) => workload.id === 'Kustomization/flux-system/apps');
      expect(apps?.images.map((image) => image.ref).sort()).toEqual([
        'docker.io/victoriametrics/victoria-metrics:v1.93.0',
        GOOD_IMAGE,
      ]);
      const vm = loaded.images.find((image) => image.ref.startsWith('docker.io/victoriametrics/'));
      expect(vm?.locations).toEqual([
        expect.objectContaining({
          file: 'apps/vm.yaml',
          line: 9,
          column: 17,
          kind: 'VMSingle',
          name: 'vm',
          fieldPath: 'spec.image.repository',
        }),
      ]);
      expect(loaded.diagnostics.filter((diagnostic) => diagnostic.severity !== 'info')).toEqual([]);
    } finally {
      await repo.cleanup();
    }
  });

  it('an image mapping with no tag (the operator picks it) is an invalid-image-reference naming the Kustomization', async () => {
    const repo = await tempFluxRepo({
      'apps/vm.yaml': VM_SINGLE.replace('    tag: v1.93.0\n', ''),
    });
    try {
      const loaded = await loadFluxRepository(repo.root);
      expect(loaded.diagnostics).toContainEqual(
        expect.objectContaining({
          code: 'invalid-image-reference',
          file: 'apps/vm.yaml',
          line: 9,
          object: 'Kustomization/flux-system/apps',
          message: expect.stringContaining('without a tag or digest'),
        }),
      );
    } finally {
      await repo.cleanup();
    }
  });

  it('a custom resource with no known image field is noted once per kind, and the note changes no verdict', async () => {
    const certificate = (name: string): string =>
      `apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: ${name}, namespace: default}\nspec: {secretName: ${name}}\n`;
    const repo = await tempFluxRepo({
      'apps/certs.yaml': `${certificate('a')}---\n${certificate('b')}`,
    });
    try {
      const loaded = await loadFluxRepository(repo.root);
      const notes = loaded.diagnostics.filter(
        (diagnostic) => diagnostic.code === 'uncovered-custom-resource',
      );
      expect(notes).toEqual([
        expect.objectContaining({
          file: 'apps/certs.yaml',
          line: 1,
          severity: 'info',
          message: expect.stringContaining('cert-manager.io/v1 Certificate (first seen as Certificate/a)'),
        }),
      ]);
    } finally {
      await repo.cleanup();
    }
  });
});
