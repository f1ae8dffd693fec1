// Names, paths and scanner messages are attacker-controlled text. Every human-readable output of
// the CLI must show them without terminal escape sequences and without running a GitHub workflow
// command in the CI log; machine formats keep the exact values. Red-team cases of issue #16, one
// per test. docs/reliability.md, section 7.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import type { CliRun } from '../support/cli.js';
import { createTrivySandbox, FAKE_TRIVY } from '../support/fake-trivy.js';
import type { TrivySandbox } from '../support/fake-trivy.js';
import { createTempRepo } from '../support/temp-repo.js';
import type { TempRepo } from '../support/temp-repo.js';

const OSC8 = '\u001b]8;;https://evil.example/\u0007click here\u001b]8;;\u001b\\';
const CLEAR = '\u001b[2J\u001b[H';
// YAML double-quoted escapes, so the manifests hold the raw characters once parsed.
const yamlText = (text: string): string => JSON.stringify(text);

const DEPLOYMENT_NAME = `web${OSC8}`;
const CONTAINER_NAME = '::add-mask::ghp_notreallyasecret';
const NAMESPACE = '##[stop-commands]pwn';
const KUSTOMIZATION_NAME = `${CLEAR}apps\u202e`;

function hostileRepository(): Record<string, string> {
  const deployment = [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: ${yamlText(DEPLOYMENT_NAME)}`,
    `  namespace: ${yamlText(NAMESPACE)}`,
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    `        - name: ${yamlText(CONTAINER_NAME)}`,
    '          image: alpine:3.9',
    '',
  ].join('\n');
  const kustomization = [
    'apiVersion: kustomize.toolkit.fluxcd.io/v1',
    'kind: Kustomization',
    'metadata:',
    `  name: ${yamlText(KUSTOMIZATION_NAME)}`,
    '  namespace: flux-system',
    'spec:',
    '  interval: 10m',
    '  path: ./apps',
    '  prune: true',
    '  sourceRef:',
    '    kind: GitRepository',
    '    name: flux-system',
    '',
  ].join('\n');
  return {
    'clusters/dev/apps.yaml': kustomization,
    'apps/web.yaml': deployment,
    // A file name that breaks a line and starts a workflow command.
    'apps/x\n::set-output name=verdict::pass.yaml': deployment.replace(/name: "web[^\n]*/, 'name: second'),
  };
}

// What GitHub Actions would run from a line of a job's log (actions/runner ActionCommand).
const WORKFLOW_COMMAND = /^\s*::|##\[|##vso\[/m;
// Raw characters a terminal acts on or shows misleadingly.
// eslint-disable-next-line no-control-regex
const TERMINAL_UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function expectHarmless(run: CliRun, what: string): void {
  for (const [stream, text] of [
    ['stdout', run.stdout],
    ['stderr', run.stderr],
  ] as const) {
    expect(text, `${what} ${stream}`).not.toMatch(WORKFLOW_COMMAND);
    expect(text, `${what} ${stream}`).not.toMatch(TERMINAL_UNSAFE);
  }
}

let sandbox: TrivySandbox;
let repo: TempRepo;
beforeAll(async () => {
  sandbox = await createTrivySandbox({ 'alpine:3.9': 'alpine-39.json.golden' });
  repo = await createTempRepo(hostileRepository());
});
afterAll(async () => {
  await Promise.all([sandbox.cleanup(), repo.cleanup()]);
});

const cli = (...args: string[]): Promise<CliRun> => runCli(args, sandbox.env(), repo.root);

describe('hostile names and paths in human-readable output', () => {
  it(
    'sluice images (table) shows the objects, stripped, without workflow commands',
    { timeout: 90_000 },
    async () => {
      const run = await cli('images', '.');
      expect(run.code, run.stderr).toBe(0);
      expectHarmless(run, 'images');
      expect(run.stdout).toContain('Deployment/# #[stop-commands]pwn/webclick here');
      expect(run.stdout).toContain('container : :add-mask::ghp_notreallyasecret');
    },
  );

  it('sluice graph --format dot and mermaid', { timeout: 90_000 }, async () => {
    for (const format of ['dot', 'mermaid']) {
      const run = await cli('graph', '.', '--format', format);
      expect(run.code, run.stderr).toBe(0);
      expectHarmless(run, `graph ${format}`);
    }
  });

  it('sluice scan: the table on stdout and the progress on stderr', { timeout: 90_000 }, async () => {
    const run = await cli('scan', '.', '--no-cache', '--format', 'table');
    expect(run.code, run.stderr).toBe(1);
    expectHarmless(run, 'scan table');
  });

  it(
    'sluice scan --format markdown: no workflow command, autolink or mention',
    { timeout: 90_000 },
    async () => {
      const run = await cli('scan', '.', '--no-cache', '--quiet', '--format', 'markdown');
      expect(run.code, run.stderr).toBe(1);
      expectHarmless(run, 'scan markdown');
      expect(run.stdout).not.toMatch(/https:\/\/evil/);
    },
  );

  it('sluice gate: the generated files on stdout and the notes on stderr', { timeout: 90_000 }, async () => {
    const run = await cli('gate', '.');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('kind: Kustomization');
    expectHarmless(run, 'gate');
  });
});

describe('machine formats keep exact values, escaped', () => {
  it(
    'sluice images --format json: the exact names, with no raw ##[ or C1 control',
    { timeout: 90_000 },
    async () => {
      const run = await cli('images', '.', '--format', 'json');
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).not.toMatch(/##\[/);
      expect(run.stdout).not.toMatch(TERMINAL_UNSAFE);
      const names = JSON.stringify(JSON.parse(run.stdout));
      for (const exact of [DEPLOYMENT_NAME, CONTAINER_NAME, NAMESPACE])
        expect(names).toContain(JSON.stringify(exact).slice(1, -1));
    },
  );

  it('sluice scan --format json and junit on stdout', { timeout: 90_000 }, async () => {
    const json = await cli('scan', '.', '--no-cache', '--quiet', '--format', 'json');
    expect(json.stdout).not.toMatch(WORKFLOW_COMMAND);
    const report = JSON.parse(json.stdout) as {
      images: { locations: { container?: string; namespace?: string }[] }[];
    };
    expect(
      report.images[0]?.locations.map((location) => [location.container, location.namespace]),
    ).toContainEqual([CONTAINER_NAME, NAMESPACE]);
    const junit = await cli('scan', '.', '--no-cache', '--quiet', '--format', 'junit');
    expect(junit.stdout).not.toMatch(WORKFLOW_COMMAND);
  });
});

describe("a registry's error message", () => {
  it('reaches stderr and the reports without escapes or workflow commands', { timeout: 90_000 }, async () => {
    // A registry (or a trivy wrapper) that answers with hostile text: Trivy prints it in its error.
    const hostile = join(sandbox.dir, 'hostile-trivy.mjs');
    await writeFile(
      hostile,
      [
        '#!/usr/bin/env node',
        "import { spawnSync } from 'node:child_process';",
        'const argv = process.argv.slice(2);',
        "if (!argv.includes('image') || argv.includes('--download-db-only')) {",
        `  process.exit(spawnSync(${JSON.stringify(process.execPath)}, [${JSON.stringify(FAKE_TRIVY)}, ...argv], { stdio: 'inherit' }).status ?? 1);`,
        '}',
        `process.stderr.write('FATAL\\tFatal error\\timage scan error: UNAUTHORIZED: ${'\\u001b[2J'}\\n::add-mask::x\\n##[error]pwned ${'\\u001b]8;;https://evil/\\u0007'}login\\n');`,
        'process.exit(1);',
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    const run = await cli('scan', '.', '--no-cache', '--trivy-path', hostile, '--format', 'table');
    expect(run.code, run.stderr).toBe(1);
    expectHarmless(run, 'scan with a hostile registry message');
    expect(run.stderr).toContain('unauthorized');
  });
});
