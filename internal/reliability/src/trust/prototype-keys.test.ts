// A repository decides its keys. `__proto__` is an ordinary key in Go's maps (Flux reads it as
// one), but in JavaScript it names the prototype: code that merges or patches values through an
// inherited `__proto__` writes into Object.prototype for the whole process (a hostile
// repository could then make every object look suspended, or hide its images). Case T20 of
// docs/reliability.md, section 7: the home-ops corpus with a `__proto__` key added to thousands
// of mappings (metadata, spec, values, templates, data, labels; inside kustomize patches too).
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildGateReport, createImagesFile, loadFluxRepository } from '@sluice/flux-adapter';
import { repoPath } from '@sluice/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';

const MAPPING = /^( *)(- )?(metadata|spec|values|template|data|containers|labels):\s*$/;

/** Adds `__proto__: {pollutedN: yes}` as the first key of every block mapping MAPPING opens. */
function withPrototypeKeys(text: string, counter: { added: number }): string {
  const lines = text.split('\n');
  const out: string[] = [];
  for (const [index, line] of lines.entries()) {
    out.push(line);
    const match = MAPPING.exec(line);
    const next = lines[index + 1] ?? '';
    const indent = next.length - next.trimStart().length;
    const own = (match?.[1]?.length ?? 0) + (match?.[2] ? 2 : 0);
    if (match && indent > own && !next.trimStart().startsWith('- ')) {
      out.push(`${' '.repeat(indent)}__proto__: {polluted${counter.added % 5}: yes}`);
      counter.added += 1;
    }
  }
  return out.join('\n');
}

async function rewriteYaml(folder: string, counter: { added: number }): Promise<void> {
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) await rewriteYaml(path, counter);
    else if (/\.ya?ml$/.test(entry.name))
      await writeFile(path, withPrototypeKeys(await readFile(path, 'utf8'), counter));
  }
}

const polluted = (): string[] =>
  Object.getOwnPropertyNames(Object.prototype).filter((name) => name.startsWith('polluted'));

let root: string;
const counter = { added: 0 };
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sluice-prototype-keys-'));
  await cp(repoPath('fixtures/corpora/joryirving-home-ops'), root, { recursive: true });
  await rewriteYaml(root, counter);
});
afterAll(async () => {
  for (const name of polluted()) delete (Object.prototype as Record<string, unknown>)[name];
  await rm(root, { recursive: true, force: true });
});

it('T20: `__proto__` keys all over a Flux repository leave Object.prototype untouched', async () => {
  expect(counter.added).toBeGreaterThan(2000);
  const repository = await loadFluxRepository(root);
  const file = createImagesFile(repository);
  // Every image scanned clean: the gate walks every workload and its dependsOn graph.
  const report = buildGateReport({
    images: repository.images,
    workloads: repository.workloads,
    diagnostics: repository.diagnostics,
    outcomes: repository.images.map((image) => ({ ref: image.ref, outcome: 'ok' as const, findings: [] })),
    tool: { version: '0.0.0' },
  });
  expect(report.verdict).toBeDefined();
  expect(polluted()).toEqual([]);
  // The keys were read, not refused: the repository still deploys what it deployed.
  expect(file.workloads.length).toBeGreaterThan(400);
  expect(file.images.length).toBeGreaterThan(100);
});
