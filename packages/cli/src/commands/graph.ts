import type { GateReport } from '@sluice/core';
import { buildDependencyGraph, toDependencyGraph } from '@sluice/flux-adapter';
import { escapeJsonForTerminal } from '@sluice/core';
import { renderDotGraph, renderMermaidGraph } from '@sluice/reporters';
import type { FluxDependencyGraph } from '@sluice/flux-adapter';

import { loadConfig } from '../config.js';
import { EXIT_CODES } from '../exit-codes.js';
import { inspectRepository } from '../inspect-repository.js';
import type { CliContext } from '../io.js';
import type { CommandLine } from '../options.js';
import { listOption, stringOption } from '../options.js';
import { parseFormatTargets, writeOutput } from '../output.js';

/** `sluice graph`: the Flux dependency graph as JSON, Mermaid or DOT. */
export async function runGraph(commandLine: CommandLine, context: CliContext): Promise<number> {
  const [target] = parseFormatTargets(
    listOption(commandLine.values, 'format'),
    ['json', 'mermaid', 'dot'],
    'json',
  );
  const config = await loadConfig(stringOption(commandLine.values, 'config'), commandLine.dir, context.cwd);
  const inventory = await inspectRepository(commandLine, config, context);
  const graph = buildDependencyGraph(inventory.workloads);
  const text =
    target?.name === 'json' || target === undefined
      ? `${escapeJsonForTerminal(JSON.stringify(toGraphJson(graph), null, 2))}\n`
      : renderPicture(graph, target.name === 'dot' ? 'dot' : 'mermaid');
  await writeOutput(text, target?.file ?? stringOption(commandLine.values, 'output'), context);
  return EXIT_CODES.PASS;
}

/** The JSON of `sluice graph`: nodes with their edges and images, waves, cycles, diagnostics. */
export function toGraphJson(graph: FluxDependencyGraph): object {
  return {
    nodes: graph.nodes.map((node) => ({
      id: node.id,
      ...(node.cluster === undefined ? {} : { cluster: node.cluster }),
      file: node.file,
      line: node.line,
      dependsOn: node.dependsOn,
      manages: node.manages,
      images: node.images,
      ...(node.suspended ? { suspended: true } : {}),
    })),
    waves: graph.waves,
    cycles: graph.cycles,
    unscheduled: graph.unscheduled,
    diagnostics: graph.diagnostics,
  };
}

/** The graph as a picture, before any scan: objects carry no gate status yet. */
function renderPicture(graph: FluxDependencyGraph, format: 'mermaid' | 'dot'): string {
  const report: GateReport = {
    schemaVersion: 1,
    tool: { name: 'sluice', version: '' },
    policy: { severities: [], ignoreUnfixed: false, onScanError: 'block' },
    verdict: 'pass',
    images: [],
    objects: [],
    graph: toDependencyGraph(graph),
    diagnostics: graph.diagnostics,
  };
  return format === 'dot' ? renderDotGraph(report) : renderMermaidGraph(report);
}
