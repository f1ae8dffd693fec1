import type { CommandName, OptionName, OptionSpec } from './options.js';
import { COMMAND_OPTIONS, OPTIONS } from './options.js';

interface CommandHelp {
  readonly summary: string;
  readonly usage: string;
  readonly description: string;
  readonly formats?: string;
  readonly examples: readonly string[];
}

const COMMAND_HELP: Record<CommandName, CommandHelp> = {
  scan: {
    summary: 'find, scan, gate and report every image the repository deploys',
    usage: 'sluice scan [DIR] [options]',
    description: [
      'Reads DIR as Flux would (Kustomizations built, HelmRelease values read, postBuild',
      'substitution applied), scans each unique image once with Trivy, applies the policy, walks',
      'the dependsOn graph and reports which Flux objects must not be applied, and why.',
    ].join('\n'),
    formats: 'table (default on stdout), json, sarif, junit, markdown, mermaid, dot',
    examples: [
      'sluice scan .',
      'sluice scan . --cluster clusters/production --severity CRITICAL --format sarif=sluice.sarif --format table',
      'sluice scan . --server http://trivy.trivy-system:4954 --format junit=report.xml',
      'sluice scan . --trivy-reports ./trivy-reports --fail-on never --format markdown=summary.md',
    ],
  },
  images: {
    summary: 'list every image the repository deploys, with file:line:column',
    usage: 'sluice images [DIR] [options]',
    description: [
      'Lists the unique images and every place each one is written. When DIR holds Flux',
      'objects, images are grouped per Flux Kustomization and HelmRelease.',
    ].join('\n'),
    formats: 'table (default), json',
    examples: [
      'sluice images .',
      'sluice images examples/flux-repo --format json | jq ".images[].ref"',
      'sluice images . --remote-bases fetch --git-mirror https://github.com/=https://git.example.com/github/',
    ],
  },
  graph: {
    summary: 'print the Flux dependency graph and its waves',
    usage: 'sluice graph [DIR] [options]',
    description: 'Builds the dependsOn graph of the Flux Kustomizations and HelmReleases in DIR.',
    formats: 'json (default), mermaid, dot',
    examples: ['sluice graph .', 'sluice graph . --format dot | dot -Tsvg > graph.svg'],
  },
  gate: {
    summary: 'generate the in-cluster Flux gate that blocks an apply',
    usage: 'sluice gate [DIR] [options]',
    description: [
      'Writes the Flux objects that enforce the gate inside the cluster: a Kustomization with',
      'wait and force holding a ConfigMap (the images file of DIR and the policy) and a batch/v1',
      'Job whose one Sluice container runs `sluice scan --images-from` on it, in parallel, with',
      'the same verdict as `sluice scan DIR`; its timeout is sized to the images (docs/gate.md).',
      'Prints the files (or writes them to -o FILE) and the dependsOn each gated Kustomization',
      'needs. --write wires the gate in: it writes the files into DIR and adds the gate to',
      'spec.dependsOn of every gated Kustomization in its own file, in place (comments and',
      'formatting kept; --patch: through spec.patches of their parents instead); running it',
      'again changes nothing.',
    ].join('\n'),
    examples: [
      'sluice gate . --write',
      'sluice gate . --write --patch',
      'sluice gate . -o sluice-gate.yaml',
      'sluice gate . --concurrency 8 --server http://trivy.trivy-system:4954 --server-token-secret trivy-token',
      'sluice gate . --cache pvc --cache-size 10Gi --db-repository mirror.example.com/trivy-db:2',
    ],
  },
};

const EXIT_CODE_HELP = [
  'Exit codes:',
  '    0  nothing is blocked',
  '    1  something is blocked (see --fail-on)',
  '    2  bad usage, configuration or input (a missing folder, or one with nothing to gate)',
  '    3  the scanner could not run (trivy missing: install it, or use --server or --trivy-reports)',
  '  141  the output was closed before sluice finished (sluice … | head), as git and coreutils do',
].join('\n');

/** The top-level `sluice --help` text. */
export function renderMainHelp(): string {
  const width = Math.max(...Object.keys(COMMAND_HELP).map((name) => name.length));
  return [
    'sluice: keep vulnerable container images out of Flux-managed clusters',
    '',
    'Usage: sluice <command> [DIR] [options]',
    '',
    'Commands:',
    ...Object.entries(COMMAND_HELP).map(([name, help]) => `  ${name.padEnd(width)}  ${help.summary}`),
    '',
    'Global options:',
    ...renderOptions(['config', 'quiet', 'help', 'version']),
    '',
    'Run `sluice <command> --help` for the options and examples of a command.',
    '',
    EXIT_CODE_HELP,
    '',
  ].join('\n');
}

/** The `sluice <command> --help` text. */
export function renderCommandHelp(command: CommandName): string {
  const help = COMMAND_HELP[command];
  return [
    `Usage: ${help.usage}`,
    '',
    help.description,
    '',
    'Options:',
    ...renderOptions([...COMMAND_OPTIONS[command], 'config', 'quiet', 'help']),
    ...(help.formats ? ['', `Formats: ${help.formats}`] : []),
    '',
    'Examples:',
    ...help.examples.map((example) => `  ${example}`),
    ...(command === 'scan' ? ['', EXIT_CODE_HELP] : []),
    '',
  ].join('\n');
}

function renderOptions(names: readonly OptionName[]): string[] {
  const labels = names.map((name) => {
    const spec: OptionSpec = OPTIONS[name];
    const short = spec.short ? `-${spec.short}, ` : '    ';
    return `${short}--${name}${spec.value ? ` ${spec.value}` : ''}`;
  });
  const width = Math.max(...labels.map((label) => label.length));
  return names.map((name, index) => `  ${labels[index]?.padEnd(width)}  ${OPTIONS[name].help}`);
}
