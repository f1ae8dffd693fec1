// `pnpm fuzz [--seed N] [--time-budget SECONDS]`: a longer randomized run than `pnpm test`.
// Phase 1 runs the fast-check properties of image references with many more runs; phase 2
// mutates YAML files of the real corpora at random and loads each mutated repository with
// loadManifests and loadFluxRepository, checking that nothing throws, every diagnostic names a
// file, and every image location stays inside the repository. Prints the seed first, and on a
// failure the command that reproduces it; exits 1 when anything failed.
import { cp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { extractImages, loadManifests, tryParseImageReference } from '@sluice/core';
import { loadFluxRepository } from '@sluice/flux-adapter';
import { repoPath } from '@sluice/test-utils';
import { createRandom, mutate } from './fuzz/mutate.js';
import { imageReference, pathComponent } from './properties/arbitraries.js';
import { makeTempDir } from './support/temp-repo.js';

const CORPORA = [
  'flux2-kustomize-helm-example-pre-2.7',
  'flux2-kustomize-helm-example',
  'flux2-multi-tenancy',
  'flux2-multi-tenancy-dev-team',
];

const { values } = parseArgs({
  options: { seed: { type: 'string' }, 'time-budget': { type: 'string' } },
  allowPositionals: false,
});
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
const budgetMs = Number(values['time-budget'] ?? 60) * 1000;
const started = Date.now();
const failures: string[] = [];
console.log(`sluice fuzz: seed ${seed}, time budget ${budgetMs / 1000} s`);

// Phase 1: properties, a third of the budget.
const anyText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  imageReference,
  fc.tuple(imageReference, fc.string({ maxLength: 4 })).map(([ref, noise]) => ref + noise),
  // First components that look like a registry (a dot) built from path characters.
  fc.tuple(pathComponent, pathComponent, imageReference).map(([host, tld, ref]) => `${host}.${tld}/${ref}`),
);
const propertyResult = fc.check(
  fc.property(anyText, (text) => {
    const result = tryParseImageReference(text);
    if (!result.ok) return result.message.length > 0;
    const again = tryParseImageReference(result.ref.normalized);
    return (
      again.ok &&
      again.ref.normalized === result.ref.normalized &&
      !result.ref.normalized.startsWith('-') &&
      !/\s/.test(result.ref.normalized)
    );
  }),
  { seed, numRuns: 10_000_000, interruptAfterTimeLimit: Math.floor(budgetMs / 3) },
);
console.log(
  `properties: ${propertyResult.numRuns} runs${propertyResult.failed ? `, FAILED on ${JSON.stringify(propertyResult.counterexample)}` : ', all passed'}`,
);
if (propertyResult.failed)
  failures.push(`image reference property: ${JSON.stringify(propertyResult.counterexample)}`);

// Phase 2: YAML mutations of corpus files, until the budget is spent.
const random = createRandom(seed);
let iterations = 0;
const yamlFiles = async (root: string): Promise<string[]> =>
  (await readdir(root, { recursive: true })).filter((file) => /\.ya?ml$/.test(file)).sort();
while (Date.now() - started < budgetMs) {
  iterations += 1;
  const corpus = CORPORA[Math.floor(random() * CORPORA.length)]!;
  const root = await makeTempDir('sluice-fuzz-');
  try {
    await cp(repoPath(`fixtures/corpora/${corpus}`), root, { recursive: true });
    const files = await yamlFiles(root);
    const changes: string[] = [];
    for (let count = 1 + Math.floor(random() * 3); count > 0 && files.length > 0; count -= 1) {
      const file = files[Math.floor(random() * files.length)]!;
      const { text, applied } = mutate(await readFile(join(root, file), 'utf8'), random);
      await writeFile(join(root, file), text);
      changes.push(`${file}: ${applied.join('+')}`);
    }
    const where = `iteration ${iterations} (${corpus}; ${changes.join(', ')})`;
    try {
      const loaded = await loadManifests(root);
      const extracted = extractImages(loaded.documents);
      const repository = await loadFluxRepository(root);
      for (const diagnostic of [...loaded.diagnostics, ...extracted.diagnostics, ...repository.diagnostics]) {
        if (typeof diagnostic.file !== 'string')
          failures.push(`${where}: a diagnostic without a file: ${JSON.stringify(diagnostic)}`);
      }
      for (const image of repository.images) {
        for (const location of image.locations) {
          if (location.file.startsWith('/') || location.file.startsWith('..'))
            failures.push(`${where}: image ${image.ref} located outside the root at ${location.file}`);
        }
      }
    } catch (error) {
      failures.push(
        `${where}: threw ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
console.log(`mutations: ${iterations} mutated repositories loaded`);
if (failures.length > 0) {
  console.log(`${failures.length} failure(s):\n${failures.map((failure) => `- ${failure}`).join('\n')}`);
  console.log(`reproduce: pnpm fuzz --seed ${seed} --time-budget ${budgetMs / 1000}`);
  process.exitCode = 1;
} else {
  console.log('no failures');
}
