// Two Sluice processes scan the same 100 images against one Redis result cache: the first
// scans, the second finds every result in Redis and runs no scan. Run directly with
// SLUICE_BENCH_REDIS_WORKER=1 this file is one of those processes.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTrivyRunner } from '@sluice/trivy-runner';
import type { BenchOptions, BenchSection } from './section.js';

const FAKE_TRIVY = fileURLToPath(new URL('../internal/fake-trivy/trivy', import.meta.url));
const UNIQUE = 100;
const LATENCY_MS = 200;
const CONCURRENCY = 8;
const GOLDENS = [
  'alpine-39.json.golden',
  'alpine-310.json.golden',
  'centos-7.json.golden',
  'debian-buster.json.golden',
  'ubuntu-1804.json.golden',
];

interface WorkerResult {
  readonly wallMs: number;
  readonly scanned: number;
  readonly cached: number;
  readonly failed: number;
  readonly warnings: number;
}

async function worker(): Promise<void> {
  const images = JSON.parse(process.env.SLUICE_BENCH_IMAGES ?? '[]') as string[];
  let warnings = 0;
  const runner = createTrivyRunner({
    trivyPath: FAKE_TRIVY,
    trivyCacheDir: process.env.SLUICE_BENCH_TRIVY_CACHE,
    cache: process.env.SLUICE_BENCH_REDIS,
    concurrency: CONCURRENCY,
    onEvent: (event) => {
      if (event.type === 'warning') warnings += 1;
    },
  });
  const start = performance.now();
  const outcomes = await runner.scan(images);
  const wallMs = performance.now() - start;
  await runner.close();
  const count = (source: string): number =>
    outcomes.filter((outcome) => outcome.status === 'ok' && outcome.source === source).length;
  const result: WorkerResult = {
    wallMs,
    scanned: count('scan'),
    cached: count('cache'),
    failed: outcomes.filter((outcome) => outcome.status === 'error').length,
    warnings,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitForPort(port: number): Promise<void> {
  for (let attempt = 0; attempt < 400; attempt += 1) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`redis-server did not start on port ${port}`);
}

function runWorker(env: Record<string, string>): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', fileURLToPath(import.meta.url)],
      {
        cwd: fileURLToPath(new URL('..', import.meta.url)),
        env: { ...process.env, ...env, SLUICE_BENCH_REDIS_WORKER: '1' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`bench worker exited with ${code}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as WorkerResult);
    });
  });
}

async function countScans(log: string): Promise<number> {
  try {
    const lines = (await readFile(log, 'utf8')).split('\n').filter(Boolean);
    return lines
      .map((line) => JSON.parse(line) as { command?: string; image?: string })
      .filter((entry) => entry.command === 'image' && entry.image).length;
  } catch {
    return 0;
  }
}

/** Runs the benchmark. */
export async function run(options: BenchOptions = {}): Promise<BenchSection> {
  // A smoke run: 3 images, scans without latency.
  const unique = options.smoke ? 3 : UNIQUE;
  const latencyMs = options.smoke ? 0 : LATENCY_MS;
  const title = 'Shared Redis result cache: two runners, one Redis (trivy-runner)';
  if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status !== 0) {
    return {
      title,
      markdown:
        'Not measured: `redis-server` is not installed on this machine (`apt-get install redis-server`).',
      targetsMet: false,
    };
  }
  const dir = await mkdtemp(join(tmpdir(), 'sluice-bench-redis-'));
  const port = await freePort();
  const redis = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: 'ignore' },
  );
  try {
    await waitForPort(port);
    const images = Array.from(
      { length: unique },
      (_, index) => `registry.example.com/shared/svc-${String(index).padStart(3, '0')}:2.${index % 5}`,
    );
    await writeFile(
      join(dir, 'images.json'),
      JSON.stringify(
        Object.fromEntries(images.map((image, index) => [image, GOLDENS[index % GOLDENS.length]])),
      ),
    );
    const common = {
      SLUICE_BENCH_IMAGES: JSON.stringify(images),
      SLUICE_BENCH_REDIS: `redis://127.0.0.1:${port}/0`,
      FAKE_TRIVY_IMAGES: join(dir, 'images.json'),
      FAKE_TRIVY_LATENCY_MS: String(latencyMs),
    };
    // Each process has its own machine-local Trivy cache dir (its own DB), as two CI runners would.
    const logA = join(dir, 'a.jsonl');
    const logB = join(dir, 'b.jsonl');
    const first = await runWorker({
      ...common,
      SLUICE_BENCH_TRIVY_CACHE: join(dir, 'trivy-a'),
      FAKE_TRIVY_LOG: logA,
    });
    const second = await runWorker({
      ...common,
      SLUICE_BENCH_TRIVY_CACHE: join(dir, 'trivy-b'),
      FAKE_TRIVY_LOG: logB,
    });
    const scansA = await countScans(logA);
    const scansB = await countScans(logB);
    const met =
      scansA === unique &&
      scansB === 0 &&
      second.cached === unique &&
      first.failed === 0 &&
      second.failed === 0;
    const ms = (value: number): string => `${Math.round(value).toLocaleString('en-US')} ms`;
    const markdown = [
      `Two separate Node processes (each a \`createTrivyRunner\` with \`cache: 'redis://…'\`, concurrency ${CONCURRENCY}, its own Trivy cache dir) scan the same ${unique} images one after the other against one local \`redis-server\`; the stand-in trivy takes ${latencyMs} ms per scan. Scans are counted from the stand-in's invocation log.`,
      '',
      '| process | wall time | trivy scans | from Redis | failed | cache warnings |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      `| first | ${ms(first.wallMs)} | ${scansA} | ${first.cached} | ${first.failed} | ${first.warnings} |`,
      `| second | ${ms(second.wallMs)} | ${scansB} | ${second.cached} | ${second.failed} | ${second.warnings} |`,
      '',
      `- Target: the second process performs 0 scans: ${met ? 'met' : '**missed**'} (${scansB} scans, ${second.cached}/${unique} answered from Redis).`,
      `- The second process still runs \`trivy version\` (the cache key needs the Trivy and DB versions) and, with its own empty Trivy cache dir, one DB download; in client/server mode it would download nothing.`,
    ].join('\n');
    return { title, markdown, targetsMet: met };
  } finally {
    redis.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.env.SLUICE_BENCH_REDIS_WORKER === '1') await worker();
