import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoPath } from '@sluice/test-utils';
import { describe, expect, it } from 'vitest';
import { temporaryFolder } from './e2e/run-cli.js';
import type { TextStream } from './io.js';
import { main } from './main.js';

const DEMO = [
  'scan',
  repoPath('examples/flux-repo'),
  '--trivy-reports',
  repoPath('examples/flux-repo/trivy-reports'),
];

/** Runs `sluice ARGS` in this process; stdout is a pipe unless `tty` gives a terminal width. */
async function sluice(args: readonly string[], env: Record<string, string>, tty?: number) {
  let stdout = '';
  const out: TextStream = {
    write: (text: string) => (stdout += text),
    ...(tty === undefined ? {} : { isTTY: true, columns: tty }),
  };
  const code = await main([...args, '-q', '--fail-on', 'never', '--no-cache'], {
    stdout: out,
    stderr: { write: () => true },
    env: { NO_COLOR: '1', ...env },
    cwd: await temporaryFolder(),
  });
  return { code, stdout };
}

const widest = (text: string): number => Math.max(...text.split('\n').map((line) => [...line].length));

describe('the table fits where it goes', () => {
  it('is 80 columns on a pipe, COLUMNS wide when set, and the terminal width on a TTY', async () => {
    const piped = await sluice(DEMO, {});
    expect(widest(piped.stdout)).toBeLessThanOrEqual(80);
    expect(widest(piped.stdout)).toBeGreaterThan(70);
    const columns = await sluice(DEMO, { COLUMNS: '132' });
    expect(widest(columns.stdout)).toBeLessThanOrEqual(132);
    expect(widest(columns.stdout)).toBeGreaterThan(100);
    const terminal = await sluice(DEMO, { COLUMNS: '60' }, 100);
    expect(widest(terminal.stdout)).toBeLessThanOrEqual(100);
    expect(widest(terminal.stdout)).toBeGreaterThan(60);
  });

  it('is never wrapped or cut in a file, whatever the terminal', async () => {
    const folder = await temporaryFolder();
    const file = join(folder, 'report.txt');
    await sluice([...DEMO, '--format', `table=${file}`], { COLUMNS: '40' }, 40);
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('…');
    expect(text.split('\n')[0]).toMatch(/^Sluice BLOCKED: .* 4 images: 1 failing, 1 not scanned, 2 pass$/);
    expect(text).toMatch(
      /^Kustomization\/flux-system\/apps +blocked +ghcr\.io\/aquasecurity\/trivy-test-images:alpine-39 fails the policy: 2 findings at CRITICAL\/HIGH: CVE-2019-14697 \(CRITICAL, musl\), CVE-2019-14697 \(CRITICAL, musl-utils\)\.$/m,
    );
  });

  it('is coloured on a terminal, and with FORCE_COLOR on a pipe', async () => {
    expect((await sluice(DEMO, { NO_COLOR: '' }, 100)).stdout).toContain('\u001b[31mBLOCKED\u001b[39m');
    expect((await sluice(DEMO, { NO_COLOR: '' })).stdout).not.toContain('\u001b[');
    expect((await sluice(DEMO, { FORCE_COLOR: '1' })).stdout).toContain('\u001b[31mBLOCKED\u001b[39m');
    expect((await sluice(DEMO, { NO_COLOR: '1', FORCE_COLOR: '0' }, 100)).stdout).not.toContain('\u001b[');
  });
});
