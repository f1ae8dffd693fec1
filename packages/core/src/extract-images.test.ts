import { describe, expect, it } from 'vitest';
import { extractImages, extractImagesFromObject } from './extract-images.js';
import type { ImageExtractor } from './image-extractor.js';
import { parseManifests } from './manifest.js';
import { parseYaml } from './parse-yaml.js';

function extract(text: string, file = 'm.yaml', options = {}) {
  const parsed = parseManifests(text, file);
  expect(parsed.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return { text, ...extractImages(parsed.documents, options) };
}

/** Asserts that each reference's line/column points at its raw text. */
function expectPointsAtText(text: string, references: { raw: string; line: number; column: number }[]): void {
  const lines = text.split('\n');
  for (const reference of references) {
    expect(
      lines[reference.line - 1]!.slice(reference.column - 1).startsWith(reference.raw),
      reference.raw,
    ).toBe(true);
  }
}

const podTemplate = (indent: string) =>
  [
    `${indent}initContainers:`,
    `${indent}  - name: init`,
    `${indent}    image: busybox:1.36`,
    `${indent}containers:`,
    `${indent}  - name: app`,
    `${indent}    image: "ghcr.io/acme/app:1.0"`,
    `${indent}  - name: sidecar`,
    `${indent}    image: 'envoyproxy/envoy:v1.30.0'`,
    `${indent}ephemeralContainers:`,
    `${indent}  - name: debug`,
    `${indent}    image: nicolaka/netshoot`,
  ].join('\n');

describe('extractImages: workload kinds', () => {
  const cases: [string, string, string, string][] = [
    ['v1', 'Pod', 'spec:\n', 'spec'],
    ['apps/v1', 'Deployment', 'spec:\n  template:\n    spec:\n', 'spec.template.spec'],
    ['apps/v1', 'StatefulSet', 'spec:\n  template:\n    spec:\n', 'spec.template.spec'],
    ['apps/v1', 'DaemonSet', 'spec:\n  template:\n    spec:\n', 'spec.template.spec'],
    ['apps/v1', 'ReplicaSet', 'spec:\n  template:\n    spec:\n', 'spec.template.spec'],
    ['v1', 'ReplicationController', 'spec:\n  template:\n    spec:\n', 'spec.template.spec'],
    ['batch/v1', 'Job', 'spec:\n  template:\n    spec:\n', 'spec.template.spec'],
    [
      'batch/v1',
      'CronJob',
      'spec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n',
      'spec.jobTemplate.spec.template.spec',
    ],
    ['v1', 'PodTemplate', 'template:\n  spec:\n', 'template.spec'],
  ];
  for (const [apiVersion, kind, head, path] of cases) {
    it(`finds containers, init and ephemeral containers of a ${kind}`, () => {
      const indent = ' '.repeat(head.split('\n').length * 2 - 2);
      const text = `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: web\n  namespace: apps\n${head}${podTemplate(indent)}\n`;
      const { references, diagnostics } = extract(text);
      expect(diagnostics).toEqual([]);
      expect(references.map((r) => [r.ref.normalized, r.container, r.fieldPath, r.extractor])).toEqual([
        ['docker.io/library/busybox:1.36', 'init', `${path}.initContainers[0].image`, 'workload'],
        ['ghcr.io/acme/app:1.0', 'app', `${path}.containers[0].image`, 'workload'],
        ['docker.io/envoyproxy/envoy:v1.30.0', 'sidecar', `${path}.containers[1].image`, 'workload'],
        ['docker.io/nicolaka/netshoot:latest', 'debug', `${path}.ephemeralContainers[0].image`, 'workload'],
      ]);
      expect(references[0]).toMatchObject({
        kind,
        name: 'web',
        namespace: 'apps',
        file: 'm.yaml',
        documentIndex: 0,
        exact: true,
      });
      expectPointsAtText(text, references);
    });
  }

  it('reports the column after an opening quote, anchors and tags', () => {
    const text = [
      'apiVersion: v1',
      'kind: Pod',
      'metadata: {name: p}',
      'spec:',
      '  containers:',
      '    - {name: a, image: "nginx:1.25"}',
      '    - name: b',
      '      image: &img !!str redis:7',
      '    - name: c',
      '      image: *img',
      '',
    ].join('\n');
    const { references } = extract(text);
    expect(references.map((r) => [r.raw, r.line, r.column])).toEqual([
      ['nginx:1.25', 6, 25],
      ['redis:7', 8, 25],
      ['redis:7', 10, 14],
    ]);
  });
});

describe('extractImages: PodSpecs inside kinds it does not know', () => {
  it('finds an Argo Rollout, a KEDA ScaledJob and a Knative Service', () => {
    const text = `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: canary}
spec:
  template:
    spec:
      containers:
        - name: app
          image: argoproj/rollouts-demo:blue
---
apiVersion: keda.sh/v1alpha1
kind: ScaledJob
metadata: {name: worker, namespace: jobs}
spec:
  jobTargetRef:
    template:
      spec:
        containers:
          - name: worker
            image: ghcr.io/acme/worker:2.0
---
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: hello}
spec:
  template:
    spec:
      containers:
        - image: gcr.io/knative-samples/helloworld-go
`;
    const { references, diagnostics } = extract(text);
    expect(diagnostics).toEqual([]);
    expect(
      references.map((r) => [r.kind, r.name, r.ref.normalized, r.fieldPath, r.extractor, r.documentIndex]),
    ).toEqual([
      [
        'Rollout',
        'canary',
        'docker.io/argoproj/rollouts-demo:blue',
        'spec.template.spec.containers[0].image',
        'pod-spec',
        0,
      ],
      [
        'ScaledJob',
        'worker',
        'ghcr.io/acme/worker:2.0',
        'spec.jobTargetRef.template.spec.containers[0].image',
        'pod-spec',
        1,
      ],
      [
        'Service',
        'hello',
        'gcr.io/knative-samples/helloworld-go:latest',
        'spec.template.spec.containers[0].image',
        'pod-spec',
        2,
      ],
    ]);
    expect(references[2]!.container).toBeUndefined();
    expectPointsAtText(text, references);
  });

  it('does not treat Flux image automation or CRD schemas as images', () => {
    const text = `apiVersion: image.toolkit.fluxcd.io/v1beta2
kind: ImageRepository
metadata: {name: podinfo}
spec:
  image: ghcr.io/stefanprodan/podinfo
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: things.example.com}
spec:
  versions:
    - name: v1
      schema:
        openAPIV3Schema:
          properties:
            containers: {type: array, items: {type: object, properties: {image: {type: string}}}}
`;
    expect(extract(text).references).toEqual([]);
  });
});

describe('extractImages: extractors', () => {
  it('reads CloudNativePG, prometheus-operator, image volumes and spec.image of custom resources', () => {
    const text = `apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata: {name: pg, namespace: db}
spec:
  imageName: ghcr.io/cloudnative-pg/postgresql:16.4
---
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: k8s}
spec:
  image: quay.io/prometheus/prometheus:v2.54.0
---
apiVersion: monitoring.coreos.com/v1
kind: Alertmanager
metadata: {name: main}
spec:
  image: quay.io/prometheus/alertmanager:v0.27.0
---
apiVersion: v1
kind: Pod
metadata: {name: with-volume}
spec:
  containers: [{name: app, image: alpine:3.20}]
  volumes:
    - name: models
      image:
        reference: quay.io/acme/models:v1
        pullPolicy: IfNotPresent
---
apiVersion: dragonflydb.io/v1alpha1
kind: Dragonfly
metadata: {name: cache}
spec:
  image: ghcr.io/dragonflydb/dragonfly:v1.40.1
`;
    const { references, diagnostics } = extract(text);
    expect(diagnostics).toEqual([]);
    expect(references.map((r) => [r.kind, r.ref.normalized, r.fieldPath, r.extractor])).toEqual([
      ['Cluster', 'ghcr.io/cloudnative-pg/postgresql:16.4', 'spec.imageName', 'cloudnative-pg'],
      ['Prometheus', 'quay.io/prometheus/prometheus:v2.54.0', 'spec.image', 'prometheus-operator'],
      ['Alertmanager', 'quay.io/prometheus/alertmanager:v0.27.0', 'spec.image', 'prometheus-operator'],
      ['Pod', 'docker.io/library/alpine:3.20', 'spec.containers[0].image', 'workload'],
      ['Pod', 'quay.io/acme/models:v1', 'spec.volumes[0].image.reference', 'workload'],
      ['Dragonfly', 'ghcr.io/dragonflydb/dragonfly:v1.40.1', 'spec.image', 'custom-resource-image'],
    ]);
    expectPointsAtText(text, references);
  });

  it('runs extractors passed in options, before the built-ins', () => {
    const redis: ImageExtractor = {
      name: 'redis-operator',
      matches: (target) => target.kind === 'Redis',
      extract: (target) => {
        const spec = target.object.spec as Record<string, unknown>;
        const exporter = spec.exporter as Record<string, unknown>;
        return [{ holder: exporter, key: 'image', fieldPath: 'spec.exporter.image', container: 'exporter' }];
      },
    };
    const text =
      'apiVersion: redis.example.com/v1\nkind: Redis\nmetadata: {name: r}\nspec:\n  exporter:\n    image: oliver006/redis_exporter:v1.62.0\n';
    const { references } = extract(text, 'r.yaml', { extractors: [redis] });
    expect(references).toMatchObject([
      {
        extractor: 'redis-operator',
        container: 'exporter',
        line: 6,
        column: 12,
        raw: 'oliver006/redis_exporter:v1.62.0',
      },
    ]);
    expect(
      extract(text, 'r.yaml', { extractors: [redis], builtinExtractors: false, genericPodSpecs: false })
        .references,
    ).toHaveLength(1);
  });
});

describe('extractImages: many images in one object', () => {
  it('reports each field once when several extractors find it', () => {
    const containers = Array.from(
      { length: 40 },
      (_, index) => `    - {name: c${index}, image: "app:${index}"}`,
    ).join('\n');
    const text = `apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata: {name: k8s}\nspec:\n  image: quay.io/prometheus/prometheus:v2.54.0\n  containers:\n${containers}\n`;
    const { references } = extract(text);
    expect(references).toHaveLength(41);
    expect(references[0]).toMatchObject({ extractor: 'prometheus-operator', fieldPath: 'spec.image' });
    expect(new Set(references.map((r) => r.fieldPath)).size).toBe(41);
    expectPointsAtText(text, references);
  });
});

describe('extractImages: bad references', () => {
  it('turns invalid references and unresolved variables into diagnostics with file, line and column', () => {
    const text = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: apps}
spec:
  template:
    spec:
      containers:
        - name: a
          image: ghcr.io/Acme/App:1.0
        - name: b
          image: "ghcr.io/acme/app:\${TAG}"
        - name: c
          image: "nginx@sha256:1234"
        - name: d
          image: "-nginx"
        - name: e
          image: "nginx :1.0"
        - name: f
          image: nginx:1.27
        - name: g
          image: 42
`;
    const { references, diagnostics } = extract(text, 'apps/web.yaml');
    expect(references.map((r) => r.raw)).toEqual(['nginx:1.27']);
    expect(diagnostics.map((d) => [d.code, d.line, d.column, d.file, d.object])).toEqual([
      ['invalid-image-reference', 9, 18, 'apps/web.yaml', 'Deployment/apps/web'],
      ['unresolved-variable', 11, 19, 'apps/web.yaml', 'Deployment/apps/web'],
      ['invalid-image-reference', 13, 19, 'apps/web.yaml', 'Deployment/apps/web'],
      ['invalid-image-reference', 15, 19, 'apps/web.yaml', 'Deployment/apps/web'],
      ['invalid-image-reference', 17, 19, 'apps/web.yaml', 'Deployment/apps/web'],
      ['invalid-image-reference', 21, 18, 'apps/web.yaml', 'Deployment/apps/web'],
    ]);
    expect(diagnostics[0]!.message).toContain('container a');
    expect(diagnostics.every((d) => d.severity === 'error')).toBe(true);
  });
});

describe('extractImagesFromObject', () => {
  it('works on objects without positions and on fragments such as Helm values', () => {
    const values = { controllers: { main: { pod: { containers: [{ name: 'x', image: 'nginx:1' }] } } } };
    const { references } = extractImagesFromObject(values, undefined, {
      file: 'apps/hr.yaml',
      line: 7,
      kind: 'HelmRelease',
      name: 'web',
      namespace: 'apps',
      fieldPathPrefix: 'spec.values',
    });
    expect(references).toEqual([
      expect.objectContaining({
        file: 'apps/hr.yaml',
        line: 7,
        column: 1,
        exact: false,
        kind: 'HelmRelease',
        name: 'web',
        namespace: 'apps',
        container: 'x',
        fieldPath: 'spec.values.controllers.main.pod.containers[0].image',
      }),
    ]);
  });

  it('uses the positions of a parsed document', () => {
    const { documents } = parseYaml('values:\n  containers:\n    - image: redis:7\n', 'v.yaml');
    const root = documents[0]!.value as Record<string, unknown>;
    const { references } = extractImagesFromObject(root.values, documents[0]!.positions, { file: 'v.yaml' });
    expect(references).toMatchObject([{ line: 3, column: 14, exact: true }]);
  });
});

describe('bounded walks', () => {
  it('finishes a billion-laughs document quickly and reports each shared image once', () => {
    const lines = ['apiVersion: example.com/v1', 'kind: Bomb', 'metadata: {name: lol}', 'spec:'];
    lines.push('  a0: &a0 {containers: [{name: c, image: "nginx:1"}]}');
    for (let level = 1; level <= 12; level += 1) {
      lines.push(
        `  a${level}: &a${level} [${Array.from({ length: 10 }, () => `*a${level - 1}`).join(', ')}]`,
      );
    }
    const text = `${lines.join('\n')}\n`;
    const { references, diagnostics } = extract(text);
    expect(diagnostics).toEqual([]);
    expect(references).toHaveLength(1);
    expect(references[0]).toMatchObject({ line: 5, column: 43, fieldPath: 'spec.a0.containers[0].image' });
  });

  it('stops at the node budget with a walk-limit warning', () => {
    const items = Array.from({ length: 50 }, (_, index) => `  k${index}: {x: 1}`).join('\n');
    const text = `apiVersion: example.com/v1\nkind: Wide\nmetadata: {name: w}\nspec:\n${items}\n`;
    const { diagnostics } = extract(text, 'w.yaml', { maxNodes: 10 });
    expect(diagnostics).toMatchObject([
      { code: 'walk-limit', severity: 'warning', file: 'w.yaml', object: 'Wide/w' },
    ]);
  });

  it('stops at the depth limit (js-yaml itself refuses nesting deeper than 100)', () => {
    const deep = `${'['.repeat(80)}{containers: [{image: nginx}]}${']'.repeat(80)}`;
    const text = `apiVersion: example.com/v1\nkind: Deep\nmetadata: {name: d}\nspec: ${deep}\n`;
    const { references, diagnostics } = extract(text);
    expect(references).toEqual([]);
    expect(diagnostics.map((d) => d.code)).toEqual(['walk-limit']);
  });
});
