// action.yml: what GitHub would run, checked without GitHub. Inputs reach the shell steps only
// through `env:` (an `${{ inputs.x }}` inside `run:` is pasted into the script before bash reads
// it: script injection), and the scan step's script (distribution/action-scan.sh) is run for
// real on the example repository, with the stand-in trivy, as the runner would run it.
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { repoPath } from '@sluice/test-utils';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface Step {
  name: string;
  id?: string;
  if?: string;
  shell?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
interface Action {
  inputs: Record<string, { description: string; default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

const actionText = await readFile(repoPath('action.yml'), 'utf8');
const action = yaml.load(actionText) as Action;
const steps = action.runs.steps;
const step = (name: string): Step => {
  const found = steps.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`action.yml has no step "${name}"`);
  return found;
};
const cliVersion = (
  JSON.parse(await readFile(repoPath('packages/cli/package.json'), 'utf8')) as { version: string }
).version;

describe('action.yml', () => {
  it('is a composite action with the inputs a user sets', () => {
    expect(action.runs.using).toBe('composite');
    expect(Object.keys(action.inputs)).toEqual(
      expect.arrayContaining(['path', 'severity', 'formats', 'sarif-upload', 'job-summary']),
    );
    expect(action.inputs['sluice-version']?.default).toBe(cliVersion);
    for (const [name, input] of Object.entries(action.inputs)) {
      expect(input.description, name).not.toBe('');
      // Every input is used, and only through an expression GitHub evaluates (env, if, with).
      expect(actionText, name).toContain(`inputs.${name}`);
    }
  });

  it('never writes an expression into a script: every run step reads inputs and outputs through env', () => {
    const runSteps = steps.filter((candidate) => candidate.run !== undefined);
    expect(runSteps.length).toBeGreaterThanOrEqual(4);
    for (const candidate of runSteps) {
      expect(candidate.run, candidate.name).not.toContain('${{');
      expect(candidate.shell, candidate.name).toBe('bash');
    }
  });

  it('passes the scan step exactly the SLUICE_* variables its script reads', async () => {
    const script = await readFile(repoPath('distribution/action-scan.sh'), 'utf8');
    const read = new Set([...script.matchAll(/\$\{(SLUICE_\w+)/g)].map((match) => match[1]));
    expect(new Set(Object.keys(step('Scan and gate').env ?? {}))).toEqual(read);
    expect(step('Scan and gate').run).toBe('bash "$GITHUB_ACTION_PATH/distribution/action-scan.sh"');
    expect(step('Install trivy and helm (pinned, checksums checked)').run).toContain(
      'node "$GITHUB_ACTION_PATH/distribution/install-tools.mjs" --dest "$RUNNER_TEMP/sluice-tools"',
    );
  });

  it("uploads the scan's SARIF when a report was written, and fails the job last", () => {
    const upload = step('Upload SARIF to code scanning');
    expect(upload.uses).toMatch(/^github\/codeql-action\/upload-sarif@/);
    expect(upload.with?.sarif_file).toBe('${{ steps.scan.outputs.sarif-file }}');
    expect(upload.if).toContain("inputs.sarif-upload == 'true'");
    expect(upload.if).toMatch(/^always\(\)/);
    expect(step('Job summary').if).toMatch(/^always\(\) && inputs.job-summary == 'true'/);
    expect(steps.at(-1)?.name).toBe('Fail when sluice did');
  });
});

describe('the action, run as the runner runs it', () => {
  let work: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'sluice-action-'));
    // `sluice` on PATH is this checkout's CLI (from source, as `pnpm sluice` runs it).
    const bin = join(work, 'bin');
    await mkdir(bin);
    await writeFile(
      join(bin, 'sluice'),
      `#!/bin/sh\nexec "${process.execPath}" --import "${repoPath('node_modules/tsx/dist/loader.mjs')}" --conditions=source "${repoPath('packages/cli/src/bin.ts')}" "$@"\n`,
    );
    await chmod(join(bin, 'sluice'), 0o755);
    const images = join(work, 'images.json');
    await writeFile(
      images,
      JSON.stringify({
        'ghcr.io/aquasecurity/trivy-test-images:alpine-39': 'alpine-39.json.golden',
        'ghcr.io/aquasecurity/trivy-test-images:sle-micro-rancher-5.4_ndb': 'sl-micro-rancher5.4.json.golden',
        'ghcr.io/aquasecurity/trivy-test-images:ubuntu-1804': 'ubuntu-1804.json.golden',
      }),
    );
    env = {
      PATH: [bin, repoPath('internal/fake-trivy'), dirname(process.execPath), '/usr/bin', '/bin'].join(
        delimiter,
      ),
      HOME: join(work, 'home'),
      XDG_CACHE_HOME: join(work, 'home', 'cache'),
      FAKE_TRIVY_IMAGES: images,
      NO_COLOR: '1',
      RUNNER_TEMP: join(work, 'runner-temp'),
      GITHUB_OUTPUT: join(work, 'github-output'),
      GITHUB_STEP_SUMMARY: join(work, 'step-summary'),
      GITHUB_ACTION_PATH: repoPath('.'),
    };
    await mkdir(env.RUNNER_TEMP!, { recursive: true });
  });

  afterAll(() => rm(work, { recursive: true, force: true }));

  /** Runs one step's `run:` with bash, as the runner does, with the step's env resolved. */
  function runStep(script: string, stepEnv: Record<string, string>, cwd: string) {
    return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn('bash', ['-e', '-c', script], { cwd, env: { ...env, ...stepEnv } });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  async function outputs(): Promise<Record<string, string>> {
    const text = await readFile(env.GITHUB_OUTPUT!, 'utf8').catch(() => '');
    return Object.fromEntries(
      text
        .trim()
        .split('\n')
        .map((line) => line.split(/=(.*)/s).slice(0, 2)),
    );
  }

  it(
    'scans the example, writes the reports, records the verdict, and keeps the step green',
    { timeout: 60_000 },
    async () => {
      const junit = join(work, 'extra', 'sluice.xml');
      await mkdir(dirname(junit));
      const scan = await runStep(
        step('Scan and gate').run!,
        {
          SLUICE_PATH: repoPath('examples/flux-repo'),
          SLUICE_SEVERITY: 'CRITICAL,HIGH',
          SLUICE_FORMATS: ` junit=${junit}\n\n`,
          SLUICE_CONFIG: '',
          SLUICE_FAIL_ON: 'blocked',
        },
        work,
      );
      expect(scan.code, scan.stderr).toBe(0);
      expect(scan.stdout).toContain('ghcr.io/aquasecurity/trivy-test-images:alpine-39');
      const out = await outputs();
      expect(out).toMatchObject({ 'exit-code': '1', verdict: 'blocked' });
      const sarif = JSON.parse(await readFile(out['sarif-file']!, 'utf8')) as { version: string };
      expect(sarif.version).toBe('2.1.0');
      const markdown = await readFile(out['markdown-file']!, 'utf8');
      expect(markdown).toContain('alpine-39');
      expect(await readFile(junit, 'utf8')).toContain('<testsuites');

      const summary = await runStep(
        step('Job summary').run!,
        { SLUICE_MARKDOWN: out['markdown-file']! },
        work,
      );
      expect(summary.code).toBe(0);
      expect(await readFile(env.GITHUB_STEP_SUMMARY!, 'utf8')).toBe(markdown);
      const last = await runStep(
        step('Fail when sluice did').run!,
        { SLUICE_EXIT_CODE: out['exit-code']! },
        work,
      );
      expect(last.code).toBe(1);
    },
  );

  it(
    'treats hostile input as data: a folder named like a command is a folder that does not exist',
    { timeout: 60_000 },
    async () => {
      await rm(env.GITHUB_OUTPUT!, { force: true });
      const cwd = join(work, 'hostile');
      await mkdir(cwd);
      const scan = await runStep(
        step('Scan and gate').run!,
        {
          SLUICE_PATH: 'x"; touch pwned-path; echo "',
          SLUICE_SEVERITY: 'HIGH$(touch pwned-severity)',
          SLUICE_FORMATS: '`touch pwned-format`',
          SLUICE_CONFIG: '',
          SLUICE_FAIL_ON: 'blocked',
        },
        cwd,
      );
      expect(scan.code).toBe(0);
      expect(await outputs()).toMatchObject({ 'exit-code': '2', verdict: 'error' });
      expect(await readdir(cwd)).toEqual([]);
    },
  );
});
