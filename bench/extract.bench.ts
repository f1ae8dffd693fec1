// Extraction with positions (parseManifests + extractImages) against a bare js-yaml loadAll of
// the same texts, in the same run: (a) a generated corpus of workload manifests, (b) every
// YAML file of the joryirving-home-ops corpus. Target: at most 1.3× the bare parse.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import type { loadAll } from 'js-yaml';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { extractImages, parseManifests, walkYamlFiles } from '../packages/core/src/index.js';
import type { BenchOptions, BenchSection } from './section.js';
import { medianTime } from './section.js';

// The very js-yaml build that @sluice/core imports (its ESM build; the root has no js-yaml).
const jsYamlPackage = createRequire(new URL('../packages/core/package.json', import.meta.url)).resolve(
  'js-yaml/package.json',
);
const yaml = (
  (await import(pathToFileURL(join(dirname(jsYamlPackage), 'dist/js-yaml.mjs')).href)) as {
    default: { loadAll: typeof loadAll };
  }
).default;

const TARGET = 1.3;
const PAIRS = 15;
const HOME_OPS = fileURLToPath(new URL('../fixtures/corpora/joryirving-home-ops/', import.meta.url));

interface Corpus {
  readonly name: string;
  readonly texts: { file: string; text: string }[];
}

const KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Pod'] as const;

/** One workload manifest with realistic bulk: labels, env, probes, resources, 2–3 containers. */
function workload(index: number): string {
  const kind = KINDS[index % KINDS.length]!;
  const apiVersion = kind === 'Pod' ? 'v1' : kind === 'Job' || kind === 'CronJob' ? 'batch/v1' : 'apps/v1';
  const name = `app-${index}`;
  const containers = (indent: string): string =>
    ['main', 'sidecar', 'metrics']
      .slice(0, 2 + (index % 2))
      .map(
        (container, position) => `${indent}- name: ${container}
${indent}  image: "registry-${index % 7}.example.com/team-${index % 13}/${name}-${container}:1.${index % 50}.${position}"
${indent}  imagePullPolicy: IfNotPresent
${indent}  args: ["--port=80${position}", "--log-level=info", "--name=${name}"]
${indent}  ports:
${indent}    - {name: http, containerPort: 80${position}, protocol: TCP}
${indent}  env:
${indent}    - name: APP_NAME
${indent}      value: ${name}
${indent}    - name: POD_NAMESPACE
${indent}      valueFrom: {fieldRef: {fieldPath: metadata.namespace}}
${indent}    - name: FEATURE_FLAGS
${indent}      value: 'alpha,beta,gamma-${index % 5}'
${indent}  resources:
${indent}    requests: {cpu: 100m, memory: 128Mi}
${indent}    limits: {cpu: "1", memory: 512Mi}
${indent}  readinessProbe:
${indent}    httpGet: {path: /healthz, port: 80${position}}
${indent}    initialDelaySeconds: 5
${indent}  securityContext:
${indent}    runAsNonRoot: true
${indent}    readOnlyRootFilesystem: true
${indent}    capabilities: {drop: [ALL]}
`,
      )
      .join('');
  const podSpec = (indent: string): string => `${indent}serviceAccountName: ${name}
${indent}initContainers:
${indent}  - name: init
${indent}    image: busybox:1.36.${index % 3}
${indent}    command: [sh, -c, "echo init ${index}"]
${indent}containers:
${containers(`${indent}  `)}${indent}volumes:
${indent}  - name: config
${indent}    configMap: {name: ${name}-config}
`;
  const metadata = `metadata:
  name: ${name}
  namespace: team-${index % 13}
  labels:
    app.kubernetes.io/name: ${name}
    app.kubernetes.io/part-of: bench
  annotations:
    # generated for the benchmark
    example.com/owner: "team-${index % 13}"
`;
  if (kind === 'Pod') return `apiVersion: v1\nkind: Pod\n${metadata}spec:\n${podSpec('  ')}`;
  if (kind === 'CronJob') {
    return `apiVersion: ${apiVersion}\nkind: CronJob\n${metadata}spec:\n  schedule: "*/5 * * * *"\n  jobTemplate:\n    spec:\n      template:\n        metadata:\n          labels: {app: ${name}}\n        spec:\n          restartPolicy: OnFailure\n${podSpec('          ')}`;
  }
  const selector = kind === 'Job' ? '' : `  selector:\n    matchLabels: {app: ${name}}\n`;
  return `apiVersion: ${apiVersion}\nkind: ${kind}\n${metadata}spec:\n${selector}  template:\n    metadata:\n      labels: {app: ${name}}\n    spec:\n${podSpec('      ')}`;
}

/** The generated corpus: `count` workload manifests, `perFile` documents per file. */
export function generatedCorpus(count: number, perFile: number): Corpus {
  const texts: { file: string; text: string }[] = [];
  for (let start = 0; start < count; start += perFile) {
    const documents = Array.from({ length: Math.min(perFile, count - start) }, (_, offset) =>
      workload(start + offset),
    );
    texts.push({ file: `generated/part-${start / perFile}.yaml`, text: `${documents.join('---\n')}` });
  }
  return { name: `generated: ${count.toLocaleString('en')} workload manifests`, texts };
}

