// Reports of a repository with several clusters: ids carry the cluster, objects and graph nodes
// their `cluster`; each format shows the clusters apart.
import type { GateReport } from '@sluice/core';
import { GateReport as GateReportSchema } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { renderDotGraph } from './dot.js';
import { NO_CLUSTER_SUITE, renderJunit } from './junit-reporter.js';
import { renderMarkdown } from './markdown-reporter.js';
import { renderMermaidGraph } from './mermaid.js';
import { buildSarifLog } from './sarif-reporter.js';

const PROD = 'clusters/production';
const STAGING = 'clusters/staging';
const id = (cluster: string, name: string): string => `${cluster}:Kustomization/flux-system/${name}`;

function buildMultiClusterReport(): GateReport {
  const location = (cluster: string): GateReport['images'][number]['locations'][number] => ({
    file: 'apps/base/web.yaml',
    line: 12,
    column: 18,
    raw: 'nginx:1.21.0',
    kind: 'Deployment',
    namespace: 'web',
    name: 'web',
    container: 'web',
    fluxObjects: [id(cluster, 'apps')],
  });
  return GateReportSchema.parse({
    schemaVersion: 1,
    tool: { name: 'sluice', version: '0.0.0' },
    policy: { severities: ['CRITICAL', 'HIGH'], ignoreUnfixed: false, onScanError: 'block' },
    verdict: 'blocked',
    images: [
      {
        ref: 'docker.io/library/nginx:1.21.0',
        locations: [location(PROD), location(STAGING)],
        outcome: 'ok',
        findings: [],
        verdict: 'fail',
        reasons: ['1 CRITICAL finding fails the policy.'],
      },
    ],
    objects: [
      {
        id: 'Kustomization/flux-system/stray',
        status: 'unknown',
        reasons: ['not deployed'],
        file: 'stray.yaml',
        line: 1,
      },
      {
        id: id(PROD, 'apps'),
        cluster: PROD,
        status: 'blocked',
        reasons: ['fails'],
        images: ['docker.io/library/nginx:1.21.0'],
        file: 'clusters/production/apps.yaml',
        line: 1,
      },
      {
        id: id(PROD, 'flux-system'),
        cluster: PROD,
        status: 'pass',
        reasons: ['ok'],
        file: 'clusters/production',
        line: 1,
      },
      {
        id: id(STAGING, 'apps'),
        cluster: STAGING,
        status: 'blocked',
        reasons: ['fails'],
        images: ['docker.io/library/nginx:1.21.0'],
        file: 'clusters/staging/apps.yaml',
        line: 1,
      },
      {
        id: id(STAGING, 'flux-system'),
        cluster: STAGING,
        status: 'pass',
        reasons: ['ok'],
        file: 'clusters/staging',
        line: 1,
      },
    ],
    graph: {
      nodes: [
        { id: 'Kustomization/flux-system/stray', dependsOn: [], manages: [], images: [] },
        {
          id: id(PROD, 'apps'),
          cluster: PROD,
          dependsOn: [],
          manages: [],
          images: ['docker.io/library/nginx:1.21.0'],
        },
        {
          id: id(PROD, 'flux-system'),
          cluster: PROD,
          dependsOn: [],
          manages: [id(PROD, 'apps')],
          images: [],
        },
        {
          id: id(STAGING, 'apps'),
          cluster: STAGING,
          dependsOn: [],
          manages: [],
          images: ['docker.io/library/nginx:1.21.0'],
        },
        {
          id: id(STAGING, 'flux-system'),
          cluster: STAGING,
          dependsOn: [],
          manages: [id(STAGING, 'apps')],
          images: [],
        },
      ],
      waves: [],
    },
    diagnostics: [],
  });
}

