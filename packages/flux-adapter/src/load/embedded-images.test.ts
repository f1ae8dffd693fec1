import { describe, expect, it } from 'vitest';
import { tempFluxRepo } from '../__fixtures__/temp-repo.js';
import {
  createImagesFile,
  serializeImagesFile,
  toRepositoryModel,
} from '../images-file/create-images-file.js';
import { parseImagesFile } from '../images-file/parse-images-file.js';
import { loadFluxRepository } from './load-flux-repository.js';

// actions-runner-controller's container-mode hook extension as its documentation writes it: a
// ConfigMap whose `content` is the pod template the Kubernetes hook merges into every job pod
// ("$job" is the job container, whose image the workflow names; the side car's is written here).
const HOOK_EXTENSION = `apiVersion: v1
kind: ConfigMap
metadata:
  name: hook-extension
  namespace: arc-runners
data:
  content: |
    metadata:
      annotations:
        example: "extension"
    spec:
      containers:
        - name: "$job"
          env:
            - name: my-env
              value: "my-value"
        - name: side-car
          image: "ubuntu:24.04"
          command: ["sleep"]
          args: ["infinity"]
`;

// The same kind of template as a JSON one-liner, a GitLab runner config.toml (TOML: not read),
// and a string that looks like YAML but does not parse.
const OTHER_STRINGS = `apiVersion: v1
kind: ConfigMap
metadata:
  name: runner-templates
  namespace: ci
data:
  pod.json: '{"spec": {"containers": [{"name": "job", "image": "busybox:1.36"}]}}'
  config.toml: |
    [[runners]]
      [runners.kubernetes]
        image = "alpine:3.20"
  broken.yaml: |
    containers: [{name: x, image: "nginx:1.27"
`;

// Apache Airflow's chart takes the KubernetesExecutor pod template as a string (\`podTemplate\`).
const AIRFLOW = `apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: apache-airflow
  namespace: flux-system
spec:
  url: https://airflow.apache.org
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: airflow
  namespace: airflow
spec:
  interval: 1h
  chart:
    spec:
      chart: airflow
      version: 1.15.0
      sourceRef: {kind: HelmRepository, name: apache-airflow, namespace: flux-system}
  values:
    images:
      airflow:
        repository: apache/airflow
        tag: 2.10.2
    podTemplate: |
      apiVersion: v1
      kind: Pod
      metadata:
        name: placeholder-name
      spec:
        containers:
          - name: base
            image: apache/airflow:2.10.2-python3.12
        initContainers:
          - name: git-sync
            image: "{{ .Values.images.gitSync.repository }}:v4.2.4"
`;

