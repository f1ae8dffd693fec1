import { parseYaml } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { Provenance } from '../kustomize/provenance.js';
import type { YamlMap } from '../kustomize/resource.js';
import { composeReleaseValues, mergeValues } from './release-values.js';
import { findValuesImages } from './values-images.js';

describe('mergeValues', () => {
  it('keeps two keys sharing an alias two values (one written over, one not), and the source unchanged', () => {
    const provenance = new Provenance();
    const text = [
      'base: &base',
      '  image:',
      '    repository: ghcr.io/example/app',
      '    tag: 1.0.0',
      'copy: *base',
      '',
    ].join('\n');
    const document = parseYaml(text, 'values.yaml').documents[0]!;
    provenance.register(document.value, { file: 'values.yaml', positions: document.positions });
    const source = document.value as YamlMap;
    const alone: YamlMap = {};
    mergeValues(alone, source, provenance);
    expect(findValuesImages(alone, 'spec.values', provenance).map((found) => found.fieldPath)).toEqual([
      'spec.values.base.image',
      'spec.values.copy.image',
    ]);
    const merged: YamlMap = {};
    mergeValues(merged, source, provenance);
    mergeValues(merged, { base: { image: { tag: '2.0.0' } } }, provenance);
    expect(merged).toEqual({
      base: { image: { repository: 'ghcr.io/example/app', tag: '2.0.0' } },
      copy: { image: { repository: 'ghcr.io/example/app', tag: '1.0.0' } },
    });
    expect(source.base).toBe(source.copy);
    expect(source.base).toEqual({ image: { repository: 'ghcr.io/example/app', tag: '1.0.0' } });
    expect(findValuesImages(merged, 'spec.values', provenance).map((found) => found.fieldPath)).toEqual([
      'spec.values.base.image',
      'spec.values.copy.image',
    ]);
    const repository = (merged.copy as { image: YamlMap }).image;
    expect(provenance.originOf(repository, 'repository')).toEqual({
      file: 'values.yaml',
      line: 3,
      column: 17,
    });
  });

  it('leaves each layer unchanged, every merged value located in the layer that wrote it', () => {
    const provenance = new Provenance();
    const parse = (text: string, file: string): YamlMap => {
      const document = parseYaml(text, file).documents[0]!;
      provenance.register(document.value, { file, positions: document.positions });
      return document.value as YamlMap;
    };
    const lower = parse('image:\n  repository: ghcr.io/example/app\n  tag: 1.0.0\n', 'lower.yaml');
    const upper = parse('image:\n  tag: 2.0.0\n', 'upper.yaml');
    const merged: YamlMap = {};
    mergeValues(merged, lower, provenance);
    mergeValues(merged, upper, provenance);
    expect(lower.image).toEqual({ repository: 'ghcr.io/example/app', tag: '1.0.0' });
    expect(upper.image).toEqual({ tag: '2.0.0' });
    const image = merged.image as YamlMap;
    expect(provenance.originOf(image, 'repository')).toMatchObject({ file: 'lower.yaml', line: 2 });
    expect(provenance.originOf(image, 'tag')).toMatchObject({ file: 'upper.yaml', line: 2 });
  });
});

