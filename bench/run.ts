// Runs every bench/*.bench.ts file (or those named on the command line) and writes
// docs/benchmarks.md: machine, date, and one section per file.
import { readdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { pathToFileURL } from 'node:url';
import type { BenchSection } from './section.js';

const benchDir = new URL('./', import.meta.url);
const only = process.argv.slice(2);
const files = (await readdir(benchDir))
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => only.length === 0 || only.some((name) => file.includes(name)))
  .sort();

const sections: BenchSection[] = [];
for (const file of files) {
  console.error(`bench: ${file}`);
  const module = (await import(pathToFileURL(new URL(file, benchDir).pathname).href)) as {
    run: () => Promise<BenchSection>;
  };
  const section = await module.run();
  console.error(`bench: ${section.title}: ${section.targetsMet ? 'targets met' : 'TARGET MISSED'}`);
  sections.push(section);
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}`;
const document = [
  '# Benchmarks',
  '',
  'Written by `pnpm bench` (`bench/run.ts`). Each section measures a baseline in the same run and',
  'reports ratios against it, so the numbers compare across machines.',
  '',
  `- Machine: ${machine}`,
  `- Date: ${new Date().toISOString().slice(0, 10)}`,
  '',
  ...sections.flatMap((section) => [`## ${section.title}`, '', section.markdown.trim(), '']),
].join('\n');

if (only.length === 0) await writeFile(new URL('../docs/benchmarks.md', benchDir), document);
else console.log(document);