describe('images in YAML embedded in strings', () => {
  it('a ConfigMap holding a pod template as a block string: its image at the exact line inside the block, embedded', async () => {
    const repo = await tempFluxRepo({ 'apps/hook-extension.yaml': HOOK_EXTENSION });
    try {
      const loaded = await loadFluxRepository(repo.root);
      const apps = loaded.workloads.find((workload) => workload.id === 'Kustomization/flux-system/apps');
      expect(apps?.images.map((image) => image.ref)).toContain('docker.io/library/ubuntu:24.04');
      const ubuntu = loaded.images.find((image) => image.ref === 'docker.io/library/ubuntu:24.04');
      expect(ubuntu?.locations).toEqual([
        {
          file: 'apps/hook-extension.yaml',
          line: 18,
          column: 19,
          raw: 'ubuntu:24.04',
          kind: 'ConfigMap',
          namespace: 'arc-runners',
          name: 'hook-extension',
          container: 'side-car',
          fieldPath: 'data.content|spec.containers[1].image',
          embedded: true,
          documentIndex: 0,
          fluxObjects: ['Kustomization/flux-system/apps'],
        },
      ]);
      // Line 18, column 19 of the file is where the image text starts.
      const line = HOOK_EXTENSION.split('\n')[17] ?? '';
      expect(line.slice(18)).toBe('ubuntu:24.04"');
      // The "$job" container has no image here (the workflow names it): nothing to report.
      expect(loaded.diagnostics.filter((diagnostic) => diagnostic.severity !== 'info')).toEqual([]);
    } finally {
      await repo.cleanup();
    }
  });

  it('a quoted one-line string is located at the start of the string; TOML and YAML that does not parse are ignored', async () => {
    const repo = await tempFluxRepo({ 'apps/templates.yaml': OTHER_STRINGS });
    try {
      const loaded = await loadFluxRepository(repo.root);
      const busybox = loaded.images.find((image) => image.ref === 'docker.io/library/busybox:1.36');
      expect(busybox?.locations).toEqual([
        expect.objectContaining({
          file: 'apps/templates.yaml',
          line: 7,
          column: 14,
          raw: 'busybox:1.36',
          container: 'job',
          fieldPath: 'data.pod.json|spec.containers[0].image',
          embedded: true,
        }),
      ]);
      const refs = loaded.images.map((image) => image.ref);
      expect(refs).not.toContain('docker.io/library/alpine:3.20');
      expect(refs).not.toContain('docker.io/library/nginx:1.27');
      expect(loaded.diagnostics.filter((diagnostic) => diagnostic.severity !== 'info')).toEqual([]);
    } finally {
      await repo.cleanup();
    }
  });

  it('a HelmRelease value holding a Pod (Airflow podTemplate): found in values-only reading; a Go template image is unknown', async () => {
    const repo = await tempFluxRepo({ 'apps/airflow.yaml': AIRFLOW });
    try {
      const loaded = await loadFluxRepository(repo.root);
      const release = loaded.workloads.find((workload) => workload.id === 'HelmRelease/airflow/airflow');
      expect(release?.images.map((image) => image.ref).sort()).toEqual([
        'docker.io/apache/airflow:2.10.2',
        'docker.io/apache/airflow:2.10.2-python3.12',
      ]);
      const embedded = loaded.images.find(
        (image) => image.ref === 'docker.io/apache/airflow:2.10.2-python3.12',
      );
      expect(embedded?.locations).toEqual([
        {
          file: 'apps/airflow.yaml',
          line: 34,
          column: 20,
          raw: 'apache/airflow:2.10.2-python3.12',
          kind: 'HelmRelease',
          namespace: 'airflow',
          name: 'airflow',
          container: 'base',
          fieldPath: 'spec.values.podTemplate|spec.containers[0].image',
          embedded: true,
          documentIndex: 1,
          fluxObjects: ['HelmRelease/airflow/airflow'],
        },
      ]);
      // The template is never evaluated: that image is unknown, and the release with it.
      expect(loaded.diagnostics).toContainEqual(
        expect.objectContaining({
          code: 'invalid-image-reference',
          file: 'apps/airflow.yaml',
          line: 37,
          column: 21,
          object: 'HelmRelease/airflow/airflow',
          message: expect.stringContaining('{{ .Values.images.gitSync.repository }}:v4.2.4'),
        }),
      );
    } finally {
      await repo.cleanup();
    }
  });

  it('an embedded image field that is not a string is an invalid-image-reference at its line, never dropped', async () => {
    // A Pod: the workload extractor reads its containers whatever their image holds (the PodSpec
    // search of kind-less templates, as for manifests, needs one string image to know a PodSpec).
    const configMap = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: job-template, namespace: ci}',
      'data:',
      '  job.yaml: |',
      '    apiVersion: v1',
      '    kind: Pod',
      '    spec:',
      '      containers:',
      '        - name: job',
      '          image: {repository: alpine}',
      '',
    ].join('\n');
    const repo = await tempFluxRepo({ 'apps/job-template.yaml': configMap });
    try {
      const loaded = await loadFluxRepository(repo.root);
      expect(loaded.diagnostics.filter((diagnostic) => diagnostic.severity !== 'info')).toEqual([
        expect.objectContaining({
          code: 'invalid-image-reference',
          file: 'apps/job-template.yaml',
          line: 11,
          column: 18,
          object: 'Kustomization/flux-system/apps',
          message: expect.stringContaining('(data.job.yaml|spec.containers[0].image) is a mapping'),
        }),
      ]);
    } finally {
      await repo.cleanup();
    }
  });

  it('the images file carries embedded: read back, the locations are the same', async () => {
    const repo = await tempFluxRepo({
      'apps/hook-extension.yaml': HOOK_EXTENSION,
      'apps/airflow.yaml': AIRFLOW,
    });
    try {
      const loaded = await loadFluxRepository(repo.root);
      const text = serializeImagesFile(createImagesFile(loaded));
      const file = parseImagesFile(text, 'images.json');
      expect(serializeImagesFile(file)).toBe(text);
      const embedded = file.images.flatMap((image) =>
        image.locations.filter((location) => location.embedded).map((location) => [image.ref, location.line]),
      );
      expect(embedded).toEqual([
        ['docker.io/apache/airflow:2.10.2-python3.12', 34],
        ['docker.io/library/ubuntu:24.04', 18],
      ]);
      const model = toRepositoryModel(file);
      expect(model.images).toEqual(loaded.images);
    } finally {
      await repo.cleanup();
    }
  });
});
