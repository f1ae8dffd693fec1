// Whole-process measurement: wall time seen by the parent, and the child's own CPU time and peak
// memory (`process.resourceUsage()`, written by a tiny preloaded hook when the child exits).
// Baseline and measured processes run interleaved, round by round, so load from other
// processes on the machine hits both alike; ratios are medians of the rounds' ratios.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One process to run: `node [nodeArgs] script args` (or `node -e code`). */
export interface ProcessSpec {
  /** Row name in the tables. */
  readonly label: string;
  /** Arguments after `node` (script or `-e`, then its arguments). */
  readonly args: readonly string[];
  /** Extra node flags before the script (`--cpu-prof`, …). */
  readonly nodeArgs?: readonly string[];
  readonly cwd?: string;
  /** Environment (the parent's when absent). */
  readonly env?: NodeJS.ProcessEnv;
  /** File that receives stdout (like `> file`); `/dev/null` when absent. */
  readonly stdoutFile?: string;
  /** The exit code the run must end with; a different one fails the benchmark. @default 0 */
  readonly expectCode?: number;
}

/** What one run of a process cost. */
export interface ProcessSample {
  readonly wallMs: number;
  /** User + system CPU time of the process (all its threads), in ms. */
  readonly cpuMs: number;
  /** Peak resident set size, in KiB. */
  readonly maxRssKiB: number;
}

/** Medians of a series of runs of one process. */
export interface ProcessSummary {
  readonly label: string;
  readonly runs: number;
  readonly wallMs: number;
  readonly cpuMs: number;
  /** The highest peak RSS of all runs, in KiB. */
  readonly maxRssKiB: number;
  /** Median over the rounds of wall time / the baseline's wall time in the same round. */
  readonly ratio: number;
  /** The same with CPU times (less sensitive to waiting for a CPU). */
  readonly cpuRatio: number;
}

// Preloaded with --require (CommonJS: no ESM loader is started for it, so `node -e 0` stays a
// fair baseline). fd 3 is a pipe only the benchmark opens; without it the hook stays silent.
// Peak RSS is the process's own `VmHWM` where Linux has it: getrusage's `maxrss` survives
// execve and counts the forked copy of the parent, so a child smaller than the benchmark
// runner (~160 MiB) reads the runner's size.
const HOOK = `process.on('exit', () => {
  try {
    const fs = require('node:fs');
    const usage = process.resourceUsage();
    let maxRSS = usage.maxRSS;
    try {
      const hwm = /^VmHWM:\\s+(\\d+) kB$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
      if (hwm) maxRSS = Number(hwm[1]);
    } catch {}
    fs.writeSync(3, JSON.stringify({ maxRSS, user: usage.userCPUTime, system: usage.systemCPUTime }));
  } catch {}
});
`;

/** Writes the usage hook into `folder` and returns its path (pass it to {@link runProcess}). */
export async function writeUsageHook(folder: string): Promise<string> {
  const path = join(folder, 'usage-hook.cjs');
  await writeFile(path, HOOK);
  return path;
}

/** Runs one process to its end and measures it. */
export function runProcess(spec: ProcessSpec, hook: string): Promise<ProcessSample> {
  const stdout = openSync(spec.stdoutFile ?? '/dev/null', 'w');
  return new Promise<ProcessSample>((resolve, reject) => {
    const start = performance.now();
    let wallMs = 0;
    const child = spawn(process.execPath, [...(spec.nodeArgs ?? []), '--require', hook, ...spec.args], {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      stdio: ['ignore', stdout, 'pipe', 'pipe'],
    });
    let stderr = '';
    let usage = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    (child.stdio[3] as NodeJS.ReadableStream | null)
      ?.setEncoding('utf8')
      .on('data', (chunk: string) => (usage += chunk));
    child.on('exit', () => (wallMs = performance.now() - start));
    child.on('error', reject);
    child.on('close', (code) => {
      closeSync(stdout);
      const expected = spec.expectCode ?? 0;
      if (code !== expected) {
        reject(new Error(`${spec.label}: exit ${code}, expected ${expected}\n${stderr.slice(0, 2000)}`));
        return;
      }
      try {
        const parsed = JSON.parse(usage) as { maxRSS: number; user: number; system: number };
        resolve({ wallMs, cpuMs: (parsed.user + parsed.system) / 1000, maxRssKiB: parsed.maxRSS });
      } catch {
        reject(new Error(`${spec.label}: no resource usage reported`));
      }
    });
  });
}

/** The median of a list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return 0;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Runs the baseline and every process `rounds` times, interleaved (the order rotates each
 * round), after one warm-up round that is not counted (file cache, compile cache), and returns
 * one summary per process, the baseline first.
 */
export async function measureProcesses(
  baseline: ProcessSpec,
  specs: readonly ProcessSpec[],
  options: { readonly rounds: number; readonly hook: string; readonly warmUp?: boolean },
): Promise<ProcessSummary[]> {
  const all = [baseline, ...specs];
  const samples = all.map(() => [] as ProcessSample[]);
  if (options.warmUp !== false) for (const spec of all) await runProcess(spec, options.hook);
  for (let round = 0; round < options.rounds; round += 1) {
    for (let offset = 0; offset < all.length; offset += 1) {
      const index = (round + offset) % all.length;
      samples[index]!.push(await runProcess(all[index]!, options.hook));
    }
  }
  const base = samples[0]!;
  return all.map((spec, index) => {
    const own = samples[index]!;
    return {
      label: spec.label,
      runs: own.length,
      wallMs: median(own.map((sample) => sample.wallMs)),
      cpuMs: median(own.map((sample) => sample.cpuMs)),
      maxRssKiB: Math.max(...own.map((sample) => sample.maxRssKiB)),
      ratio: median(own.map((sample, round) => sample.wallMs / base[round]!.wallMs)),
      cpuRatio: median(own.map((sample, round) => sample.cpuMs / base[round]!.cpuMs)),
    };
  });
}
