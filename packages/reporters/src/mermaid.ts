import type { GateReport } from '@sluice/core';
import { STATUS_COLORS, buildDrawGraph, groupDrawClusters } from './gate-graph.js';
import type { DrawNode, GraphNodeStatus } from './gate-graph.js';
import { sanitizeText } from './sanitize-text.js';

/**
 * Escapes untrusted text for a double-quoted Mermaid label: everything but letters, digits and
 * a few harmless punctuation marks becomes a Mermaid entity code (`#34;`), so quotes, brackets,
 * backticks, `%%`, HTML and code fences cannot end the label, the statement or the block.
 */
export function escapeMermaidLabel(text: string): string {
  return [...sanitizeText(text)]
    .map((char) => (/^[A-Za-z0-9 /._:,=+-]$/.test(char) ? char : `#${char.codePointAt(0)};`))
    .join('');
}

const CLASS_NAMES: Record<GraphNodeStatus, string> = {
  pass: 'pass',
  blocked: 'blocked',
  'blocked-upstream': 'blockedUpstream',
  unknown: 'unknown',
  suspended: 'suspended',
  missing: 'missing',
  'not-scanned': 'notScanned',
};

/** Options of {@link renderMermaidGraph}. */
export interface MermaidGraphOptions {
  /**
   * Flowchart direction.
   * @default 'LR'
   */
  readonly direction?: 'LR' | 'TB';
}

/**
 * The Flux dependency graph as a Mermaid flowchart: an arrow from each object to the objects
 * that depend on it (apply order), a dotted arrow from a Kustomization to the objects it
 * creates, and each node coloured by its gate status. A report spanning several clusters draws
 * each cluster as a subgraph, its nodes labelled without the cluster part of their ids.
 */
export function renderMermaidGraph(report: GateReport, options: MermaidGraphOptions = {}): string {
  const { nodes, edges } = buildDrawGraph(report);
  const lines = [`flowchart ${options.direction ?? 'LR'}`];
  const nodeLine = (node: DrawNode, indent: string): string => {
    const status = node.status === 'not-scanned' ? '' : `<br/>${escapeMermaidLabel(node.status)}`;
    return `${indent}${node.key}["${escapeMermaidLabel(node.label)}${status}"]`;
  };
  const clusters = groupDrawClusters(nodes);
  if (clusters) {
    for (const group of clusters) {
      if (group.cluster === undefined) {
        for (const node of group.nodes) lines.push(nodeLine(node, '  '));
        continue;
      }
      lines.push(`  subgraph ${group.key}["${escapeMermaidLabel(group.cluster)}"]`);
      for (const node of group.nodes) lines.push(nodeLine(node, '    '));
      lines.push('  end');
    }
  } else {
    for (const node of nodes) lines.push(nodeLine(node, '  '));
  }
  for (const edge of edges)
    lines.push(`  ${edge.from} ${edge.kind === 'manages' ? '-.->' : '-->'} ${edge.to}`);
  const used = [...new Set(nodes.map((node) => node.status))];
  for (const status of Object.keys(CLASS_NAMES) as GraphNodeStatus[]) {
    if (!used.includes(status)) continue;
    const colors = STATUS_COLORS[status];
    const dashed = status === 'suspended' || status === 'missing' ? ',stroke-dasharray:5 5' : '';
    lines.push(
      `  classDef ${CLASS_NAMES[status]} fill:${colors.fill},stroke:${colors.stroke},color:${colors.text}${dashed}`,
    );
    lines.push(
      `  class ${nodes
        .filter((node) => node.status === status)
        .map((node) => node.key)
        .join(',')} ${CLASS_NAMES[status]}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
