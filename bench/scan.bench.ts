// Scanning 1,000 image references (100 unique images) with the stand-in trivy at 200 ms per
// scan: the runner's pool against the ideal and against a naive loop of one trivy call per
// reference, then a warm rerun served from the result cache.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createTrivyRunner } from '@sluice/trivy-runner';
import type { BenchOptions, BenchSection } from './section.js';
import { timeOnce } from './section.js';

const runFile = promisify(execFile);
const FAKE_TRIVY = fileURLToPath(new URL('../internal/fake-trivy/trivy', import.meta.url));
const GOLDENS = [
  'alpine-39.json.golden',
  'alpine-310.json.golden',
  'alpine-distroless.json.golden',
  'amazon-2.json.golden',
  'busybox-with-lockfile.json.golden',
  'centos-6.json.golden',
  'centos-7.json.golden',
  'debian-buster.json.golden',
  'debian-stretch.json.golden',
  'distroless-base.json.golden',
  'fluentd-gems.json.golden',
  'mariner-1.0.json.golden',
  'photon-30.json.golden',
  'sl-micro-rancher5.4.json.golden',
  'spring4shell-jre11.json.golden',
  'ubi-7-comprehensive.json.golden',
  'ubuntu-1804.json.golden',
];
const UNIQUE = 100;
const REFERENCES = 1000;
const LATENCY_MS = 200;
const CONCURRENCY = 8;
/** References the naive loop really runs; the rest is extrapolated (the full loop takes over 3 minutes). */
const NAIVE_SAMPLE = 100;

interface Invocation {
  readonly command?: string;
  readonly image?: string;
  readonly argv: string[];
  readonly start: number;
  readonly end: number;
}

async function readLog(path: string): Promise<Invocation[]> {
  try {
    return (await readFile(path, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Invocation);
  } catch {
    return [];
  }
}

const scansOf = (log: readonly Invocation[]): Invocation[] =>
  log.filter((entry) => entry.command === 'image' && entry.image !== undefined);
/** Machine-wide CPU time (busy, total) so far, in ms, from the kernel's per-CPU counters. */
function cpuTimes(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const cpu of cpus()) {
    const { user, nice, sys, irq, idle } = cpu.times;
    busy += user + nice + sys + irq;
    total += user + nice + sys + irq + idle;
  }
  return { busy, total };
}

const ms = (value: number): string => `${Math.round(value).toLocaleString('en-US')} ms`;
const pct = (value: number): string => `${(value * 100).toFixed(1)} %`;

