import type { GateReport } from '@sluice/core';
import { STATUS_COLORS, buildDrawGraph, groupDrawClusters } from './gate-graph.js';
import type { DrawNode } from './gate-graph.js';
import { sanitizeText } from './sanitize-text.js';

/**
 * Escapes untrusted text for a double-quoted DOT string: {@link sanitizeText} (one line, no
 * escapes or workflow commands), then backslashes and quotes escaped.
 */
export function escapeDotString(text: string): string {
  return sanitizeText(text).replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/** Options of {@link renderDotGraph}. */
export interface DotGraphOptions {
  /**
   * Graph direction (`rankdir`).
   * @default 'LR'
   */
  readonly direction?: 'LR' | 'TB';
}

/**
 * The Flux dependency graph in Graphviz DOT: the same nodes, edges and colours as the Mermaid
 * graph (a report spanning several clusters draws each as a `cluster_…` subgraph). Node
 * identifiers are generated; manifest text only appears in escaped labels.
 */
export function renderDotGraph(report: GateReport, options: DotGraphOptions = {}): string {
  const { nodes, edges } = buildDrawGraph(report);
  const lines = [
    'digraph sluice {',
    `  rankdir=${options.direction ?? 'LR'};`,
    '  node [shape=box, style="rounded,filled", fontname="Helvetica"];',
  ];
  const nodeLine = (node: DrawNode, indent: string): string => {
    const colors = STATUS_COLORS[node.status];
    const style =
      node.status === 'suspended' || node.status === 'missing' ? ', style="rounded,filled,dashed"' : '';
    return `${indent}${node.key} [label="${escapeDotString(node.label)}${node.status === 'not-scanned' ? '' : `\\n${node.status}`}", fillcolor="${colors.fill}", color="${colors.stroke}", fontcolor="${colors.text}"${style}];`;
  };
  const clusters = groupDrawClusters(nodes);
  if (clusters) {
    for (const group of clusters) {
      if (group.cluster === undefined) {
        for (const node of group.nodes) lines.push(nodeLine(node, '  '));
        continue;
      }
      // Graphviz draws a box around a subgraph whose name starts with `cluster`.
      lines.push(`  subgraph cluster_${group.key} {`, `    label="${escapeDotString(group.cluster)}";`);
      for (const node of group.nodes) lines.push(nodeLine(node, '    '));
      lines.push('  }');
    }
  } else {
    for (const node of nodes) lines.push(nodeLine(node, '  '));
  }
  for (const edge of edges) {
    lines.push(
      `  ${edge.from} -> ${edge.to}${edge.kind === 'manages' ? ' [style=dashed, arrowhead=empty]' : ''};`,
    );
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
