import { parseYaml } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { addDependsOn, addPatches, type AddDependsOnResult } from './add-depends-on.js';

const GATE = { name: 'sluice-gate', namespace: 'flux-system' };
const APPS = { name: 'apps', namespace: 'flux-system', line: 1 };

function added(result: AddDependsOnResult): string {
  if (result.status !== 'added') throw new Error(`expected an edit, got ${JSON.stringify(result)}`);
  return result.text;
}

/** The parsed `spec.dependsOn` of the document named `name`. */
function dependsOnOf(text: string, name: string): unknown {
  const document = parseYaml(text, 'x.yaml').documents.find(
    (item) => (item.value as { metadata?: { name?: string } }).metadata?.name === name,
  );
  return (document?.value as { spec: { dependsOn?: unknown } }).spec.dependsOn;
}

const kustomization = (name: string, spec: string[]): string =>
  [
    'apiVersion: kustomize.toolkit.fluxcd.io/v1',
    'kind: Kustomization',
    'metadata:',
    `  name: ${name}`,
    '  namespace: flux-system',
    'spec:',
    ...spec,
    '',
  ].join('\n');

describe('addDependsOn', () => {
  it('appends a line to a block list, keeping comments and every other byte', () => {
    const text = kustomization('apps', [
      '  # The apps wait for the infrastructure.',
      '  dependsOn:',
      '    - name: infra-configs # configs first',
      '      namespace: flux-system',
      '',
      '  # Sync every 10 minutes.',
      '  interval: 10m',
      "  path: './apps'",
    ]);
    const edited = added(addDependsOn(text, 'apps.yaml', APPS, GATE));
    expect(edited).toBe(
      text.replace(
        '      namespace: flux-system\n',
        '      namespace: flux-system\n    - name: sluice-gate\n',
      ),
    );
    expect(dependsOnOf(edited, 'apps')).toEqual([
      { name: 'infra-configs', namespace: 'flux-system' },
      { name: 'sluice-gate' },
    ]);
    // Running twice changes nothing.
    expect(addDependsOn(edited, 'apps.yaml', APPS, GATE)).toEqual({ status: 'present' });
  });

  it('adds dependsOn first in spec when there is none, at the indentation of the file', () => {
    const text = kustomization('apps', ['    interval: 10m', '    path: ./apps']);
    const edited = added(addDependsOn(text, 'apps.yaml', APPS, GATE));
    expect(edited).toBe(text.replace('spec:\n', 'spec:\n    dependsOn:\n      - name: sluice-gate\n'));
    expect(dependsOnOf(edited, 'apps')).toEqual([{ name: 'sluice-gate' }]);
  });

  it('adds an item to a flow list, and the namespace when the gate is in another one', () => {
    const text = kustomization('apps', ['  dependsOn: [{name: infra}]', '  interval: 10m']);
    const other = { name: 'sluice-gate', namespace: 'security' };
    const edited = added(addDependsOn(text, 'apps.yaml', APPS, other));
    expect(edited).toBe(
      text.replace('[{name: infra}]', '[{name: infra}, {name: sluice-gate, namespace: security}]'),
    );
    const empty = kustomization('apps', ['  dependsOn: []']);
    expect(dependsOnOf(added(addDependsOn(empty, 'apps.yaml', APPS, GATE)), 'apps')).toEqual([
      { name: 'sluice-gate' },
    ]);
  });

  it('edits only the named document of a multi-document file', () => {
    const first = kustomization('infra', ['  interval: 1h']);
    const second = kustomization('apps', ['  dependsOn:', '  - name: infra', '  interval: 10m']);
    const text = `${first}---\n${second}`;
    const edited = added(addDependsOn(text, 'all.yaml', { ...APPS, line: 9 }, GATE));
    expect(edited.startsWith(`${first}---\n`)).toBe(true);
    expect(dependsOnOf(edited, 'apps')).toEqual([{ name: 'infra' }, { name: 'sluice-gate' }]);
    expect(dependsOnOf(edited, 'infra')).toBeUndefined();
    // A list at the key's own indentation (`- ` under `dependsOn:`) keeps it.
    expect(edited).toContain('  - name: infra\n  - name: sluice-gate\n  interval: 10m');
  });

  it('an entry naming the gate without namespace counts as present in the same namespace', () => {
    const text = kustomization('apps', ['  dependsOn:', '    - name: sluice-gate']);
    expect(addDependsOn(text, 'apps.yaml', APPS, GATE)).toEqual({ status: 'present' });
    const elsewhere = { name: 'sluice-gate', namespace: 'security' };
    expect(dependsOnOf(added(addDependsOn(text, 'apps.yaml', APPS, elsewhere)), 'apps')).toEqual([
      { name: 'sluice-gate' },
      { name: 'sluice-gate', namespace: 'security' },
    ]);
  });

  it('keeps CRLF line ends', () => {
    const text = kustomization('apps', ['  dependsOn:', '    - name: infra', '  interval: 10m']).replace(
      /\n/g,
      '\r\n',
    );
    const edited = added(addDependsOn(text, 'apps.yaml', APPS, GATE));
    expect(edited).toBe(text.replace('- name: infra\r\n', '- name: infra\r\n    - name: sluice-gate\r\n'));
  });

  it('refuses what it cannot edit exactly, with the reason', () => {
    expect(addDependsOn(kustomization('other', ['  interval: 1m']), 'a.yaml', APPS, GATE)).toEqual({
      status: 'refused',
      reason: 'no Flux Kustomization apps found in a.yaml',
    });
    const flow =
      'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: apps}\nspec: {interval: 1m}\n';
    expect(addDependsOn(flow, 'a.yaml', APPS, GATE)).toEqual({
      status: 'refused',
      reason: 'a.yaml: spec is written as a flow map',
    });
    expect(addDependsOn(kustomization('apps', ['  dependsOn: infra']), 'a.yaml', APPS, GATE)).toMatchObject({
      status: 'refused',
      reason: 'a.yaml: spec.dependsOn is not a list',
    });
  });
});