describe('a report spanning several clusters', () => {
  it('draws one Mermaid subgraph per cluster, nodes named without the cluster part', () => {
    const mermaid = renderMermaidGraph(buildMultiClusterReport());
    expect(mermaid).toContain(
      [
        '  subgraph c0["clusters/production"]',
        '    n1["Kustomization/flux-system/apps<br/>blocked"]',
        '    n2["Kustomization/flux-system/flux-system<br/>pass"]',
        '  end',
        '  subgraph c1["clusters/staging"]',
        '    n3["Kustomization/flux-system/apps<br/>blocked"]',
        '    n4["Kustomization/flux-system/flux-system<br/>pass"]',
        '  end',
        '  n0["Kustomization/flux-system/stray<br/>unknown"]',
      ].join('\n'),
    );
    expect(mermaid).toContain('  n2 -.-> n1\n  n4 -.-> n3\n');
  });

  it('draws one DOT cluster box per cluster', () => {
    const dot = renderDotGraph(buildMultiClusterReport());
    expect(dot).toContain(
      '  subgraph cluster_c0 {\n    label="clusters/production";\n    n1 [label="Kustomization/flux-system/apps\\nblocked"',
    );
    expect(dot).toContain('  subgraph cluster_c1 {\n    label="clusters/staging";');
    expect(dot.match(/subgraph/g)).toHaveLength(2);
  });

  it('writes one JUnit testsuite per cluster, testcases named by object', () => {
    const xml = renderJunit(buildMultiClusterReport());
    const suites = [...xml.matchAll(/<testsuite name="([^"]*)"/g)].map((match) => match[1]);
    expect(suites).toEqual([PROD, STAGING, NO_CLUSTER_SUITE]);
    expect(xml).toContain(
      `<testcase name="Kustomization/flux-system/apps: docker.io/library/nginx:1.21.0" classname="${id(STAGING, 'apps')}" file="apps/base/web.yaml" line="12"`,
    );
    expect(xml).toContain(
      `<testcase name="Kustomization/flux-system/apps: Flux gate" classname="${id(PROD, 'apps')}"`,
    );
  });

  it('puts the cluster in a Markdown column and in SARIF result properties', async () => {
    const markdown = renderMarkdown(buildMultiClusterReport());
    expect(markdown).toContain('| Cluster | Flux object | Status | Why |');
    expect(markdown).toContain(
      '| clusters/staging | Kustomization/flux-system/apps (clusters/staging/apps.yaml:1) | ⛔ blocked | fails |',
    );
    const sarif = buildSarifLog(buildMultiClusterReport());
    const objects = (sarif.runs[0]?.results ?? []).flatMap((result) =>
      result.properties && 'object' in result.properties ? [result.properties] : [],
    );
    expect(objects).toContainEqual({ object: id(STAGING, 'apps'), status: 'blocked', cluster: STAGING });
  });
});

describe('a hostile cluster name', () => {
  it('stays inside the subgraph label', () => {
    const hostile = 'clusters/x"]\nend\n%%{init}%%<script>';
    const base = buildMultiClusterReport();
    const rename = <T extends { id: string; cluster?: string }>(item: T): T =>
      item.cluster === STAGING ? { ...item, id: item.id.replace(STAGING, hostile), cluster: hostile } : item;
    const report: GateReport = {
      ...base,
      objects: base.objects.map(rename),
      graph: { nodes: base.graph!.nodes.map(rename), waves: [] },
    };
    const mermaid = renderMermaidGraph(report);
    const subgraphs = mermaid.split('\n').filter((line) => line.includes('subgraph'));
    expect(subgraphs).toHaveLength(2);
    for (const line of subgraphs) expect(line).toMatch(/^ {2}subgraph c\d+\["[A-Za-z0-9 /._:,=+#;-]*"\]$/);
    expect(mermaid.split('\n').filter((line) => line.trim() === 'end')).toHaveLength(2);
    const dot = renderDotGraph(report);
    expect(dot).toContain('label="clusters/x\\"] end %%{init}%%<script>";');
  });
});
