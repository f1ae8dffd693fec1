import { parseYaml } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { applyJsonPatch } from './json-patch.js';
import { applyImageOverride, imageMatches, splitImage, transformImages } from './images-transformer.js';
import { Provenance } from './provenance.js';
import { matchesLabelSelector, matchesSelector } from './select.js';
import { applyStrategicMerge } from './strategic-merge.js';
import type { YamlMap } from './resource.js';

function load(text: string, file: string, provenance: Provenance): YamlMap {
  const document = parseYaml(text, file).documents[0];
  if (!document) throw new Error('no document');
  provenance.register(document.value, { file, positions: document.positions });
  return document.value as YamlMap;
}

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {tier: front}
spec:
  template:
    spec:
      containers:
        - name: web
          image: nginx:1.25
        - name: sidecar
          image: busybox
`;

describe('strategic merge', () => {
  it('merges containers by name and keeps the patch position of a new value', () => {
    const provenance = new Provenance();
    const target = provenance.clone(load(DEPLOYMENT, 'base.yaml', provenance));
    const patch = load(
      'spec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.26\n',
      'patch.yaml',
      provenance,
    );
    applyStrategicMerge(target, patch, provenance);
    const containers = ((target.spec as YamlMap).template as YamlMap).spec as { containers: YamlMap[] };
    expect(containers.containers.map((container) => container.image)).toEqual(['nginx:1.26', 'busybox']);
    expect(provenance.originOf(containers.containers[0] as object, 'image')).toMatchObject({
      file: 'patch.yaml',
      line: 6,
      column: 18,
    });
    expect(provenance.originOf(containers.containers[1] as object, 'image')).toMatchObject({
      file: 'base.yaml',
      line: 13,
    });
  });

  it('deletes with null and $patch: delete, and replaces lists of custom resources', () => {
    const provenance = new Provenance();
    const target: YamlMap = {
      apiVersion: 'example.com/v1',
      kind: 'Thing',
      spec: { keep: 1, drop: 2, list: [{ name: 'a' }, { name: 'b' }] },
    };
    applyStrategicMerge(target, { spec: { drop: null, list: [{ name: 'c' }] } }, provenance);
    expect(target.spec).toEqual({ keep: 1, list: [{ name: 'c' }] });
    const deployment: YamlMap = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      spec: { template: { spec: { containers: [{ name: 'a' }, { name: 'b' }] } } },
    };
    applyStrategicMerge(
      deployment,
      { spec: { template: { spec: { containers: [{ name: 'a', $patch: 'delete' }] } } } },
      provenance,
    );
    expect(deployment.spec).toEqual({ template: { spec: { containers: [{ name: 'b' }] } } });
  });

  it('a patch applied through a target never renames its target', () => {
    const provenance = new Provenance();
    const target: YamlMap = { apiVersion: 'v1', kind: 'Kustomization', metadata: { name: 'real' }, spec: {} };
    applyStrategicMerge(
      target,
      {
        apiVersion: 'v1',
        kind: 'Kustomization',
        metadata: { name: 'not-used', labels: { a: 'b' } },
        spec: { wait: true },
      },
      provenance,
      true,
    );
    expect(target).toEqual({
      apiVersion: 'v1',
      kind: 'Kustomization',
      metadata: { name: 'real', labels: { a: 'b' } },
      spec: { wait: true },
    });
  });
});

describe('JSON 6902', () => {
  it('adds, replaces, removes, moves and copies', () => {
    const provenance = new Provenance();
    const target: YamlMap = { spec: { args: ['a'], x: 1, y: { z: 2 } } };
    const error = applyJsonPatch(
      target,
      [
        { op: 'add', path: '/spec/args/-', value: 'b' },
        { op: 'replace', path: '/spec/x', value: 3 },
        { op: 'remove', path: '/spec/args/0' },
        { op: 'copy', from: '/spec/y', path: '/spec/w' },
        { op: 'move', from: '/spec/y/z', path: '/spec/z' },
        { op: 'add', path: '/spec/a~1b', value: true },
      ],
      provenance,
    );
    expect(error).toBeUndefined();
    expect(target).toEqual({ spec: { args: ['b'], x: 3, y: {}, w: { z: 2 }, z: 2, 'a/b': true } });
  });

  it('says which operation fails', () => {
    expect(
      applyJsonPatch({ spec: {} }, [{ op: 'replace', path: '/spec/missing', value: 1 }], new Provenance()),
    ).toBe('operation 0 (replace /spec/missing): path not found');
  });
});

describe('images transformer', () => {
  it('splits and rewrites references the way kustomize does', () => {
    expect(splitImage('registry:5000/team/app:1.0@sha256:abc')).toEqual({
      name: 'registry:5000/team/app',
      tag: '1.0',
      digest: 'sha256:abc',
    });
    expect(imageMatches('nginx:1.25', 'nginx')).toBe(true);
    expect(imageMatches('docker.io/library/nginx:1.25', 'nginx')).toBe(false);
    expect(imageMatches('nginx-extra:1', 'nginx')).toBe(false);
    expect(applyImageOverride('nginx:1.25', { name: 'nginx', newName: 'ghcr.io/x/nginx' })).toBe(
      'ghcr.io/x/nginx:1.25',
    );
    expect(applyImageOverride('nginx:1.25@sha256:old', { name: 'nginx', newTag: '2' })).toBe('nginx:2');
    expect(applyImageOverride('nginx:1.25', { name: 'nginx', digest: 'sha256:new' })).toBe(
      'nginx@sha256:new',
    );
    expect(applyImageOverride('nginx', { name: 'nginx', newTag: '2', digest: 'sha256:d' })).toBe(
      'nginx:2@sha256:d',
    );
  });

  it('rewrites container images anywhere and points them at the newTag line', () => {
    const provenance = new Provenance();
    const deployment = load(DEPLOYMENT, 'base.yaml', provenance);
    const kustomization = load(
      'images:\n  - name: nginx\n    newTag: "1.27"\n',
      'kustomization.yaml',
      provenance,
    );
    const entry = (kustomization.images as YamlMap[])[0] as YamlMap;
    transformImages(
      [deployment],
      [{ override: { name: 'nginx', newTag: '1.27' }, container: entry }],
      provenance,
    );
    const container = (((deployment.spec as YamlMap).template as YamlMap).spec as { containers: YamlMap[] })
      .containers[0] as YamlMap;
    expect(container.image).toBe('nginx:1.27');
    expect(provenance.originOf(container, 'image')).toEqual({
      file: 'kustomization.yaml',
      line: 3,
      column: 14,
      raw: '1.27',
    });
  });
});

describe('patch targets', () => {
  const object: YamlMap = {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name: 'app', namespace: 'flux-system', labels: { 'components.postgres/cnpg': 'init' } },
  };
  it('matches group, kind, anchored name regexes and label selectors', () => {
    expect(matchesSelector(object, { group: 'kustomize.toolkit.fluxcd.io', kind: 'Kustomization' })).toBe(
      true,
    );
    expect(matchesSelector(object, { name: 'ap' })).toBe(false);
    expect(matchesSelector(object, { name: '(app|web)' })).toBe(true);
    expect(matchesSelector(object, { labelSelector: 'components.postgres/cnpg=init' })).toBe(true);
    expect(matchesSelector(object, { kind: 'HelmRelease' })).toBe(false);
  });
  it('evaluates set-based selectors', () => {
    expect(matchesLabelSelector({ a: 'x', b: 'y' }, 'a in (x, z),b!=z,!c')).toBe(true);
    expect(matchesLabelSelector({ a: 'x' }, 'a notin (x)')).toBe(false);
    expect(matchesLabelSelector({ a: 'x' }, 'b')).toBe(false);
  });
});
