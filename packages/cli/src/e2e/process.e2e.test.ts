import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { repoPath, writeTree } from '@sluice/test-utils';
import { describe, expect, it } from 'vitest';
import { CLOSED_PIPE_EXIT_CODE } from '../run-process.js';
import { CLI_COMMAND, fakeTrivyEnv, runProcess, temporaryFolder } from './run-cli.js';

const quote = (word: string): string => `'${word.replace(/'/g, `'\\''`)}'`;
const SLUICE = CLI_COMMAND.map(quote).join(' ');
const HOME_OPS = 'fixtures/corpora/joryirving-home-ops';
const EXAMPLE = 'examples/flux-repo';
const REPORTS = ['--trivy-reports', 'examples/flux-repo/trivy-reports'];
const WEB_DEPLOYMENT = [
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata: { name: web, namespace: web }',
  'spec:',
  '  template:',
  '    spec:',
  '      containers:',
  '        - name: web',
  '          image: nginx:1.27',
  '',
].join('\n');

/** Runs `sluice ARGS | READER` in bash and returns sluice's own exit status and its stderr. */
async function pipeInto(args: readonly string[], reader: string, env: Record<string, string> = {}) {
  const script = `${SLUICE} ${args.map(quote).join(' ')} 2>"$ERR" | ${reader}; echo "\${PIPESTATUS[0]}" >"$STATUS"`;
  const folder = (await fakeTrivyEnv()).HOME!;
  const files = { ERR: `${folder}/stderr`, STATUS: `${folder}/status` };
  const run = await runProcess('bash', ['-c', script], { env: { ...env, ...files } });
  return {
    stdout: run.stdout,
    stderr: await readFile(files.ERR, 'utf8'),
    status: Number((await readFile(files.STATUS, 'utf8')).trim()),
  };
}

// No stack trace, no EPIPE, no "Unhandled 'error' event".
const CRASH = /EPIPE|Error:|\n\s+at |Unhandled|Node\.js v/;

describe('a closed stdout ends sluice quietly', () => {
  it.each([
    ['images', ['images', EXAMPLE], /^HelmRelease\/apps\/blog {2}\(/, 0],
    ['graph', ['graph', EXAMPLE], /^\{$/, 0],
    ['scan -f json', ['scan', EXAMPLE, '-f', 'json', '-q', ...REPORTS], /^\{$/, 1],
    ['gate', ['gate', EXAMPLE, '-q'], /^# sluice-gate\//, 0],
  ] as const)('%s | head -1', async (_name, args, firstLine, normalStatus) => {
    const piped = await pipeInto(args, 'head -1');
    const [line, rest] = piped.stdout.split('\n');
    expect(line).toMatch(firstLine);
    expect(rest).toBe('');
    expect(piped.stderr).not.toMatch(CRASH);
    // Finished before head went away, or stopped by the closed pipe: never anything else.
    expect([normalStatus, CLOSED_PIPE_EXIT_CODE]).toContain(piped.status);
  });

  it('exits 141, silently, when the output is far larger than the pipe buffer and head takes one line', async () => {
    const piped = await pipeInto(['images', HOME_OPS], 'head -1');
    // home-ops has three clusters: ids carry the cluster's folder.
    expect(piped.stdout).toMatch(/^kubernetes\/clusters\/main:HelmRelease\//);
    expect(piped.status).toBe(CLOSED_PIPE_EXIT_CODE);
    expect(piped.stderr).toBe('');
  });

  it('exits 141, silently, when graph --format dot goes to a reader that exits at once', async () => {
    // `sluice graph --format dot | dot -Tsvg` without graphviz installed: the reader is gone.
    const piped = await pipeInto(['graph', EXAMPLE, '--format', 'dot'], 'true');
    expect(piped.status).toBe(CLOSED_PIPE_EXIT_CODE);
    expect(piped.stderr).toBe('');
  });

  it('keeps a blocked gate from passing when its reader is gone', async () => {
    const piped = await pipeInto(['scan', EXAMPLE, '-f', 'json', ...REPORTS], 'true');
    expect(piped.status).toBe(CLOSED_PIPE_EXIT_CODE);
    expect(piped.stderr).not.toMatch(CRASH);
  });
});

describe('pnpm sluice PATH in this checkout', () => {
  const monitoring = repoPath('examples/flux-repo/monitoring');

  it('resolves PATH against the folder pnpm was started from (INIT_CWD)', async () => {
    // pnpm and npm run root scripts in the checkout and say where they were started in INIT_CWD.
    const run = await runProcess(
      process.execPath,
      ['--import', 'tsx', '--conditions=source', repoPath('scripts/sluice.ts'), 'images', '.'],
      { env: { npm_lifecycle_event: 'sluice', INIT_CWD: monitoring } },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('exporter.yaml:16:23  CronJob/monitoring/usage-report');
    expect(run.stdout).not.toContain('apps/');
  });

  it('ignores an INIT_CWD inherited from another script', async () => {
    const run = await runProcess(
      process.execPath,
      ['--import', 'tsx', '--conditions=source', repoPath('scripts/sluice.ts'), 'images', EXAMPLE],
      { env: { npm_lifecycle_event: 'test', INIT_CWD: monitoring } },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('monitoring/exporter.yaml:16:23');
  });

  // Under `pnpm test` (what CI runs), pnpm itself runs the script from another folder. (Under
  // `npx pnpm exec vitest` the user agent says pnpm but npm_execpath is npx's npm.)
  const pnpm = process.env.npm_execpath;
  const underPnpm =
    process.env.npm_config_user_agent?.startsWith('pnpm/') === true && /pnpm/.test(pnpm ?? '');
  it.runIf(underPnpm && pnpm !== undefined && existsSync(pnpm))(
    'does so when pnpm really runs it, with --dir from outside the checkout too',
    async () => {
      const inside = await runProcess(pnpm!, ['--loglevel', 'silent', 'sluice', 'images', '.'], {
        cwd: monitoring,
        env: { PATH: process.env.PATH ?? '' },
      });
      expect(inside.code, inside.stderr).toBe(0);
      expect(inside.stdout).toContain('exporter.yaml:16:23  CronJob/monitoring/usage-report');
      const outside = await temporaryFolder();
      await writeTree(outside, { 'web.yaml': WEB_DEPLOYMENT });
      const run = await runProcess(
        pnpm!,
        ['--loglevel', 'silent', '--dir', repoPath('.'), 'sluice', 'images', '.'],
        { cwd: outside, env: { PATH: process.env.PATH ?? '' } },
      );
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toBe(
        '1 unique image:\ndocker.io/library/nginx:1.27\n  web.yaml:9:18  Deployment/web/web container web\n',
      );
    },
  );
});
