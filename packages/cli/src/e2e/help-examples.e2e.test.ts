// Every example printed by `sluice <command> --help` runs, as printed, on the example Flux
// repository (a copy), with the stand-in trivy: no example may fail on an unknown option or a
// missing argument. A pipe's other side runs when its program is installed (jq, dot).
import { execFileSync, spawnSync } from 'node:child_process';
import { cp, mkdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { repoPath } from '@sluice/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../exit-codes.js';
import { renderCommandHelp } from '../help.js';
import { main } from '../main.js';
import { COMMANDS } from '../options.js';
import { fakeTrivyEnv, pathWithFakeTrivy, temporaryFolder } from './run-cli.js';

/** The examples of a command, as its --help prints them. */
function examplesOf(help: string): string[] {
  const lines = help.split('\n');
  const start = lines.indexOf('Examples:');
  const examples: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('  ')) break;
    examples.push(line.trim());
  }
  return examples;
}

/** Shell words of a simple command line (double or single quotes, no expansion). */
function words(command: string): string[] {
  return [...command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map(
    (match) => match[1] ?? match[2] ?? match[3] ?? '',
  );
}

function installed(program: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${program}`]).status === 0;
}

let top = '';
let env: Record<string, string> = {};
beforeAll(async () => {
  top = await temporaryFolder('sluice-help-');
  await mkdir(join(top, 'examples'));
  await cp(repoPath('examples/flux-repo'), join(top, 'examples/flux-repo'), {
    recursive: true,
    filter: (source) => !source.includes('node_modules'),
  });
  env = { ...(await fakeTrivyEnv()), PATH: pathWithFakeTrivy(), NO_COLOR: '1' };
});
afterAll(async () => {
  await rm(top, { recursive: true, force: true });
});

const EXAMPLES = COMMANDS.flatMap((command) =>
  examplesOf(renderCommandHelp(command)).map((example) => [command, example] as const),
);

describe('every --help example runs', () => {
  it('every command has examples, each a sluice command line', () => {
    expect(new Set(EXAMPLES.map(([command]) => command))).toEqual(new Set(COMMANDS));
    for (const [command, example] of EXAMPLES) expect(example.startsWith(`sluice ${command} `)).toBe(true);
  });

  it.each(EXAMPLES)(
    'sluice %s: %s',
    async (_command, example) => {
      const [sluicePart = '', ...pipeline] = example.split(' | ');
      const args = words(sluicePart).slice(1);
      // A folder named from the repository root runs there; `.` runs inside the example.
      const cwd = args.includes('examples/flux-repo') ? top : join(top, 'examples/flux-repo');
      let stdout = '';
      let stderr = '';
      const code = await main(args, {
        stdout: { write: (text: string) => (stdout += text) },
        stderr: { write: (text: string) => (stderr += text) },
        env,
        cwd,
      });
      expect(stderr).not.toMatch(/Unknown option|unknown command|Usage:/);
      // 0 or 1: it ran and decided (the example repository blocks an app on purpose).
      expect([EXIT_CODES.PASS, EXIT_CODES.BLOCKED], stderr).toContain(code);
      for (const arg of args) {
        const file = /^[a-z]+=(.+)$/.exec(arg)?.[1];
        if (file) expect((await stat(join(cwd, file))).size, file).toBeGreaterThan(0);
      }
      const output = args.indexOf('-o');
      if (output !== -1)
        expect(await readFile(join(cwd, args[output + 1] ?? ''), 'utf8')).toContain('kind: Job');
      if (args.includes('--write')) {
        expect(await readFile(join(cwd, 'clusters/production/sluice-gate.yaml'), 'utf8')).toContain(
          'sluice-gate',
        );
      }
      for (const stage of pipeline) {
        const [program = '', ...rest] = words(stage.replace(/\s*>\s*\S+$/, ''));
        if (!installed(program)) continue;
        const piped = execFileSync(program, rest, { input: stdout, encoding: 'utf8' });
        expect(piped.length).toBeGreaterThan(0);
        stdout = piped;
      }
    },
    120_000,
  );
});
