// install-tools.mjs, run for real against archives served on 127.0.0.1: it installs the one
// pinned binary when the archive's SHA-256 matches, and nothing at all when it does not. The
// real pins (distribution/tools.json) are checked for shape; they cannot be downloaded here.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoPath } from '@sluice/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface Pin {
  url: string;
  sha256: string;
  member: string;
}
type Tools = Record<string, { version: string; platforms: Record<string, Pin> }>;

let work: string;
let server: Server;
let base: string;
let archive: Buffer;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'sluice-install-tools-'));
  // An archive laid out as helm's: linux-amd64/helm, plus a file that must never be extracted.
  const content = join(work, 'content');
  await mkdir(join(content, 'linux-amd64'), { recursive: true });
  await writeFile(join(content, 'linux-amd64', 'helm'), '#!/bin/sh\necho helm-stand-in\n');
  await writeFile(join(content, 'linux-amd64', 'README.md'), 'not a binary\n');
  execFileSync('tar', ['-czf', join(work, 'helm.tar.gz'), '-C', content, 'linux-amd64']);
  archive = await readFile(join(work, 'helm.tar.gz'));
  server = createServer((request, response) => {
    if (request.url === '/helm.tar.gz') response.writeHead(200).end(archive);
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(work, { recursive: true, force: true });
});

function runInstall(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [repoPath('distribution/install-tools.mjs'), ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

async function toolsFile(sha256: string): Promise<string> {
  const file = join(work, `tools-${sha256.slice(0, 8)}.json`);
  const tools: Tools = {
    helm: {
      version: '0.0.0-test',
      platforms: { 'linux-amd64': { url: `${base}/helm.tar.gz`, sha256, member: 'linux-amd64/helm' } },
    },
  };
  await writeFile(file, JSON.stringify(tools));
  return file;
}

describe('install-tools.mjs', () => {
  it('installs only the named binary, executable, when the checksum matches', async () => {
    const dest = join(work, 'good');
    const sha = createHash('sha256').update(archive).digest('hex');
    const run = await runInstall([
      '--dest',
      dest,
      '--arch',
      'amd64',
      '--only',
      'helm',
      '--tools',
      await toolsFile(sha),
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(await readdir(dest)).toEqual(['helm']);
    expect(await readFile(join(dest, 'helm'), 'utf8')).toBe('#!/bin/sh\necho helm-stand-in\n');
    expect((await stat(join(dest, 'helm'))).mode & 0o777).toBe(0o755);
    expect(execFileSync(join(dest, 'helm'), { encoding: 'utf8' })).toBe('helm-stand-in\n');
  });

  it('installs nothing and says why when the checksum differs', async () => {
    const dest = join(work, 'bad');
    const wrong = createHash('sha256').update('something else').digest('hex');
    const run = await runInstall([
      '--dest',
      dest,
      '--arch',
      'amd64',
      '--only',
      'helm',
      '--tools',
      await toolsFile(wrong),
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`expected ${wrong}; nothing installed`);
    expect(await readdir(dest)).toEqual([]);
  });

  it('refuses an architecture the pins do not cover', async () => {
    const run = await runInstall(['--dest', join(work, 'none'), '--arch', 'riscv64', '--only', 'helm']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('pins no helm for linux-riscv64');
  });

  it('pins trivy and helm for linux amd64 and arm64: https release URLs of that version, SHA-256 digests', async () => {
    const tools = JSON.parse(await readFile(repoPath('distribution/tools.json'), 'utf8')) as Tools;
    expect(Object.keys(tools).sort()).toEqual(['helm', 'trivy']);
    for (const [name, tool] of Object.entries(tools)) {
      expect(Object.keys(tool.platforms).sort()).toEqual(['linux-amd64', 'linux-arm64']);
      for (const [platform, pin] of Object.entries(tool.platforms)) {
        expect(pin.url, `${name} ${platform}`).toMatch(
          /^https:\/\/(github\.com\/aquasecurity\/trivy\/releases\/download|get\.helm\.sh)\//,
        );
        expect(pin.url).toContain(`${tool.version}`);
        expect(pin.url).toContain(
          platform === 'linux-amd64'
            ? name === 'trivy'
              ? 'Linux-64bit'
              : 'linux-amd64'
            : name === 'trivy'
              ? 'Linux-ARM64'
              : 'linux-arm64',
        );
        expect(pin.sha256).toMatch(/^[0-9a-f]{64}$/);
        expect(pin.member.endsWith(name)).toBe(true);
      }
    }
  });
});
