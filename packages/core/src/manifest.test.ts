import { describe, expect, it } from 'vitest';
import { parseManifests } from './manifest.js';
import { findTemplateLine } from './template-detection.js';

describe('parseManifests', () => {
  it('keeps Kubernetes objects and counts the rest with one info per file', () => {
    const text =
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: apps}\n---\n# only a comment\n---\nfoo: bar\n---\n- a\n- b\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: apps}\n';
    const { documents, diagnostics, stats } = parseManifests(text, 'x.yaml');
    expect(documents.map((d) => [d.kind, d.name, d.namespace, d.index, d.line])).toEqual([
      ['Namespace', 'apps', undefined, 0, 1],
      ['ConfigMap', 'c', 'apps', 4, 12],
    ]);
    expect(diagnostics).toEqual([
      {
        file: 'x.yaml',
        line: 7,
        severity: 'info',
        code: 'not-kubernetes',
        message: '2 documents without apiVersion and kind skipped (not Kubernetes objects)',
      },
    ]);
    expect(stats).toMatchObject({
      files: 1,
      documents: 2,
      emptyDocuments: 1,
      skippedNonKubernetes: 2,
      skippedTemplates: 0,
    });
  });

  it('skips a Helm template with a helm-template warning at the template line', () => {
    const text =
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels:\n    {{- include "x.labels" . | nindent 4 }}\n';
    const { documents, diagnostics, stats } = parseManifests(text, 'templates/web.yaml');
    expect(documents).toEqual([]);
    expect(diagnostics).toMatchObject([
      { code: 'helm-template', severity: 'warning', line: 6, file: 'templates/web.yaml' },
    ]);
    expect(stats).toMatchObject({ skippedTemplates: 1, files: 0 });
  });

  it('reads values with unknown local tags instead of failing', () => {
    const { documents, diagnostics } = parseManifests(
      'apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData:\n  key: !env_var API_KEY\n',
      's.yaml',
    );
    expect(diagnostics).toEqual([]);
    expect(documents[0]!.object.stringData).toEqual({ key: 'API_KEY' });
  });
});

describe('findTemplateLine', () => {
  it.each([
    ['{{- if .Values.enabled }}\napiVersion: v1\n{{- end }}\n', 1],
    ['metadata:\n  name: {{ .Release.Name }}\n', 2],
    ['containers:\n  - {{ toYaml .Values.c }}\n', 2],
    ['a: 1\n  {{ include "x" . }}\n', 2],
  ])('finds the template action in %j', (text, line) => {
    expect(findTemplateLine(text)).toBe(line);
  });

  it.each([
    'kind: PrometheusRule\nspec:\n  groups:\n    - rules:\n        - annotations:\n            description: |\n              {{ $labels.instance }} is down\n              {{ $value }}\n          expr: up == 0\n',
    'data:\n  template: >-\n    {{ range .Alerts }}{{ .Labels }}{{ end }}\n',
    'metadata:\n  name: "{{ quoted }}"\n',
    "data:\n  a: 'x {{ y }}'\n",
    '# {{ a comment }}\nkind: X\n',
    'no templates here\n',
  ])('leaves template text inside strings alone: %j', (text) => {
    expect(findTemplateLine(text)).toBeUndefined();
  });
});
