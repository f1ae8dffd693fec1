// The dependency graph, its waves and the gate decision for a generated repository of 10,000
// Kustomizations with random acyclic dependsOn (seeded, so every run measures the same graph),
// against two baselines over the same input in the same run: a bare Kahn topological sort on
// integer arrays, and JSON.stringify of the workloads.
import { availableParallelism, loadavg } from 'node:os';
import type { ImageVerdict } from '@sluice/core';
import type { FluxWorkload } from '@sluice/flux-adapter';
import { buildDependencyGraph, computeGate } from '@sluice/flux-adapter';
import type { BenchOptions, BenchSection } from './section.js';
import { timeOnce } from './section.js';

const NODES = 10_000;
const IMAGES = 3_000;
const FAILING_SHARE = 0.01;
const UNKNOWN_SHARE = 0.005;
const TARGET_MS = 100;
const SEED = 20_261_126;
const ROUNDS = 21;

/** A small deterministic generator (mulberry32), so the graph is the same on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function generate(): { workloads: FluxWorkload[]; verdicts: Map<string, ImageVerdict>; edges: number } {
  const next = random(SEED);
  const name = (index: number) => `ks-${String(index).padStart(5, '0')}`;
  let edges = 0;
  const workloads: FluxWorkload[] = [];
  for (let index = 0; index < NODES; index += 1) {
    // Up to 3 dependencies, each on an earlier node (so the graph is acyclic), mostly nearby.
    const count = index === 0 ? 0 : Math.floor(next() * 4);
    const targets = new Set<number>();
    for (let pick = 0; pick < count; pick += 1) {
      const span = next() < 0.8 ? Math.min(index, 50) : index;
      targets.add(index - 1 - Math.floor(next() * span));
    }
    edges += targets.size;
    const images = Array.from({ length: 1 + Math.floor(next() * 3) }, () => {
      const image = Math.floor(next() * IMAGES);
      return { ref: `registry.example/team/app-${image}:1.${image % 7}`, locations: [] };
    });
    workloads.push({
      id: `Kustomization/flux-system/${name(index)}`,
      kind: 'Kustomization',
      namespace: 'flux-system',
      name: name(index),
      file: `clusters/prod/${name(index)}.yaml`,
      line: 1,
      dependsOn: [...targets].sort((a, b) => a - b).map((target) => ({ name: name(target) })),
      suspended: next() < 0.01,
      images,
      method: 'rendered',
    });
  }
  const verdicts = new Map<string, ImageVerdict>();
  for (let image = 0; image < IMAGES; image += 1) {
    const roll = next();
    const verdict: ImageVerdict =
      roll < FAILING_SHARE ? 'fail' : roll < FAILING_SHARE + UNKNOWN_SHARE ? 'unknown' : 'pass';
    verdicts.set(`registry.example/team/app-${image}:1.${image % 7}`, verdict);
  }
  return { workloads, verdicts, edges };
}

/** The baseline: Kahn's algorithm on integer adjacency lists, nothing else. */
function plainTopologicalSort(workloads: readonly FluxWorkload[]): number {
  const indexOf = new Map(workloads.map((workload, index) => [workload.name, index]));
  const remaining = new Int32Array(workloads.length);
  const dependents: number[][] = workloads.map(() => []);
  workloads.forEach((workload, index) => {
    for (const entry of workload.dependsOn) {
      dependents[indexOf.get(entry.name)!]!.push(index);
      remaining[index]! += 1;
    }
  });
  const queue: number[] = [];
  remaining.forEach((count, index) => {
    if (count === 0) queue.push(index);
  });
  for (let head = 0; head < queue.length; head += 1) {
    for (const dependent of dependents[queue[head]!]!) {
      remaining[dependent]! -= 1;
      if (remaining[dependent] === 0) queue.push(dependent);
    }
  }
  return queue.length;
}

async function interleavedMedians<K extends string>(
  runs: Readonly<Record<K, () => unknown>>,
  rounds: number,
): Promise<Record<K, number>> {
  const names = Object.keys(runs) as K[];
  const samples = new Map<K, number[]>(names.map((name) => [name, []]));
  for (let round = 0; round <= rounds; round += 1) {
    for (const name of names) {
      const time = await timeOnce(runs[name]);
      if (round > 0) samples.get(name)!.push(time);
    }
  }
  const medians = {} as Record<K, number>;
  for (const name of names) {
    const sorted = samples.get(name)!.sort((a, b) => a - b);
    medians[name] = sorted[Math.floor(sorted.length / 2)] ?? 0;
  }
  return medians;
}

