import { describe, expect, it } from 'vitest';
import { parseYaml } from './parse-yaml.js';

const POD = `apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
    - name: a
      image: "nginx:1.21.0"
    - name: b
      image:   &img busybox # comment
---
foo: 'bar'
`;

describe('parseYaml', () => {
  it('records the position of the first character of each value', () => {
    const { documents, diagnostics } = parseYaml(POD, 'pod.yaml');
    expect(diagnostics).toEqual([]);
    expect(documents).toHaveLength(2);
    const pod = documents[0]!;
    const containers = (pod.value as { spec: { containers: object[] } }).spec.containers;
    expect(pod.positions.positionOf(containers[0]!, 'image')).toEqual({ line: 7, column: 15 });
    expect(pod.positions.positionOf(containers[1]!, 'image')).toEqual({ line: 9, column: 21 });
    expect(pod.positions.positionOf(containers, 1)).toEqual({ line: 8, column: 7 });
    expect(documents[1]!.line).toBe(11);
    expect(documents[1]!.index).toBe(1);
  });

  it('keeps the other documents of a file when one has a syntax error', () => {
    const text = 'a: 1\n---\nb: [unclosed\n---\nkind: Pod\nimage: x\n';
    const { documents, diagnostics } = parseYaml(text, 'bad.yaml');
    expect(documents.map((doc) => doc.value)).toEqual([{ a: 1 }, { kind: 'Pod', image: 'x' }]);
    expect(documents.map((doc) => doc.index)).toEqual([0, 2]);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({
      file: 'bad.yaml',
      line: 4,
      severity: 'error',
      code: 'yaml-syntax',
    });
    const second = documents[1]!;
    expect(second.positions.positionOf(second.value as object, 'image')).toEqual({ line: 6, column: 8 });
  });

  it('records positions inside flow collections nested in block collections', () => {
    const text = 'items:\n  - [a, "b"]\n  - {k: v, image: \'x:1\'}\nlast: 2\n';
    const { documents } = parseYaml(text, 'flow.yaml');
    const value = documents[0]!.value as { items: [string[], Record<string, string>] };
    const positions = documents[0]!.positions;
    expect(positions.positionOf(value.items[0], 1)).toEqual({ line: 2, column: 10 });
    expect(positions.positionOf(value.items[1], 'image')).toEqual({ line: 3, column: 20 });
    expect(positions.positionOf(value.items, 1)).toEqual({ line: 3, column: 5 });
    expect(positions.positionOf(value, 'last')).toEqual({ line: 4, column: 7 });
    expect(positions.positionOf(value, 'missing')).toBeUndefined();
  });
});
