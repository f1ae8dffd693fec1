import { renderDotGraph } from './dot.js';
import { renderMermaidGraph } from './mermaid.js';
import type { Reporter } from './reporter.js';

/** Options of {@link graphReporter}. */
export interface GraphReporterOptions {
  /**
   * `mermaid` (a `.mmd` file GitHub and many editors render) or Graphviz `dot`.
   * @default 'mermaid'
   */
  readonly format?: 'mermaid' | 'dot';
  /**
   * Layout direction: left to right, or top to bottom.
   * @default 'LR'
   */
  readonly direction?: 'LR' | 'TB';
}

/**
 * A picture of the Flux dependency graph with every Kustomization and HelmRelease coloured by
 * its gate status (pass, blocked, blocked upstream, unknown, suspended), as Mermaid or DOT.
 */
export function graphReporter(options: GraphReporterOptions = {}): Reporter {
  const format = options.format ?? 'mermaid';
  const direction = options.direction ?? 'LR';
  return format === 'dot'
    ? {
        name: 'graph',
        fileExtension: '.dot',
        mediaType: 'text/vnd.graphviz',
        render: (report) => renderDotGraph(report, { direction }),
      }
    : {
        name: 'graph',
        fileExtension: '.mmd',
        mediaType: 'text/vnd.mermaid',
        render: (report) => renderMermaidGraph(report, { direction }),
      };
}