async function homeOpsCorpus(): Promise<Corpus> {
  const { files } = await walkYamlFiles(HOME_OPS);
  const texts = await Promise.all(
    files.map(async (file) => ({ file: file.path, text: await readFile(join(HOME_OPS, file.path), 'utf8') })),
  );
  return { name: 'joryirving-home-ops: all YAML files', texts };
}

function bareLoad(corpus: Corpus): number {
  let documents = 0;
  for (const { text } of corpus.texts) {
    try {
      documents += yaml.loadAll(text).length;
    } catch {
      // A file the bare parser rejects costs what it cost until the error, as it does for Sluice.
    }
  }
  return documents;
}

function sluiceExtract(corpus: Corpus): number {
  let references = 0;
  for (const { file, text } of corpus.texts)
    references += extractImages(parseManifests(text, file).documents).references.length;
  return references;
}

interface Row {
  readonly corpus: Corpus;
  readonly bytes: number;
  readonly documents: number;
  readonly references: number;
  readonly bare: number;
  readonly sluice: number;
  /** Median of the pairs' wall-clock ratios. */
  readonly ratio: number;
  /** Median of the pairs' CPU-time ratios (less sensitive to other processes). */
  readonly cpuRatio: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Wall-clock and CPU milliseconds of one call. */
function timeBoth(run: () => unknown): { wall: number; cpu: number } {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  run();
  const wall = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  return { wall, cpu: (cpu.user + cpu.system) / 1000 };
}

async function measure(corpus: Corpus, repeat: number, pairs = PAIRS): Promise<Row> {
  const bytes = corpus.texts.reduce((sum, { text }) => sum + Buffer.byteLength(text), 0);
  const documents = bareLoad(corpus);
  const references = sluiceExtract(corpus);
  // Back-to-back pairs, in alternating order, so that load from other processes hits both
  // sides of each pair alike; the ratio is the median of the pairs' ratios.
  const bareTimes: number[] = [];
  const sluiceTimes: number[] = [];
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  await medianTime(() => bareLoad(corpus), 1);
  await medianTime(() => sluiceExtract(corpus), 1);
  for (let pair = 0; pair < pairs; pair += 1) {
    let bare: { wall: number; cpu: number };
    let sluice: { wall: number; cpu: number };
    const runBare = (): void => {
      for (let round = 0; round < repeat; round += 1) bareLoad(corpus);
    };
    const runSluice = (): void => {
      for (let round = 0; round < repeat; round += 1) sluiceExtract(corpus);
    };
    if (pair % 2 === 0) {
      bare = timeBoth(runBare);
      sluice = timeBoth(runSluice);
    } else {
      sluice = timeBoth(runSluice);
      bare = timeBoth(runBare);
    }
    bareTimes.push(bare.wall);
    sluiceTimes.push(sluice.wall);
    ratios.push(sluice.wall / bare.wall);
    cpuRatios.push(sluice.cpu / bare.cpu);
  }
  return {
    corpus,
    bytes,
    documents,
    references,
    bare: median(bareTimes) / repeat,
    sluice: median(sluiceTimes) / repeat,
    ratio: median(ratios),
    cpuRatio: median(cpuRatios),
  };
}

/** Runs the benchmark and returns its section of docs/benchmarks.md. */
export async function run(options: BenchOptions = {}): Promise<BenchSection> {
  // The small corpus runs several times per timing, so that one time slice lost to another
  // process does not decide a pair.
  const rows = options.smoke
    ? [await measure(generatedCorpus(100, 20), 1, 1), await measure(await homeOpsCorpus(), 1, 1)]
    : [await measure(generatedCorpus(5000, 20), 1), await measure(await homeOpsCorpus(), 8)];
  const targetsMet = rows.every((row) => row.ratio <= TARGET);
  const table = rows.map(
    (row) =>
      `| ${row.corpus.name} | ${row.corpus.texts.length.toLocaleString('en')} | ${(row.bytes / 2 ** 20).toFixed(1)} MiB | ${row.documents.toLocaleString('en')} | ${row.references.toLocaleString('en')} | ${row.bare.toFixed(0)} ms | ${row.sluice.toFixed(0)} ms | ${row.ratio.toFixed(2)}× | ${row.cpuRatio.toFixed(2)}× |`,
  );
  const markdown = [
    'Image extraction with source positions (`parseManifests` + `extractImages`: js-yaml with the',
    'position listener, Kubernetes object typing, template check, PodSpec search, reference parsing)',
    'against a bare `js-yaml` `loadAll` of the same in-memory texts, measured in the same run: after a',
    `warm-up, ${PAIRS} back-to-back pairs in alternating order; times are medians, the ratio is the`,
    `median of the pairs' ratios (wall clock, and CPU time of the process, which includes the`,
    `garbage collector's threads); the home-ops corpus runs 8 times per timing (times are per run).`,
    `Target: a wall-clock ratio of at most ${TARGET}× the bare parse.`,
    '',
    '| corpus | files | size | documents | image references | bare loadAll (median) | Sluice (median) | ratio (wall clock) | ratio (CPU time) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...table,
    '',
    targetsMet
      ? `Target met: every wall-clock ratio is at most ${TARGET}×.`
      : `Target missed: a wall-clock ratio is above ${TARGET}×.`,
    '',
    `Load average at the end of the run: ${loadavg()
      .map((load) => load.toFixed(1))
      .join(', ')} on ${cpus().length} CPUs (other processes share the machine).`,
  ].join('\n');
  return { title: 'Image extraction with positions vs bare YAML parsing', markdown, targetsMet };
}