describe('composeReleaseValues', () => {
  it('keeps the origin of a valuesFrom targetPath value when spec.values writes beside it', () => {
    const provenance = new Provenance();
    const text = [
      'apiVersion: v1',
      'kind: Secret',
      'metadata: {name: app-token, namespace: apps}',
      'stringData:',
      '  token: abc',
      '---',
      'spec:',
      '  valuesFrom:',
      '    - {kind: Secret, name: app-token, valuesKey: token, targetPath: auth.token}',
      '  values:',
      '    auth:',
      '      user: admin',
      '',
    ].join('\n');
    const [secretDocument, releaseDocument] = parseYaml(text, 'app.yaml').documents;
    provenance.register(secretDocument!.value, { file: 'app.yaml', positions: secretDocument!.positions });
    provenance.register(releaseDocument!.value, { file: 'app.yaml', positions: releaseDocument!.positions });
    const values = composeReleaseValues(
      (releaseDocument!.value as YamlMap).spec as YamlMap,
      { id: 'HelmRelease/apps/app', namespace: 'apps', file: 'app.yaml', line: 7 },
      (kind, namespace, name) =>
        kind === 'Secret' && namespace === 'apps' && name === 'app-token'
          ? (secretDocument!.value as YamlMap)
          : undefined,
      provenance,
      [],
    );
    expect(values).toEqual({ auth: { token: 'abc', user: 'admin' } });
    const auth = values.auth as YamlMap;
    expect(provenance.originOf(auth, 'token')).toMatchObject({ file: 'app.yaml', line: 5 });
    expect(provenance.originOf(auth, 'user')).toMatchObject({ file: 'app.yaml', line: 12 });
  });

  it('layers valuesFrom under spec.values, each value located in its own text', () => {
    const provenance = new Provenance();
    const text = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: app-values, namespace: apps}',
      'data:',
      '  values.yaml: |',
      '    image:',
      '      repository: ghcr.io/example/app',
      '      tag: 1.0.0',
      '---',
      'spec:',
      '  valuesFrom:',
      '    - {kind: ConfigMap, name: app-values}',
      '  values:',
      '    image:',
      '      tag: 2.0.0',
      '',
    ].join('\n');
    const [configDocument, releaseDocument] = parseYaml(text, 'app.yaml').documents;
    provenance.register(configDocument!.value, { file: 'app.yaml', positions: configDocument!.positions });
    provenance.register(releaseDocument!.value, { file: 'app.yaml', positions: releaseDocument!.positions });
    const spec = (releaseDocument!.value as YamlMap).spec as YamlMap;
    const values = composeReleaseValues(
      spec,
      { id: 'HelmRelease/apps/app', namespace: 'apps', file: 'app.yaml', line: 10 },
      (kind, namespace, name) =>
        kind === 'ConfigMap' && namespace === 'apps' && name === 'app-values'
          ? (configDocument!.value as YamlMap)
          : undefined,
      provenance,
      [],
    );
    expect(values).toEqual({ image: { repository: 'ghcr.io/example/app', tag: '2.0.0' } });
    const image = values.image as YamlMap;
    expect(provenance.originOf(image, 'repository')).toMatchObject({ file: 'app.yaml', line: 7 });
    expect(provenance.originOf(image, 'tag')).toMatchObject({ file: 'app.yaml', line: 15 });
    expect((spec.values as { image: YamlMap }).image).toEqual({ tag: '2.0.0' });
  });
});

// Go's maps have no prototype: Flux merges a `__proto__` or `constructor` key of the values like
// any other. Merging into the inherited `Object.prototype` would change every object of the
// process (a hostile HelmRelease could make every Flux object look suspended).
describe('keys named like Object.prototype members', () => {
  it('stay keys of the merged values and never reach Object.prototype', () => {
    const provenance = new Provenance();
    const layers = [
      '__proto__:\n  pollutedByValues: yes\n',
      'constructor:\n  name: x\n',
      '__proto__:\n  more: 1\n',
    ];
    const merged: YamlMap = {};
    for (const text of layers)
      mergeValues(merged, parseYaml(text, 'values.yaml').documents[0]!.value as YamlMap, provenance);
    expect(Object.hasOwn(Object.prototype, 'pollutedByValues')).toBe(false);
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(JSON.parse(JSON.stringify(merged))).toEqual(
      JSON.parse('{"__proto__": {"pollutedByValues": "yes", "more": 1}, "constructor": {"name": "x"}}'),
    );
  });

  it('a valuesFrom targetPath through `__proto__` is a path of keys', () => {
    const provenance = new Provenance();
    const settings = { apiVersion: 'v1', kind: 'ConfigMap', data: { tag: '1.2.3' } };
    const values = composeReleaseValues(
      {
        valuesFrom: [
          {
            kind: 'ConfigMap',
            name: 'settings',
            valuesKey: 'tag',
            targetPath: '__proto__.pollutedByTargetPath',
          },
        ],
      },
      { id: 'HelmRelease/apps/app', namespace: 'apps', file: 'app.yaml', line: 1 },
      (kind, namespace, name) => (kind === 'ConfigMap' && name === 'settings' ? settings : undefined),
      provenance,
      [],
    );
    expect(Object.hasOwn(Object.prototype, 'pollutedByTargetPath')).toBe(false);
    expect(JSON.parse(JSON.stringify(values))).toEqual(
      JSON.parse('{"__proto__": {"pollutedByTargetPath": "1.2.3"}}'),
    );
  });
});
