import type { GateReport } from '@sluice/core';
import { STATUS_COLORS, buildDrawGraph } from './gate-graph.js';
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
 * graph. Node identifiers are generated; manifest text only appears in escaped labels.
 */
export function renderDotGraph(report: GateReport, options: DotGraphOptions = {}): string {
  const { nodes, edges } = buildDrawGraph(report);
  const lines = [
    'digraph sluice {',
    `  rankdir=${options.direction ?? 'LR'};`,
    '  node [shape=box, style="rounded,filled", fontname="Helvetica"];',
  ];
  for (const node of nodes) {
    const colors = STATUS_COLORS[node.status];
    const style =
      node.status === 'suspended' || node.status === 'missing' ? ', style="rounded,filled,dashed"' : '';
    lines.push(
      `  ${node.key} [label="${escapeDotString(node.id)}${node.status === 'not-scanned' ? '' : `\\n${node.status}`}", fillcolor="${colors.fill}", color="${colors.stroke}", fontcolor="${colors.text}"${style}];`,
    );
  }
  for (const edge of edges) {
    lines.push(
      `  ${edge.from} -> ${edge.to}${edge.kind === 'manages' ? ' [style=dashed, arrowhead=empty]' : ''};`,
    );
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
