import { describe, expect, it } from 'vitest';
import { extractImages } from './extract-images.js';
import { parseManifests } from './manifest.js';

// Custom resources as their operators' documentation writes them (the manifests are ours).
const MANIFESTS = `apiVersion: operator.victoriametrics.com/v1beta1
kind: VMSingle
metadata: {name: vm, namespace: monitoring}
spec:
  retentionPeriod: "1"
  image:
    repository: victoriametrics/victoria-metrics
    tag: v1.93.0
---
apiVersion: operator.victoriametrics.com/v1beta1
kind: VMAgent
metadata: {name: agent}
spec:
  image: {registry: quay.io, repository: victoriametrics/vmagent, digest: "sha256:${'a'.repeat(64)}"}
---
apiVersion: elasticsearch.k8s.elastic.co/v1
kind: Elasticsearch
metadata: {name: es}
spec:
  version: 8.14.0
  image: docker.elastic.co/elasticsearch/elasticsearch:8.14.0
---
apiVersion: kafka.strimzi.io/v1beta2
kind: Kafka
metadata: {name: kafka}
spec:
  kafka: {replicas: 3, image: quay.io/strimzi/kafka:0.41.0-kafka-3.7.0}
  zookeeper: {replicas: 3}
---
apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata: {name: pg}
spec:
  imageName: ghcr.io/cloudnative-pg/postgresql:16.3
---
apiVersion: acid.zalan.do/v1
kind: postgresql
metadata: {name: zalando}
spec:
  dockerImage: ghcr.io/zalando/spilo-16:3.2-p3
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: tls}
spec: {secretName: tls, dnsNames: [a.example.com]}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: tls2}
spec: {secretName: tls2, dnsNames: [b.example.com]}
---
apiVersion: example.com/v1
kind: Broken
metadata: {name: broken}
spec:
  image: {repository: ghcr.io/acme/app, tag: "1.0 #x"}
---
apiVersion: operator.victoriametrics.com/v1beta1
kind: VMCluster
metadata: {name: partial}
spec:
  vmstorage:
    image: {tag: v1.93.0}
  vmselect:
    image: {repository: victoriametrics/vmselect}
  vminsert:
    image: {repository: victoriametrics/vminsert, tag: 1.10}
  vmbackup:
    image: {pullPolicy: IfNotPresent}
`;

describe('the generic image finder for custom resources', () => {
  const { references, diagnostics } = extractImages(parseManifests(MANIFESTS, 'crs.yaml').documents);
  const found = references.map((reference) => [
    reference.kind,
    reference.ref.normalized,
    reference.fieldPath,
    reference.line,
    reference.column,
  ]);

  it('composes {registry?, repository, tag | digest} mappings, pointing at the repository', () => {
    expect(found).toContainEqual([
      'VMSingle',
      'docker.io/victoriametrics/victoria-metrics:v1.93.0',
      'spec.image.repository',
      7,
      17,
    ]);
    expect(found).toContainEqual([
      'VMAgent',
      `quay.io/victoriametrics/vmagent@sha256:${'a'.repeat(64)}`,
      'spec.image.repository',
      14,
      42,
    ]);
  });

  it('finds image and imageName strings at any depth of spec', () => {
    expect(found).toContainEqual([
      'Elasticsearch',
      'docker.elastic.co/elasticsearch/elasticsearch:8.14.0',
      'spec.image',
      21,
      10,
    ]);
    expect(found).toContainEqual([
      'Kafka',
      'quay.io/strimzi/kafka:0.41.0-kafka-3.7.0',
      'spec.kafka.image',
      27,
      31,
    ]);
    expect(found).toContainEqual([
      'Cluster',
      'ghcr.io/cloudnative-pg/postgresql:16.3',
      'spec.imageName',
      34,
      14,
    ]);
  });

  it('says, once per kind, which custom resources hold no field it knows as an image', () => {
    const uncovered = diagnostics.filter((diagnostic) => diagnostic.code === 'uncovered-custom-resource');
    expect(uncovered.map((diagnostic) => [diagnostic.object, diagnostic.severity])).toEqual([
      ['postgresql/zalando', 'info'],
      ['Certificate/tls', 'info'],
    ]);
    expect(uncovered[0]?.message).toContain('acid.zalan.do/v1 postgresql');
  });

  it('an invalid composed reference is an invalid-image-reference at the repository', () => {
    expect(diagnostics).toContainEqual(
      expect.objectContaining({ code: 'invalid-image-reference', line: 56, object: 'Broken/broken' }),
    );
  });

  it('an image mapping that names no complete reference is said at its line, never dropped', () => {
    const partial = diagnostics
      .filter((diagnostic) => diagnostic.object === 'VMCluster/partial')
      .map((diagnostic) => [diagnostic.code, diagnostic.line, diagnostic.message]);
    expect(partial).toEqual([
      [
        'invalid-image-reference',
        63,
        expect.stringContaining('(spec.vmstorage.image) is an image mapping without a repository'),
      ],
      [
        'invalid-image-reference',
        65,
        expect.stringContaining(
          '(spec.vmselect.image.repository) is an image mapping without a tag or digest',
        ),
      ],
      ['invalid-image-reference', 67, expect.stringContaining('whose tag is not a non-empty string')],
    ]);
    // `{pullPolicy}` alone names no image: nothing to read, nothing said.
    expect(references.filter((reference) => reference.name === 'partial')).toEqual([]);
  });

  it('a SOPS-encrypted image is encrypted-image, not an invalid reference', () => {
    const text = `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ENC[AES256_GCM,data:q83s,iv:x,tag:y,type:str]\n`;
    const result = extractImages(parseManifests(text, 'd.yaml').documents);
    expect(result.diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.line])).toEqual([
      ['encrypted-image', 9],
    ]);
  });
});