/** Runs the benchmark and returns its section of docs/benchmarks.md. */
export async function run(options: BenchOptions = {}): Promise<BenchSection> {
  const rounds = options.smoke ? 1 : ROUNDS;
  const { workloads, verdicts, edges } = generate();
  const graph = buildDependencyGraph(workloads);
  const gate = computeGate(graph, verdicts);

  // Interleaved rounds (every run once per round, after one warm-up round), medians per run: a
  // load change on a shared machine then hits every run alike, which keeps the ratios honest.
  const runs = {
    kahn: () => plainTopologicalSort(workloads),
    stringify: () => JSON.stringify(workloads),
    graph: () => buildDependencyGraph(workloads),
    gate: () => computeGate(graph, verdicts),
    total: () => computeGate(buildDependencyGraph(workloads), verdicts),
  };
  const times = await interleavedMedians(runs, rounds);
  const { kahn: kahnMs, stringify: stringifyMs, graph: graphMs, gate: gateMs, total: totalMs } = times;
  // CPU time of the whole pipeline, and the machine's load: wall time on a shared machine
  // includes waiting for a CPU, CPU time does not.
  const cpuSamples: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const before = process.cpuUsage();
    runs.total();
    const used = process.cpuUsage(before);
    cpuSamples.push((used.user + used.system) / 1000);
  }
  const cpuMs = cpuSamples.sort((x, y) => x - y)[Math.floor(rounds / 2)] ?? 0;
  const load = loadavg()[0] ?? 0;

  const longestChain = Math.max(0, ...gate.objects.map((object) => object.chain?.length ?? 0));
  const counts = new Map<string, number>();
  for (const object of gate.objects) counts.set(object.status, (counts.get(object.status) ?? 0) + 1);
  const statuses = [...counts]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([status, count]) => `${count} ${status}`);
  const ratio = (ms: number) => `${(ms / kahnMs).toFixed(1)}×`;
  const met = totalMs < TARGET_MS;
  const markdown = [
    `Input: ${NODES.toLocaleString('en-US')} Kustomizations with ${edges.toLocaleString('en-US')} random acyclic dependsOn edges (seed ${SEED}), ${IMAGES.toLocaleString('en-US')} distinct images (${FAILING_SHARE * 100}% failing, ${UNKNOWN_SHARE * 100}% unscannable), 1% suspended.`,
    `Result: ${graph.waves.length} waves, ${gate.blocking.length.toLocaleString('en-US')} objects blocking (${statuses.join(', ')}), longest blocked-upstream chain ${longestChain}.`,
    '',
    `| Run (median of ${rounds} interleaved rounds) | Time | Ratio to plain Kahn sort |`,
    '| --- | ---: | ---: |',
    `| baseline: plain Kahn topological sort on integer arrays | ${kahnMs.toFixed(1)} ms | 1.0× |`,
    `| baseline: \`JSON.stringify\` of the workloads | ${stringifyMs.toFixed(1)} ms | ${ratio(stringifyMs)} |`,
    `| \`buildDependencyGraph\` (nodes, edges, diagnostics, cycles, waves) | ${graphMs.toFixed(1)} ms | ${ratio(graphMs)} |`,
    `| \`computeGate\` (statuses, reasons, shortest chains) | ${gateMs.toFixed(1)} ms | ${ratio(gateMs)} |`,
    `| graph + waves + gate | ${totalMs.toFixed(1)} ms | ${ratio(totalMs)} |`,
    `| graph + waves + gate, CPU time (user + system, all threads) | ${cpuMs.toFixed(1)} ms | — |`,
    '',
    `Load average during the run: ${load.toFixed(1)} on ${availableParallelism()} CPUs (wall times include waiting for a CPU).`,
    '',
    `Target: graph, waves and gate under ${TARGET_MS} ms (median wall time) — ${met ? 'met' : 'missed'}.`,
  ].join('\n');
  return { title: 'Dependency graph and gate', markdown, targetsMet: met };
}
