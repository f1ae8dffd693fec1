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

describe('parseYaml with many documents', () => {
  it('reads 100,000 documents of one file with their own index and line', () => {
    let text = '';
    for (let index = 0; index < 100_000; index += 1)
      text += `---\n{kind: ConfigMap, metadata: {name: c${index}}}\n`;
    const { documents, diagnostics } = parseYaml(text, 'many.yaml');
    expect(diagnostics).toEqual([]);
    expect(documents).toHaveLength(100_000);
    for (const [position, document] of documents.entries()) {
      expect(document.index).toBe(position);
      expect(document.line).toBe(2 * position + 2);
      expect(document.value).toEqual({ kind: 'ConfigMap', metadata: { name: `c${position}` } });
    }
  });

  it('keeps the indexes and lines when a broken document makes the file be read one document at a time', () => {
    let text = '';
    for (let index = 0; index < 20_000; index += 1) text += `---\n{name: c${index}}\n`;
    text += '---\n{broken: [\n';
    const { documents, diagnostics } = parseYaml(text, 'many.yaml');
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ code: 'yaml-syntax', file: 'many.yaml' });
    expect(documents).toHaveLength(20_000);
    expect(documents[19_999]).toMatchObject({ index: 19_999, line: 40_000, value: { name: 'c19999' } });
  });

  it('gives equal scalar documents each their own line (an empty document keeps the line of its chunk)', () => {
    const { documents } = parseYaml('same\n---\nsame\n---\n~\n', 'scalars.yaml');
    expect(documents.map((document) => [document.index, document.line, document.value])).toEqual([
      [0, 1, 'same'],
      [1, 3, 'same'],
      [2, 1, null],
    ]);
  });

  it.each([
    ['\u2028', 'U+2028 (LINE SEPARATOR)'],
    ['\u2029', 'U+2029 (PARAGRAPH SEPARATOR)'],
    ['\u0085', 'U+0085 (NEXT LINE)'],
  ])(
    'reports a line separator (%#), which go-yaml (Flux) reads as a line break and js-yaml does not, at its line',
    (character, name) => {
      // For go-yaml the comment ends at the separator and `image: evil` is a key of the container;
      // js-yaml reads it as part of the comment.
      const text = `containers:\n  - name: app\n    image: good # note${character}    image: evil\n`;
      const { documents, diagnostics } = parseYaml(text, 'app.yaml');
      expect(documents[0]?.value).toEqual({ containers: [{ name: 'app', image: 'good' }] });
      expect(diagnostics).toEqual([
        expect.objectContaining({
          code: 'yaml-line-separator',
          file: 'app.yaml',
          line: 3,
          column: 23,
          severity: 'error',
        }),
      ]);
      expect(diagnostics[0]?.message).toContain(name);
    },
  );
});
