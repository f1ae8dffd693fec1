// The built CLI as a user runs it (`node packages/cli/dist/bin.js …`, whole processes, after
// `pnpm build`), each scenario against a baseline process measured in the same run: start-up
// against `node -e 0`, Flux and plain reading against a bare js-yaml process on the same files
// (and Renovate's managers when SLUICE_BENCH_RENOVATE names a folder where renovate is
// installed), a warm scan against the same read without scanning. Peak memory of every process
// is recorded, and one profiled run per scenario says where the time went.
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { helmBinary } from '@sluice/test-utils';
import type { BenchOptions, BenchSection } from './section.js';
import type { ProcessSpec, ProcessSummary } from './process/measure.js';
import { measureProcesses, runProcess, writeUsageHook } from './process/measure.js';
import { writePlainRepository, writeTinyRepository } from './process/inputs.js';
import { renderProfileTable, summarizeProfile } from './process/profile-summary.js';
import { findNewerSource } from './process/build-check.js';

const repo = (path: string): string => fileURLToPath(new URL(`../${path}`, import.meta.url));
const BIN = repo('packages/cli/dist/bin.js');
const BARE_LOAD = repo('bench/process/bare-load.mjs');
const RENOVATE_MANAGERS = repo('bench/process/renovate-managers.mjs');
const FAKE_TRIVY = repo('internal/fake-trivy');
const HOME_OPS = repo('fixtures/corpora/joryirving-home-ops');
/** The Flux corpus of a smoke run: small, so that CI checks the benchmark runs in seconds. */
const SMOKE_FLUX = repo('fixtures/corpora/flux2-kustomize-helm-example-pre-2.7');
const GOLDENS = repo('packages/cli/src/e2e/__goldens__');

const START_TARGET_MS = 120;
const START_TARGET_RATIO = 3;
const FLUX_TARGET_MS = 600;
const RENOVATE_TARGET_RATIO = 0.71;
const PLAIN_TARGET_RATIO = 1.5;
const PLAIN_TARGET_RSS_MIB = 250;
const SCAN_TARGET_MS = 1000;

const ms = (value: number): string => `${Math.round(value).toLocaleString('en-US')} ms`;
const mib = (kib: number): string => `${(kib / 1024).toFixed(0)} MiB`;

