import { spawn } from 'node:child_process';
import { readdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@sluice/test-utils';
import { createFsCache, createTrivyRunner } from '@sluice/trivy-runner';
import { createTrivySandbox, FAKE_TRIVY } from '../support/fake-trivy.js';
import type { TrivyLogEntry, TrivySandbox } from '../support/fake-trivy.js';

const WORKERS = 4;
// 40 images; worker w scans images 10w … 10w+19, so every image is wanted by two workers.
const IMAGES = Array.from({ length: 40 }, (_, index) => `team/app-${index}:1.0`);
const setOf = (worker: number): string[] =>
  Array.from({ length: 20 }, (_, offset) => IMAGES[(worker * 10 + offset) % IMAGES.length]!);

interface WorkerBatch {
  ref: string;
  status: string;
  source?: string;
}

let sandbox: TrivySandbox;
let results: WorkerBatch[][][];
let logs: TrivyLogEntry[][];

function runWorker(worker: number): Promise<WorkerBatch[][]> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--conditions=source',
        fileURLToPath(new URL('./cache-worker.ts', import.meta.url)),
        sandbox.resultCacheDir,
        join(sandbox.dir, `trivy-cache-${worker}`),
        JSON.stringify(setOf(worker)),
      ],
      {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          ...sandbox.env({ FAKE_TRIVY_LOG: join(sandbox.dir, `worker-${worker}.log`) }),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(JSON.parse(stdout) as WorkerBatch[][])
        : reject(new Error(`worker ${worker} exited ${code}: ${stderr}`)),
    );
  });
}

async function readLog(file: string): Promise<TrivyLogEntry[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as TrivyLogEntry);
}

/** Every entry file of a directory cache (format 1, under `v1/`), by key. */
async function cacheEntries(dir: string): Promise<{ key: string; path: string }[]> {
  const root = join(dir, 'v1');
  const files = (await readdir(root, { recursive: true })).map((file) => join(root, file));
  const entries: { key: string; path: string }[] = [];
  for (const path of files)
    if ((await stat(path)).isFile()) entries.push({ key: basename(path).replace(/\.json$/, ''), path });
  return entries;
}

beforeAll(async () => {
  sandbox = await createTrivySandbox({ '*': 'alpine-distroless.json.golden' });
  results = await Promise.all(Array.from({ length: WORKERS }, (_, worker) => runWorker(worker)));
  logs = await Promise.all(
    Array.from({ length: WORKERS }, (_, worker) => readLog(join(sandbox.dir, `worker-${worker}.log`))),
  );
}, 600_000);
afterAll(async () => {
  await sandbox.cleanup();
});

describe('4 processes sharing one result-cache directory', () => {
  it('gives every worker a good outcome for each of its images, both times', () => {
    results.forEach((batches, worker) => {
      for (const batch of batches) {
        expect(batch).toHaveLength(20);
        expect(batch.every((outcome) => outcome.status === 'ok')).toBe(true);
        expect(new Set(batch.map((outcome) => outcome.ref))).toEqual(new Set(setOf(worker)));
      }
      // The second round is answered from the cache alone.
      expect(batches[1]!.every((outcome) => outcome.source === 'cache')).toBe(true);
    });
  });

  it('scans each image at most once per process, and not at all when another process cached it first', () => {
    let total = 0;
    logs.forEach((log) => {
      const scanned = log
        .filter((entry) => entry.command === 'image' && entry.image)
        .map((entry) => entry.image!);
      expect(new Set(scanned).size).toBe(scanned.length);
      total += scanned.length;
    });
    // 40 images, each wanted by two workers: at most 80 scans, at least 40.
    expect(total).toBeGreaterThanOrEqual(40);
    expect(total).toBeLessThanOrEqual(80);
  });

  it('leaves no temporary file and no unreadable entry behind', async () => {
    const entries = await cacheEntries(sandbox.resultCacheDir);
    expect(entries.length).toBeGreaterThanOrEqual(40);
    expect(entries.filter((entry) => !entry.path.endsWith('.json'))).toEqual([]);
    const cache = createFsCache(sandbox.resultCacheDir);
    for (const entry of entries) expect(await cache.get(entry.key), entry.path).toBeDefined();
  });

  it('detects a truncated and a tampered entry (checksum), rescans those images only, and repairs them', async () => {
    const cache = createFsCache(sandbox.resultCacheDir);
    // Each image is stored under its tag key and its digest key: damage every entry of two images.
    const byRef = new Map<string, { key: string; path: string }[]>();
    for (const entry of await cacheEntries(sandbox.resultCacheDir)) {
      const ref = (await cache.get(entry.key))!.ref;
      byRef.set(ref, [...(byRef.get(ref) ?? []), entry]);
    }
    const [truncatedRef, tamperedRef] = [...byRef.keys()].sort();
    const damagedRefs = [truncatedRef!, tamperedRef!];
    const truncated = byRef.get(truncatedRef!)!;
    const tampered = byRef.get(tamperedRef!)!;
    for (const entry of truncated) await truncate(entry.path, Math.floor((await stat(entry.path)).size / 2));
    for (const entry of tampered) {
      // Make the finding look harmless without fixing the checksum.
      const text = await readFile(entry.path, 'utf8');
      expect(text).toContain('MEDIUM');
      await writeFile(entry.path, text.replaceAll('MEDIUM', 'LOW'));
    }
    for (const entry of [...truncated, ...tampered]) expect(await cache.get(entry.key)).toBeUndefined();

    const log = join(sandbox.dir, 'rescan.log');
    const runner = createTrivyRunner({
      trivyPath: FAKE_TRIVY,
      trivyCacheDir: join(sandbox.dir, 'trivy-cache-0'),
      cache: sandbox.resultCacheDir,
      retryDelayMs: 1,
      env: sandbox.env({ FAKE_TRIVY_LOG: log }),
    });
    const outcomes = await runner.scan(IMAGES);
    await runner.close();
    const rescanned = (await readLog(log))
      .filter((entry) => entry.command === 'image' && entry.image)
      .map((entry) => entry.image);
    const normalized = damagedRefs.map((ref) => IMAGES.find((image) => ref.endsWith(image)) ?? ref);
    expect(rescanned.sort()).toEqual(normalized.sort());
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('ok');
      const findings = outcome.status === 'ok' ? outcome.findings : [];
      // The tampered severity never reaches a result.
      expect(findings.map((finding) => finding.severity)).toEqual(['MEDIUM']);
    }
    for (const entry of [...truncated, ...tampered])
      expect(await cache.get(entry.key), entry.path).toBeDefined();
  });
});
