#!/usr/bin/env node
// Installs the trivy and helm that Sluice's image and GitHub Action use: the versions pinned in
// tools.json (next to this file), each archive's SHA-256 checked before anything in it is
// extracted, only the one binary taken out, installed 0755 into --dest. Used by the Dockerfile
// (build stage) and action.yml. Plain Node (>= 20), no dependencies: it runs before anything is
// installed.
//
//   node distribution/install-tools.mjs --dest DIR [--arch amd64|arm64] [--only trivy,helm]
//                                       [--tools FILE]
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

/* global fetch, AbortSignal */

// Larger than any trivy or helm archive (about 50 MB); a response beyond it is not an archive.
const MAX_ARCHIVE_BYTES = 300 * 1024 * 1024;
const ARCHES = { x64: 'amd64', arm64: 'arm64', amd64: 'amd64' };

function fail(message) {
  process.stderr.write(`install-tools: ${message}\n`);
  process.exit(1);
}

async function download(url) {
  const response = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(300_000) });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const chunks = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.length;
    if (size > MAX_ARCHIVE_BYTES) throw new Error(`${url}: larger than ${MAX_ARCHIVE_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

const { values } = parseArgs({
  options: {
    dest: { type: 'string' },
    arch: { type: 'string', default: ARCHES[process.arch] ?? process.arch },
    only: { type: 'string', default: 'trivy,helm' },
    tools: { type: 'string', default: new URL('tools.json', import.meta.url).pathname },
  },
});
if (!values.dest) fail('--dest DIR is required');
if (process.platform !== 'linux') fail(`only Linux is pinned in ${values.tools}, not ${process.platform}`);
const arch = ARCHES[values.arch] ?? values.arch;
const tools = JSON.parse(readFileSync(values.tools, 'utf8'));
mkdirSync(values.dest, { recursive: true });
const work = mkdtempSync(join(tmpdir(), 'sluice-tools-'));
try {
  for (const name of values.only.split(',').filter(Boolean)) {
    const pin = tools[name]?.platforms?.[`linux-${arch}`];
    if (!pin) fail(`${values.tools} pins no ${name} for linux-${arch}`);
    const archive = await download(pin.url).catch((error) => fail(`${name}: ${error.message}`));
    const actual = createHash('sha256').update(archive).digest('hex');
    if (actual !== pin.sha256) {
      fail(`${name}: ${pin.url} has SHA-256 ${actual}, expected ${pin.sha256}; nothing installed`);
    }
    const file = join(work, `${name}.tar.gz`);
    writeFileSync(file, archive);
    const folder = join(work, name);
    mkdirSync(folder);
    // One named member only: nothing else in the archive is written anywhere.
    execFileSync('tar', ['-xzf', file, '-C', folder, '--no-same-owner', '--', pin.member], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const target = join(values.dest, name);
    copyFileSync(join(folder, pin.member), target);
    chmodSync(target, 0o755);
    process.stderr.write(`install-tools: ${name} ${tools[name].version} (linux-${arch}) -> ${target}\n`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
