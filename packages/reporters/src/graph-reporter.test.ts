import { describe, expect, it } from 'vitest';
import {
  HOSTILE,
  buildHostileReport,
  buildPassingReport,
  buildSampleReport,
} from './__fixtures__/sample-report.js';
import { escapeDotString, renderDotGraph } from './dot.js';
import { graphReporter } from './graph-reporter.js';
import { escapeMermaidLabel, renderMermaidGraph } from './mermaid.js';

// The whole Mermaid grammar the reporter may write: anything else would be an injection.
const MERMAID_LINE = [
  /^flowchart (LR|TB)$/,
  /^ {2}n\d+\["[A-Za-z0-9 /._:,=+#;-]*(<br\/>[a-z-]+)?"\]$/,
  /^ {2}n\d+ (-->|-\.->) n\d+$/,
  /^ {2}classDef [a-zA-Z]+ fill:#[0-9a-f]{6},stroke:#[0-9a-f]{6},color:#[0-9a-f]{6}(,stroke-dasharray:5 5)?$/,
  /^ {2}class n\d+(,n\d+)* [a-zA-Z]+$/,
];
// The whole DOT grammar the reporter may write; quoted strings allow only escaped quotes.
const DOT_STRING = '"(?:[^"\\\\\\n]|\\\\.)*"';
const DOT_LINE = [
  /^digraph sluice \{$/,
  /^ {2}rankdir=(LR|TB);$/,
  /^ {2}node \[shape=box, style="rounded,filled", fontname="Helvetica"\];$/,
  new RegExp(
    `^ {2}n\\d+ \\[label=${DOT_STRING}, fillcolor="#[0-9a-f]{6}", color="#[0-9a-f]{6}", fontcolor="#[0-9a-f]{6}"(, style="rounded,filled,dashed")?\\];$`,
  ),
  /^ {2}n\d+ -> n\d+( \[style=dashed, arrowhead=empty\])?;$/,
  /^\}$/,
];

function expectGrammar(text: string, grammar: readonly RegExp[]): void {
  const lines = text.trimEnd().split('\n');
  for (const line of lines)
    expect(
      grammar.some((pattern) => pattern.test(line)),
      line,
    ).toBe(true);
}

describe('graphReporter', () => {
  it('matches the golden files', async () => {
    await expect(await graphReporter().render(buildSampleReport())).toMatchFileSnapshot(
      './__fixtures__/golden/sample.mmd',
    );
    await expect(await graphReporter({ format: 'dot' }).render(buildSampleReport())).toMatchFileSnapshot(
      './__fixtures__/golden/sample.dot',
    );
  });

  it('declares its file extension per format', () => {
    expect(graphReporter().fileExtension).toBe('.mmd');
    expect(graphReporter({ format: 'dot' }).fileExtension).toBe('.dot');
  });

  it('draws every object coloured by status, dependsOn in apply order, manages dotted', () => {
    const mermaid = renderMermaidGraph(buildSampleReport());
    expect(mermaid).toContain('n2["Kustomization/flux-system/apps<br/>blocked"]');
    expect(mermaid).toContain('n3["Kustomization/flux-system/apps-extra<br/>blocked-upstream"]');
    // apps-extra dependsOn apps: apps is applied first.
    expect(mermaid).toContain('  n2 --> n3\n');
    // apps manages the podinfo HelmRelease.
    expect(mermaid).toContain('  n2 -.-> n0\n');
    expect(mermaid).toContain('class n0,n2 blocked');
    expect(mermaid).toContain('class n5 suspended');
    const dot = renderDotGraph(buildSampleReport(), { direction: 'TB' });
    expect(dot).toContain('rankdir=TB;');
    expect(dot).toContain('n2 -> n3;');
    expect(dot).toContain('n2 -> n0 [style=dashed, arrowhead=empty];');
  });

  it('draws objects without a graph, and dangling references as missing', () => {
    const { graph: _graph, ...withoutGraph } = buildSampleReport();
    const mermaid = renderMermaidGraph(withoutGraph);
    expect(mermaid).not.toContain('-->');
    expect(mermaid.match(/\["/g)).toHaveLength(7);
    expect(renderMermaidGraph(buildHostileReport())).toMatch(/-missing<br\/>missing"\]/);
    expectGrammar(renderMermaidGraph(buildPassingReport()), MERMAID_LINE);
  });

  it('keeps hostile names inside their labels (Mermaid)', () => {
    const mermaid = renderMermaidGraph(buildHostileReport());
    expectGrammar(mermaid, MERMAID_LINE);
    expect(escapeMermaidLabel('a"b]c\nd`e<f>%%g')).toBe('a#34;b#93;c d#96;e#60;f#62;#37;#37;g');
    expect(escapeMermaidLabel('é😀')).toBe('#233;#128512;');
  });

  it('keeps hostile names inside their labels (DOT)', () => {
    const dot = renderDotGraph(buildHostileReport());
    expectGrammar(dot, DOT_LINE);
    expect(escapeDotString('a"b\\c\nd')).toBe('a\\"b\\\\c d');
    expect(dot).toContain(escapeDotString(HOSTILE));
  });
});

describe('a graph drawn before any scan', () => {
  it('labels objects without a gate status and colours them neutrally', () => {
    const report = { ...buildSampleReport(), objects: [] };
    const mermaid = renderMermaidGraph(report);
    expectGrammar(mermaid, MERMAID_LINE);
    expect(mermaid).not.toMatch(/<br\/>pass/);
    expect(mermaid).toContain('classDef notScanned');
    const dot = renderDotGraph(report);
    expectGrammar(dot, DOT_LINE);
    expect(dot).not.toContain('\\npass');
  });
});
