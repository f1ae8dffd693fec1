import { describe, expect, it } from 'vitest';
import { findEmbeddedImageFields, mapEmbeddedPosition } from './embedded-yaml.js';
import { parseYaml } from './parse-yaml.js';

function found(text: string): [string, string, string, number, number | undefined, number | undefined][] {
  return findEmbeddedImageFields(text).map(({ field, extractor, position, documentIndex }) => [
    extractor,
    field.fieldPath,
    String((field.holder as Record<string | number, unknown>)[field.key]),
    documentIndex,
    position?.line,
    position?.column,
  ]);
}

describe('findEmbeddedImageFields', () => {
  it('reads a pod template, a PodSpec, a container list and a workload, with positions in the string', () => {
    expect(found('spec:\n  containers:\n    - name: job\n      image: alpine:3.20\n')).toEqual([
      ['pod-spec', 'spec.containers[0].image', 'alpine:3.20', 0, 4, 14],
    ]);
    expect(found('containers:\n  - name: a\n    image: "busybox:1.36"\n')).toEqual([
      ['pod-spec', 'containers[0].image', 'busybox:1.36', 0, 3, 13],
    ]);
    expect(found('- name: a\n  image: nginx:1.27\n- name: b\n  image: redis:7\n')).toEqual([
      ['container-list', '[0].image', 'nginx:1.27', 0, 2, 10],
      ['container-list', '[1].image', 'redis:7', 0, 4, 10],
    ]);
    const workloads = [
      'apiVersion: batch/v1',
      'kind: Job',
      'spec:',
      '  template:',
      '    spec:',
      '      containers: [{name: a, image: "perl:5.40"}]',
      '---',
      '{"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [{"name": "p", "image": "pause:3.10"}]}}',
      '',
    ].join('\n');
    expect(found(workloads)).toEqual([
      ['workload', 'spec.template.spec.containers[0].image', 'perl:5.40', 0, 6, 38],
      ['workload', 'spec.containers[0].image', 'pause:3.10', 1, 8, 85],
    ]);
  });

  it('leaves alone what is not a pod: text, TOML, YAML that does not parse, lists of other things, custom resources', () => {
    expect(found('just a sentence with image: in it')).toEqual([]);
    expect(found('[[runners]]\n  [runners.kubernetes]\n    image = "alpine:3.20"\n')).toEqual([]);
    expect(found('containers: [{name: x, image: "nginx:1.27"\n')).toEqual([]);
    expect(found('{{- if .Values.enabled }}\ncontainers:\n  - image: nginx\n{{- end }}\n')).toEqual([]);
    expect(found('- image: not-a-container-list\n  tag: 1\n')).toEqual([]);
    expect(found('apiVersion: example.com/v1\nkind: Thing\nspec:\n  image: nginx:1.27\n')).toEqual([]);
  });

  it('reports what is there without judging it: a Go template image is returned as written', () => {
    expect(found('spec:\n  containers:\n    - name: a\n      image: "{{ .Values.image }}"\n')).toEqual([
      ['pod-spec', 'spec.containers[0].image', '{{ .Values.image }}', 0, 4, 15],
    ]);
  });

  it('skips strings past the size bound', () => {
    const text = `spec:\n  containers:\n    - name: a\n      image: nginx:1.27\n#${'x'.repeat(100)}\n`;
    expect(findEmbeddedImageFields(text, { maxLength: 50 })).toEqual([]);
    expect(findEmbeddedImageFields(text)).toHaveLength(1);
  });
});

describe('mapEmbeddedPosition and scalarStyleOf', () => {
  it('maps a position inside a literal block to the file; any other string keeps its own position', () => {
    const file = [
      'data:',
      '  block: |',
      '    spec:',
      '      containers:',
      '        - name: a',
      '          image: nginx:1.27',
      "  quoted: 'containers: [{name: a, image: nginx:1.27}]'",
      '  folded: >',
      '    containers: [{name: a, image: nginx:1.27}]',
      '',
    ].join('\n');
    const document = parseYaml(file, 'cm.yaml').documents[0]!;
    const data = (document.value as { data: Record<string, string> }).data;
    const styles = ['block', 'quoted', 'folded'].map((key) => document.positions.scalarStyleOf(data, key));
    expect(styles).toEqual(['literal', 'flow', 'folded']);
    const block = document.positions.positionOf(data, 'block')!;
    const inner = findEmbeddedImageFields(data.block!)[0]!.position;
    const mapped = mapEmbeddedPosition(block, inner, 'literal');
    expect(mapped).toEqual({ line: 6, column: 18 });
    expect(file.split('\n')[mapped.line - 1]!.slice(mapped.column - 1)).toBe('nginx:1.27');
    const quoted = document.positions.positionOf(data, 'quoted')!;
    expect(mapEmbeddedPosition(quoted, { line: 1, column: 31 }, 'flow')).toEqual({ line: 7, column: 12 });
    const folded = document.positions.positionOf(data, 'folded')!;
    expect(mapEmbeddedPosition(folded, { line: 1, column: 31 }, 'folded')).toEqual(folded);
  });
});
