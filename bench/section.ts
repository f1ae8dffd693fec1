/** What one benchmark file contributes to docs/benchmarks.md. */
export interface BenchSection {
  /** Heading of the section. */
  readonly title: string;
  /** Markdown body: what was measured, a table of results with ratios against the baseline, targets met or not. */
  readonly markdown: string;
  /** False when a stated target was missed (the run still records it). */
  readonly targetsMet: boolean;
}

/** How `bench/run.ts` runs a benchmark file's `run`. */
export interface BenchOptions {
  /**
   * A quick run on tiny inputs that checks the benchmark works (CI), not its timings: nothing
   * is recorded.
   * @default false
   */
  readonly smoke?: boolean;
}

/** Times an async function once, in milliseconds. */
export async function timeOnce(run: () => Promise<unknown> | unknown): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

/** The median of several timings of an async function, after one warm-up run. */
export async function medianTime(run: () => Promise<unknown> | unknown, repetitions = 5): Promise<number> {
  await run();
  const times: number[] = [];
  for (let index = 0; index < repetitions; index += 1) times.push(await timeOnce(run));
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? 0;
}
