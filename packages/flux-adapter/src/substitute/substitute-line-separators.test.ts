// A variable value holding NEL, LS or PS: go-yaml reads each as a line break (yamlprivateh.go
// is_break), js-yaml as an ordinary character. kustomize-controller parses the substituted text
// with go-yaml, so `image: nginx:1\u2028b` puts `b` at column 0 and its parse fails ("could not
// find expected ':'"), though a more indented continuation would read as a longer value. Sluice
// cannot read such a text as Flux does: the substitution fails as a limit of Sluice's
// (`build-limit`, the Kustomization is unknown) rather than answering an image.
import { describe, expect, it } from 'vitest';
import { Provenance } from '../kustomize/provenance.js';
import { substituteResource, type Variable } from './substitute-resource.js';
import { substituteScalars } from './substitute-scalars.js';

const SEPARATORS = ['\u0085', '\u2028', '\u2029'];

function pod(image: string): { object: Record<string, unknown>; file: string; line: number } {
  return { object: { apiVersion: 'v1', kind: 'Pod', spec: { image } }, file: 'pod.yaml', line: 1 };
}

describe('a variable value with a line break only go-yaml knows', () => {
  it.each(SEPARATORS)('%j makes the substitution fail, not a value', (separator) => {
    const variables = new Map<string, Variable>([['IMAGE', { value: `nginx:1${separator}b` }]]);
    const result = substituteResource(pod('${IMAGE}'), variables, new Provenance());
    expect(result.failure?.reason).toContain("Flux's YAML parser reads it as a line break");
    expect(result.failure?.limit).toBe(true);
  });

  it.each(SEPARATORS)('%j sends the scalar shortcut to the whole text', (separator) => {
    const variables = new Map<string, Variable>([['IMAGE', { value: `nginx:1${separator}b` }]]);
    for (const image of ['${IMAGE}', 'a ${IMAGE}', "'${IMAGE}", 'x\n${IMAGE}\n'])
      expect(substituteScalars(pod(image), variables, new Provenance())).toBeUndefined();
  });

  it('a value without one still substitutes', () => {
    const variables = new Map<string, Variable>([['IMAGE', { value: 'nginx:1' }]]);
    const result = substituteResource(pod('${IMAGE}'), variables, new Provenance());
    expect(result.failure).toBeUndefined();
    expect(result.resource.object.spec).toEqual({ image: 'nginx:1' });
  });
});

describe("a line break only go-yaml knows in the object's own text", () => {
  it('makes the substitution of an object with an expression fail (js-yaml would read it otherwise)', () => {
    // The emitter writes U+2028 raw in a literal block and in a single-quoted scalar.
    const object = { apiVersion: 'v1', kind: 'ConfigMap', data: { a: 'x\n\u2028y\n', b: '${B}' } };
    const variables = new Map<string, Variable>([['B', { value: 'b' }]]);
    const result = substituteResource({ object, file: 'cm.yaml', line: 1 }, variables, new Provenance());
    expect(result.failure).toBeDefined();
  });
});
