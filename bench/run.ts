// Runs every bench/*.bench.ts file (or those whose name contains an argument), stores each
// section in bench/results/<file>.md with the machine and date, and rebuilds
// docs/benchmarks.md from all stored sections. `--smoke` runs each on tiny inputs to check
// that it works (CI) and records nothing.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import type { BenchOptions, BenchSection } from './section.js';

const benchDir = new URL('./', import.meta.url);
const resultsDir = new URL('./results/', benchDir);
const smoke = process.argv.includes('--smoke');
const only = process.argv.slice(2).filter((argument) => argument !== '--smoke');
const files = (await readdir(benchDir))
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => only.length === 0 || only.some((name) => file.includes(name)))
  .sort();

const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}`;
const date = new Date().toISOString().slice(0, 10);
await mkdir(resultsDir, { recursive: true });

let missed = 0;
for (const file of files) {
  console.error(`bench: ${file}`);
  const module = (await import(new URL(file, benchDir).href)) as {
    run: (options: BenchOptions) => Promise<BenchSection>;
  };
  const started = performance.now();
  const section = await module.run({ smoke });
  if (smoke) {
    console.error(
      `bench: ${section.title}: ran on tiny inputs in ${Math.round(performance.now() - started)} ms`,
    );
    continue;
  }
  if (!section.targetsMet) missed += 1;
  console.error(`bench: ${section.title}: ${section.targetsMet ? 'targets met' : 'TARGET MISSED'}`);
  const body = [
    `## ${section.title}`,
    '',
    `Measured ${date} on ${machine}.`,
    '',
    section.markdown.trim(),
    '',
  ];
  await writeFile(new URL(file.replace(/\.bench\.ts$/, '.md'), resultsDir), body.join('\n'));
}

if (smoke) {
  console.error(`bench: smoke run of ${files.length} files done; nothing recorded`);
  process.exit(0);
}

const stored = (await readdir(resultsDir)).filter((file) => file.endsWith('.md')).sort();
const sections = await Promise.all(stored.map((file) => readFile(new URL(file, resultsDir), 'utf8')));
const document = [
  '# Benchmarks',
  '',
  'Written by `pnpm bench` (`bench/run.ts`; `pnpm bench <name>` reruns one file). Every section',
  'measures its baseline in the same run and reports ratios against it, so the numbers compare',
  'across machines. Each section names the machine and date it was measured on.',
  '',
  ...sections,
].join('\n');
await writeFile(new URL('../docs/benchmarks.md', benchDir), document);
console.error(`bench: wrote docs/benchmarks.md (${files.length} run, ${missed} with a missed target)`);