describe('addPatches', () => {
  const patch = {
    target: { group: 'kustomize.toolkit.fluxcd.io', kind: 'Kustomization', name: 'web|api' },
    patch: '- op: add\n  path: /spec/dependsOn/-\n  value: {name: sluice-gate}\n',
  };

  it('appends to an existing block list, keeps it, and adds nothing the second time', () => {
    const text = kustomization('apps', [
      '  patches:',
      '    - patch: |-',
      '        - op: remove',
      '          path: /spec/wait',
      '      target: {kind: Kustomization}',
      '  interval: 10m',
    ]);
    const edited = added(addPatches(text, 'apps.yaml', APPS, [patch]));
    const spec = (
      parseYaml(edited, 'apps.yaml').documents[0]?.value as { spec: { patches: unknown[]; interval: string } }
    ).spec;
    expect(spec.interval).toBe('10m');
    expect(spec.patches).toEqual([
      { patch: '- op: remove\n  path: /spec/wait', target: { kind: 'Kustomization' } },
      { target: patch.target, patch: patch.patch },
    ]);
    expect(edited.startsWith(text.slice(0, text.indexOf('  interval: 10m')))).toBe(true);
    expect(addPatches(edited, 'apps.yaml', APPS, [patch])).toEqual({ status: 'present' });
  });

  it('adds patches first in spec when there are none', () => {
    const text = kustomization('apps', ['  interval: 10m']);
    const edited = added(addPatches(text, 'apps.yaml', APPS, [patch]));
    expect(edited).toContain(
      'spec:\n  patches:\n    - target:\n        group: kustomize.toolkit.fluxcd.io\n',
    );
    expect(
      (parseYaml(edited, 'a').documents[0]?.value as { spec: { patches: unknown[] } }).spec.patches,
    ).toEqual([{ target: patch.target, patch: patch.patch }]);
  });
});