function table(rows: readonly ProcessSummary[], baselineName: string): string {
  return [
    `| process | runs | wall (median) | CPU (median) | peak RSS | wall ratio to ${baselineName} | CPU ratio |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (row, index) =>
        `| ${row.label} | ${row.runs} | ${ms(row.wallMs)} | ${ms(row.cpuMs)} | ${mib(row.maxRssKiB)} | ${index === 0 ? '1.00× (baseline)' : `${row.ratio.toFixed(2)}×`} | ${index === 0 ? '' : `${row.cpuRatio.toFixed(2)}×`} |`,
    ),
  ].join('\n');
}

const verdict = (met: boolean): string => (met ? 'met' : '**missed**');

/** Runs the benchmark and returns its section of docs/benchmarks.md. */
export async function run(options: BenchOptions = {}): Promise<BenchSection> {
  const stale = await findNewerSource(BIN);
  if (stale) throw new Error(`${stale} is newer than packages/cli/dist/bin.js: run \`pnpm build\` first`);
  const smoke = options.smoke === true;
  const rounds = smoke ? 1 : 9;
  const heavyRounds = smoke ? 1 : 7;
  const workloads = smoke ? 200 : 10_000;
  const fluxRepo = smoke ? SMOKE_FLUX : HOME_OPS;
  const warmUp = !smoke;
  const progress = (stage: string): void => console.error(`bench: process: ${stage}`);
  const loadStart = loadavg()[0] ?? 0;
  const dir = await mkdtemp(join(tmpdir(), 'sluice-bench-process-'));
  try {
    const hook = await writeUsageHook(dir);
    const empty = join(dir, 'empty');
    await mkdir(empty);
    const tiny = await writeTinyRepository(join(dir, 'tiny'));
    const plain = await writePlainRepository(join(dir, 'plain'), workloads);
    const helm = await helmBinary(3);
    // A private HOME and cache: the result cache and the chart cache start empty.
    const env = {
      HOME: join(dir, 'home'),
      XDG_CACHE_HOME: join(dir, 'cache'),
      NO_COLOR: '1',
      PATH: [dirname(process.execPath), '/usr/bin', '/bin'].join(delimiter),
    };
    const withHelm = { ...env, PATH: [dirname(helm), env.PATH].join(delimiter) };
    const sluice = (
      label: string,
      args: readonly string[],
      extra: Partial<ProcessSpec> = {},
    ): ProcessSpec => ({
      label,
      args: [BIN, ...args],
      env,
      cwd: dir,
      ...extra,
    });
    const bare = (label: string, folder: string): ProcessSpec => ({ label, args: [BARE_LOAD, folder] });

    // 1. Start-up.
    progress('start-up');
    const start = await measureProcesses(
      { label: '`node -e 0`', args: ['-e', '0'] },
      [
        sluice('`sluice --version`', ['--version']),
        sluice('`sluice images EMPTY` (an input error: exit 2)', ['images', empty], { expectCode: 2 }),
        sluice('`sluice images TINY` (one Deployment)', ['images', tiny]),
      ],
      { rounds, hook, warmUp },
    );
    const startMet = start
      .slice(1, 3)
      .every((row) => row.wallMs <= START_TARGET_MS && row.ratio <= START_TARGET_RATIO);

    // 2. Flux mode on home-ops: values only, and charts rendered offline with helm on PATH
    // (a user without network; the chart cache is empty, so no chart can be fetched).
    progress('Flux mode');
    const noRenderOut = join(dir, 'home-ops.no-render.json');
    const fluxSpecs: ProcessSpec[] = [
      sluice(
        '`sluice images HOME_OPS --no-render --format json`',
        ['images', fluxRepo, '--no-render', '--format', 'json'],
        {
          stdoutFile: noRenderOut,
        },
      ),
      sluice(
        '`sluice images HOME_OPS --offline --format json` (helm 3.17 on PATH)',
        ['images', fluxRepo, '--offline', '--format', 'json'],
        {
          env: withHelm,
        },
      ),
    ];
    const renovate = process.env.SLUICE_BENCH_RENOVATE;
    if (renovate && !smoke) {
      fluxSpecs.push({
        label: "Renovate's flux + kubernetes managers on every YAML file",
        args: [RENOVATE_MANAGERS, renovate, HOME_OPS],
      });
    }
    const flux = await measureProcesses(
      bare('bare js-yaml `loadAll` of every YAML file', fluxRepo),
      fluxSpecs,
      {
        rounds: heavyRounds,
        hook,
        warmUp,
      },
    );
    const sameImages =
      smoke ||
      (await readFile(noRenderOut, 'utf8')) ===
        (await readFile(join(GOLDENS, 'home-ops.no-render.images.json'), 'utf8'));
    const fluxMet = sameImages && flux.slice(1, 3).every((row) => row.wallMs <= FLUX_TARGET_MS);
    // The issue set 0.6 s as "below Renovate's 0.85 s", measured on another machine: the same
    // bound as a ratio to Renovate run here, in the same rounds (both against the bare parse).
    const renovateRow = flux[3];

    // 3. Plain mode on generated workloads, JSON to a file.
    progress('plain mode');
    const plainOut = join(dir, 'plain.json');
    const plainRows = await measureProcesses(
      bare('bare js-yaml `loadAll` of every YAML file', plain.folder),
      [
        sluice('`sluice images PLAIN --format json > FILE`', ['images', plain.folder, '--format', 'json'], {
          stdoutFile: plainOut,
        }),
      ],
      { rounds: heavyRounds, hook, warmUp },
    );
    const plainFile = JSON.parse(await readFile(plainOut, 'utf8')) as {
      images: { locations: unknown[] }[];
    };
    const plainLocations = plainFile.images.reduce((sum, image) => sum + image.locations.length, 0);
    const plainRow = plainRows[1]!;
    const plainMet =
      plainLocations === workloads &&
      plainRow.ratio <= PLAIN_TARGET_RATIO &&
      plainRow.maxRssKiB / 1024 < PLAIN_TARGET_RSS_MIB;

    // 4. A warm scan: the stand-in trivy fills the result cache in a cold run, then every
    // result comes from the cache.
    progress('warm scan');
    const trivyLog = join(dir, 'trivy.jsonl');
    const trivyImages = join(dir, 'trivy-images.json');
    await writeFile(trivyImages, JSON.stringify({ '*': 'debian-buster.json.golden' }));
    const scanEnv = {
      ...env,
      PATH: [FAKE_TRIVY, env.PATH].join(delimiter),
      FAKE_TRIVY_IMAGES: trivyImages,
      FAKE_TRIVY_LOG: trivyLog,
    };
    // A smoke run scans the tiny repository: a cold scan of home-ops starts 131 trivy processes.
    const scanRepo = smoke ? tiny : HOME_OPS;
    const scanArgs = ['scan', scanRepo, '--no-render', '--format', 'json'];
    await runProcess(sluice('cold scan', scanArgs, { env: scanEnv, expectCode: 1 }), hook);
    const coldCalls = await countLines(trivyLog);
    const scan = await measureProcesses(
      sluice(
        '`sluice images HOME_OPS --no-render` (the same read, no scan)',
        ['images', scanRepo, '--no-render'],
        {
          env: scanEnv,
        },
      ),
      [
        sluice('`sluice scan HOME_OPS --no-render`, every result cached', scanArgs, {
          env: scanEnv,
          expectCode: 1,
        }),
      ],
      { rounds: heavyRounds, hook, warmUp },
    );
    const warmCalls = (await countLines(trivyLog)) - coldCalls;
    const scanMet = scan[1]!.wallMs <= SCAN_TARGET_MS && warmCalls === 0;

    // 5. One profiled run per scenario.
    progress('profiles');
    const profiles: string[] = [];
    const profiled: [string, ProcessSpec][] = [
      ['`sluice images EMPTY`', sluice('profile', ['images', empty], { expectCode: 2 })],
      ['`sluice images HOME_OPS --no-render`', sluice('profile', ['images', HOME_OPS, '--no-render'])],
      [
        '`sluice images PLAIN --format json`',
        sluice('profile', ['images', plain.folder, '--format', 'json']),
      ],
      [
        'warm `sluice scan HOME_OPS --no-render`',
        sluice('profile', scanArgs, { env: scanEnv, expectCode: 1 }),
      ],
    ];
    for (const [index, [name, spec]] of (smoke ? profiled.slice(0, 1) : profiled).entries()) {
      const profileDir = join(dir, `profile-${index}`);
      await runProcess({ ...spec, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] }, hook);
      const summary = await summarizeProfile(join(profileDir, await onlyFile(profileDir)));
      profiles.push(
        `${name}: ${ms(summary.totalMs)} profiled; top functions by self time: ${summary.functions
          .slice(0, 5)
          .map((share) => `${share.name} ${ms(share.ms)}`)
          .join(', ')}.`,
        '',
        renderProfileTable(summary),
        '',
      );
    }

    const loadEnd = loadavg()[0] ?? 0;
    const x = (value: number): string => `${value.toFixed(2)}×`;
    const [, version, emptyRow] = start;
    const [, noRender, offline] = flux;
    const summary = [
      '### The targets of #15 in this run',
      '',
      '| target (as the issue sets it) | baseline in the same run | result | met? |',
      '| --- | --- | --- | --- |',
      `| \`sluice --version\` ≤ ${START_TARGET_MS} ms wall, ≤ ${START_TARGET_RATIO}× \`node -e 0\` | \`node -e 0\` ${ms(start[0]!.wallMs)} | ${ms(version!.wallMs)}, ${x(version!.ratio)} | ${verdict(version!.wallMs <= START_TARGET_MS && version!.ratio <= START_TARGET_RATIO)} |`,
      `| \`sluice images EMPTY\` ≤ ${START_TARGET_MS} ms wall, ≤ ${START_TARGET_RATIO}× \`node -e 0\` | \`node -e 0\` ${ms(start[0]!.wallMs)} | ${ms(emptyRow!.wallMs)}, ${x(emptyRow!.ratio)} | ${verdict(emptyRow!.wallMs <= START_TARGET_MS && emptyRow!.ratio <= START_TARGET_RATIO)} |`,
      `| Flux, home-ops \`--no-render\` ≤ ${FLUX_TARGET_MS} ms wall | bare parse ${ms(flux[0]!.wallMs)} | ${ms(noRender!.wallMs)} (${x(noRender!.ratio)} the bare parse) | ${verdict(sameImages && noRender!.wallMs <= FLUX_TARGET_MS)} |`,
      `| Flux, home-ops \`--offline\` ≤ ${FLUX_TARGET_MS} ms wall | bare parse ${ms(flux[0]!.wallMs)} | ${ms(offline!.wallMs)} (${x(offline!.ratio)}) | ${verdict(sameImages && offline!.wallMs <= FLUX_TARGET_MS)} |`,
      ...(renovateRow === undefined
        ? []
        : [
            `| … as "below Renovate": ≤ ${RENOVATE_TARGET_RATIO}× Renovate (0.6 s against its 0.85 s) | Renovate ${ms(renovateRow.wallMs)} | \`--no-render\` ${x(noRender!.ratio / renovateRow.ratio)}, \`--offline\` ${x(offline!.ratio / renovateRow.ratio)} | ${verdict([noRender!, offline!].every((row) => row.ratio / renovateRow.ratio <= RENOVATE_TARGET_RATIO))} |`,
          ]),
      `| Plain, 10,000 workloads ≤ ${PLAIN_TARGET_RATIO}× the bare \`loadAll\` process | bare parse ${ms(plainRows[0]!.wallMs)} wall, ${ms(plainRows[0]!.cpuMs)} CPU | ${x(plainRow.ratio)} wall, ${x(plainRow.cpuRatio)} CPU | ${verdict(plainRow.ratio <= PLAIN_TARGET_RATIO)} |`,
      `| Plain peak memory < ${PLAIN_TARGET_RSS_MIB} MB | bare parse ${mib(plainRows[0]!.maxRssKiB)} | ${mib(plainRow.maxRssKiB)} | ${verdict(plainRow.maxRssKiB / 1024 < PLAIN_TARGET_RSS_MIB)} |`,
      `| Warm \`sluice scan\` of home-ops ≤ ${SCAN_TARGET_MS} ms wall | the same read alone ${ms(scan[0]!.wallMs)} | ${ms(scan[1]!.wallMs)} (${x(scan[1]!.ratio)} the read), ${warmCalls} trivy calls | ${verdict(scanMet)} |`,
      '',
    ];
    const markdown = [
      'The built CLI as a user runs it: `node packages/cli/dist/bin.js …` after `pnpm build`, each',
      'run a whole process (spawned, to its exit). Every scenario interleaves its processes with a',
      `baseline process, round by round, after one uncounted warm-up round; times are medians, ratios`,
      "the median of the rounds' ratios; CPU is the process's user + system time (all its threads),",
      'peak RSS the highest of its runs (`VmHWM` of `/proc/self/status`, or `maxRSS` where there is',
      'none; both read at exit through a preloaded hook that every process, the baselines too,',
      'carries).',
      '',
      `Load average: ${loadStart.toFixed(1)} at the start, ${loadEnd.toFixed(1)} at the end, on ${availableParallelism()} CPUs shared with other work: wall times include waiting for a CPU; CPU times do not.`,
      '',
      ...summary,
      '### Start-up',
      '',
      table(start, '`node -e 0`'),
      '',
      `Target: \`--version\` and \`images EMPTY\` within ${START_TARGET_MS} ms wall and ${START_TARGET_RATIO}× \`node -e 0\`: ${verdict(startMet)}.`,
      '',
      '### Flux mode: the home-ops corpus',
      '',
      `fixtures/corpora/joryirving-home-ops (1,119 YAML files, 3 clusters). \`--no-render\` reads images from HelmRelease values only (no helm, no network); \`--offline\` renders charts as by default, with helm 3.17 on PATH but without network and with an empty chart cache, so every chart is reported not rendered.${renovate && !smoke ? '' : " Renovate's managers were not run here (set SLUICE_BENCH_RENOVATE to a folder where `npm install renovate@39` ran); the issue measured them at 0.85 s on the same files."}`,
      '',
      table(flux, 'the bare parse'),
      '',
      `Images file of \`--no-render\` byte-identical to the committed golden (\`packages/cli/src/e2e/__goldens__/home-ops.no-render.images.json\`): ${sameImages ? 'yes' : '**no**'}.`,
      `Target: both within ${FLUX_TARGET_MS} ms wall, same images and locations: ${verdict(fluxMet)}.`,
      '',
      '### Plain mode: generated workloads',
      '',
      `${plain.workloads.toLocaleString('en-US')} workload manifests (Deployments, StatefulSets, DaemonSets) in ${plain.files.toLocaleString('en-US')} files, ${(plain.bytes / 1e6).toFixed(1)} MB; the images file (${plainLocations.toLocaleString('en-US')} locations) is written to a file.`,
      '',
      table(plainRows, 'the bare parse'),
      '',
      `Target: within ${PLAIN_TARGET_RATIO}× the bare parse and under ${PLAIN_TARGET_RSS_MIB} MB peak RSS: ${verdict(plainMet)}.`,
      '',
      '### Warm scan of the home-ops corpus',
      '',
      `The stand-in trivy (\`internal/fake-trivy\`, every image replaying the debian-buster report) filled the result cache in one cold run (${coldCalls} trivy calls); the measured runs made ${warmCalls} trivy calls. The scan exits 1 (failing images).`,
      '',
      table(scan, 'the read alone'),
      '',
      `Target: within ${SCAN_TARGET_MS} ms wall, no trivy call: ${verdict(scanMet)}.`,
      '',
      '### Profiles (one `node --cpu-prof` run each, self time by category)',
      '',
      ...profiles,
    ].join('\n');
    return {
      title: 'Whole process: start-up, Flux and plain reading, warm scan (built CLI)',
      markdown,
      targetsMet: startMet && fluxMet && plainMet && scanMet,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function countLines(path: string): Promise<number> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).length;
}

async function onlyFile(folder: string): Promise<string> {
  const [file] = await readdir(folder);
  if (!file || !(await stat(join(folder, file))).isFile()) throw new Error(`no profile in ${folder}`);
  return file;
}
