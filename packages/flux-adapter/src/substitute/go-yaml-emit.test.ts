import { describe, expect, it } from 'vitest';
import { parseYaml } from '@sluice/core';
import { readRepoFile } from '@sluice/test-utils';
import { compareKeys, emitGoYaml, formatGoNumber } from './go-yaml-emit.js';

const FIXTURE = 'packages/flux-adapter/src/__fixtures__/go-yaml';

/** Each document of a `kustomize build` output, re-emitted from its parsed value. */
function reemit(output: string): { expected: string; actual: string }[] {
  return output
    .split(/^---\n/m)
    .filter((document) => document.trim() !== '')
    .map((document) => ({
      expected: document,
      actual: emitGoYaml(parseYaml(document, 'out.yaml').documents[0]?.value).text,
    }));
}

describe('emitGoYaml (the text kustomize-controller substitutes: Resource.AsYAML)', () => {
  it('writes the recorded `kubectl kustomize` output of the tricky fixture byte for byte', async () => {
    // Quoting styles, YAML 1.1 look-alikes quoted, literal blocks with chomping and indentation
    // hints, folding past column 80 in plain, single- and double-quoted scalars, escapes, keys
    // longer than 128 bytes, natural key order, numbers, empty collections.
    const recorded = await readRepoFile(`${FIXTURE}/kubectl-kustomize.out`);
    const documents = reemit(recorded);
    expect(documents).toHaveLength(3);
    for (const { expected, actual } of documents) expect(actual).toBe(expected);
  });

  // The same check on every corpus folder kubectl builds is in kustomize/oracle.test.ts.

  it('sorts keys as go-yaml v2 does: non-letters first, digit runs by value', () => {
    const keys = ['b', 'a10', 'a2', 'A', '_x', 'a02', '9', 'a.b', 'Z', 'z'];
    // `_x` before `9`: both non-letters, and a run of no digits counts as 0.
    expect([...keys].sort(compareKeys)).toEqual(['_x', '9', 'A', 'Z', 'a.b', 'a2', 'a02', 'a10', 'b', 'z']);
  });

  it('formats numbers as Go (FormatInt, FormatFloat g -1)', () => {
    expect([3, -2, 1.5, 0.0001, 1234567.5, 1e-7, 1e21].map(formatGoNumber)).toEqual([
      '3',
      '-2',
      '1.5',
      '0.0001',
      '1.2345675e+06',
      '1e-07',
      '1e+21',
    ]);
  });

  it('records where each scalar is written', () => {
    const object = { spec: { containers: [{ image: 'nginx:1.25', name: 'web' }] } };
    const { text, spans } = emitGoYaml(object);
    expect(text).toBe('spec:\n  containers:\n  - image: nginx:1.25\n    name: web\n');
    const image = spans.find((span) => span.key === 'image' && !span.isKey)!;
    expect(text.slice(image.start, image.end)).toBe('nginx:1.25');
    expect(image.container).toBe(object.spec.containers[0]);
  });
});