/** Runs the benchmark. */
export async function run(options: BenchOptions = {}): Promise<BenchSection> {
  // A smoke run: 4 images, 10 references, a naive sample of 2, scans without latency.
  const unique = options.smoke ? 4 : UNIQUE;
  const referenceCount = options.smoke ? 10 : REFERENCES;
  const naiveSample = options.smoke ? 2 : NAIVE_SAMPLE;
  const latencyMs = options.smoke ? 0 : LATENCY_MS;
  const startLoad = (loadavg()[0] ?? 0).toFixed(1);
  const dir = await mkdtemp(join(tmpdir(), 'sluice-bench-scan-'));
  try {
    const images = Array.from(
      { length: unique },
      (_, index) => `registry.example.com/bench/app-${String(index).padStart(3, '0')}:1.${index % 7}`,
    );
    const map = Object.fromEntries(images.map((image, index) => [image, GOLDENS[index % GOLDENS.length]]));
    await writeFile(join(dir, 'images.json'), JSON.stringify(map));
    // 1,000 references: each image ten times, as written in many manifests (some with the
    // registry's default port spelled out differently would be other images; these are the same).
    const references = Array.from(
      { length: referenceCount },
      (_, index) => images[(index * 37) % unique] as string,
    );
    const env = (log: string): Record<string, string> => ({
      FAKE_TRIVY_IMAGES: join(dir, 'images.json'),
      FAKE_TRIVY_LATENCY_MS: String(latencyMs),
      FAKE_TRIVY_LOG: log,
    });
    const runnerOptions = (log: string) => ({
      trivyPath: FAKE_TRIVY,
      trivyCacheDir: join(dir, 'trivy-cache'),
      cache: join(dir, 'sluice-cache'),
      concurrency: CONCURRENCY,
      env: env(log),
    });

    // Cold: empty result cache, no DB yet.
    const coldLog = join(dir, 'cold.jsonl');
    const cold = createTrivyRunner(runnerOptions(coldLog));
    let coldOutcomes: Awaited<ReturnType<typeof cold.scan>> = [];
    const cpuBefore = cpuTimes();
    const coldMs = await timeOnce(async () => {
      coldOutcomes = await cold.scan(references);
    });
    const cpuAfter = cpuTimes();
    const busyShare = (cpuAfter.busy - cpuBefore.busy) / Math.max(1, cpuAfter.total - cpuBefore.total);
    const coldInvocations = await readLog(coldLog);
    const coldScans = scansOf(coldInvocations);
    const poolStart = Math.min(...coldScans.map((entry) => entry.start));
    const poolEnd = Math.max(...coldScans.map((entry) => entry.end));
    const poolMs = poolEnd - poolStart;
    const setupMs = coldMs - poolMs;
    const ideal = Math.ceil(unique / CONCURRENCY) * latencyMs;
    const efficiency = ideal / poolMs;
    const okCold = coldOutcomes.filter((outcome) => outcome.status === 'ok').length;

    // Warm: a new runner (a new process would do the same) on the same result cache.
    const warmLog = join(dir, 'warm.jsonl');
    const warm = createTrivyRunner(runnerOptions(warmLog));
    let warmOutcomes: Awaited<ReturnType<typeof warm.scan>> = [];
    const warmMs = await timeOnce(async () => {
      warmOutcomes = await warm.scan(references);
    });
    const warmInvocations = await readLog(warmLog);
    const warmScans = scansOf(warmInvocations);
    const warmCached = warmOutcomes.filter(
      (outcome) => outcome.status === 'ok' && outcome.source === 'cache',
    ).length;

    // The machine's floor: the same pool with a stand-in that takes no time at all. Each call
    // still costs a Node process start (tens of ms of CPU), which bounds the pool on few cores.
    const floorLog = join(dir, 'floor.jsonl');
    const floorRunner = createTrivyRunner({
      ...runnerOptions(floorLog),
      cache: false,
      env: { ...env(floorLog), FAKE_TRIVY_LATENCY_MS: '0' },
    });
    await floorRunner.scan(images.slice(0, 1));
    const floorMs = await timeOnce(() => floorRunner.scan(images.slice(1)));
    const floorScale = unique / (unique - 1);
    const machineFloor = floorMs * floorScale;
    const achievable = Math.max(ideal, machineFloor);

    // Naive: one `trivy image` per reference, one after another, as a shell loop would do.
    const naiveLog = join(dir, 'naive.jsonl');
    const naiveCache = join(dir, 'naive-trivy-cache');
    const naiveEnv = { ...process.env, ...env(naiveLog) };
    await runFile(FAKE_TRIVY, ['image', '--cache-dir', naiveCache, '--download-db-only', '--quiet'], {
      env: naiveEnv,
    });
    const naiveSampleMs = await timeOnce(async () => {
      for (const reference of references.slice(0, naiveSample)) {
        await runFile(
          FAKE_TRIVY,
          ['image', '--cache-dir', naiveCache, '--format', 'json', '--quiet', reference],
          {
            env: naiveEnv,
            maxBuffer: 64 * 1024 * 1024,
          },
        );
      }
    });
    const naiveMs = (naiveSampleMs / naiveSample) * referenceCount;

    const targets = {
      efficiency: efficiency >= 0.9,
      coldScans: coldScans.length === unique,
      warmScans: warmScans.length === 0,
      warmTime: warmMs < 300,
      allOk: okCold === unique && warmCached === unique,
    };
    const mark = (met: boolean): string => (met ? 'met' : '**missed**');
    const aux = (log: readonly Invocation[]): string => {
      const downloads = log.filter((entry) => entry.argv.includes('--download-db-only')).length;
      const versions = log.filter((entry) => entry.command === 'version').length;
      return `${downloads} DB update, ${versions} \`trivy version\``;
    };

    const markdown = [
      `${referenceCount.toLocaleString('en-US')} image references over ${unique} unique images, stand-in trivy (\`internal/fake-trivy\`) taking ${latencyMs} ms per scan (counted from process start), concurrency ${CONCURRENCY}. The runner deduplicates the references, updates the DB once, then runs its p-limit pool with \`--cache-backend memory --skip-db-update\`. Ideal = ceil(${unique}/${CONCURRENCY}) × ${latencyMs} ms = ${ms(ideal)}. The naive baseline is a loop of one \`trivy image\` per reference; it was timed over the first ${naiveSample} references and extrapolated ×${referenceCount / naiveSample} (the full loop takes more than 3 minutes).`,
      '',
      '| run | wall time | vs ideal | trivy scans | other trivy calls | outcomes |',
      '| --- | ---: | ---: | ---: | --- | --- |',
      `| naive loop, 1 call per reference (extrapolated from ${naiveSample}) | ${ms(naiveMs)} | ${(naiveMs / ideal).toFixed(1)}× | ${referenceCount} | — | — |`,
      `| runner, cold: whole batch | ${ms(coldMs)} | ${(coldMs / ideal).toFixed(2)}× | ${coldScans.length} | ${aux(coldInvocations)} (${ms(setupMs)} outside the pool) | ${okCold} ok |`,
      `| runner, cold: scan pool only | ${ms(poolMs)} | ${(poolMs / ideal).toFixed(2)}× | ${coldScans.length} | — | — |`,
      `| runner, warm rerun (result cache) | ${ms(warmMs)} | — | ${warmScans.length} | ${aux(warmInvocations)} | ${warmCached} from cache |`,
      '',
      `- Parallel efficiency of the pool: ideal / pool time = ${pct(efficiency)} (target ≥ 90 %: ${mark(targets.efficiency)}); over the whole cold batch, including ${aux(coldInvocations)}: ${pct(ideal / coldMs)}.`,
      `- This machine's floor: the same pool with a stand-in that takes 0 ms needs ${ms(machineFloor)} for 100 scans (${availableParallelism()} CPUs, load average ${startLoad} at the start): every call is a Node process start, and 8 of them per 200 ms do not fit on ${availableParallelism()} cores. The CPUs were ${pct(busyShare)} busy during the cold batch (this process, the stand-ins and whatever else ran on the machine). Against max(ideal, floor) = ${ms(achievable)} the pool reaches ${pct(achievable / poolMs)}.`,
      `- Speed-up over the naive loop: ${(naiveMs / coldMs).toFixed(1)}× cold, ${(naiveMs / warmMs).toFixed(0)}× warm.`,
      `- Scans: exactly ${unique} cold (${mark(targets.coldScans)}), 0 warm (${mark(targets.warmScans)}).`,
      `- Warm rerun under 300 ms: ${ms(warmMs)} (${mark(targets.warmTime)}); trivy processes started: ${warmInvocations.length} (the cache key's Trivy version is remembered per binary and the DB version read from Trivy's DB metadata file).`,
    ].join('\n');
    await floorRunner.close();
    await cold.close();
    await warm.close();
    return {
      title: 'Scanning: pool, dedupe and result cache (trivy-runner)',
      markdown,
      targetsMet: Object.values(targets).every(Boolean),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
