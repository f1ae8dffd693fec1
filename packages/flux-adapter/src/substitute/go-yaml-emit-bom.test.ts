// A U+FEFF in a string: go-yaml's emitter (emitterc.go yaml_emitter_write_double_quoted_scalar)
// escapes a character when `is_bom(value, i)`, and yamlprivateh.go's `is_bom` ignores `i`: it
// tests the first three bytes of the value. So a string that starts with a BOM has every
// character escaped (the tricky fixture's `bom` key, recorded from kubectl kustomize, shows it),
// and a BOM anywhere else is escaped alone (it is not printable).
import { describe, expect, it } from 'vitest';
import { Provenance } from '../kustomize/provenance.js';
import { emitGoYaml } from './go-yaml-emit.js';
import { substituteResource, type Variable } from './substitute-resource.js';

describe('the go-yaml emitter and a byte order mark', () => {
  it.each([
    ['\uFEFFx', 'a: "\\uFEFF\\x78"\n'],
    ['x\uFEFFy', 'a: "x\\uFEFFy"\n'],
    ['\uFEFF\uFEFF', 'a: "\\uFEFF\\uFEFF"\n'],
  ])('writes %j as go-yaml does', (value, text) => {
    expect(emitGoYaml({ a: value }).text).toBe(text);
  });

  it('leaves an expression after a leading BOM alone, as Flux does (its `${` is escaped)', () => {
    const object = { apiVersion: 'v1', kind: 'ConfigMap', data: { 'app.ini': '\uFEFFurl=${DOMAIN}' } };
    const variables = new Map<string, Variable>([['DOMAIN', { value: 'example.com' }]]);
    const result = substituteResource({ object, file: 'cm.yaml', line: 1 }, variables, new Provenance());
    expect(result.used).toEqual([]);
    expect(result.failure).toBeUndefined();
    expect((result.resource.object.data as Record<string, string>)['app.ini']).toBe('\uFEFFurl=${DOMAIN}');
  });

  it('substitutes an expression after a BOM that does not start the string', () => {
    const object = { apiVersion: 'v1', kind: 'ConfigMap', data: { 'app.ini': 'a\uFEFFurl=${DOMAIN}' } };
    const variables = new Map<string, Variable>([['DOMAIN', { value: 'example.com' }]]);
    const result = substituteResource({ object, file: 'cm.yaml', line: 1 }, variables, new Provenance());
    expect(result.used).toEqual(['DOMAIN']);
    expect((result.resource.object.data as Record<string, string>)['app.ini']).toBe('a\uFEFFurl=example.com');
  });
});
