import { afterAll, describe, expect, it } from 'vitest';
import type { TempRepo } from '../support/temp-repo.js';
import { assertCase } from './assert-case.js';
import type { HostileCase } from './cases.js';
import { createCaseRepo, runFlux, runIsolated, runManifests } from './check-case.js';

/** `count` tiny ConfigMaps, one document each. */
function tinyDocuments(count: number, prefix: string): string {
  let text = '';
  for (let index = 0; index < count; index += 1)
    text += `---\n{apiVersion: v1, kind: ConfigMap, metadata: {name: ${prefix}${index}}}\n`;
  return text;
}

const SPLIT: HostileCase = {
  id: 'many-documents-split',
  category: 'hundreds of thousands of documents',
  input: '200,000 tiny documents in 20 files of 10,000',
  files: Object.fromEntries(
    Array.from({ length: 20 }, (_, file) => [`apps/bad-${file}.yaml`, tinyDocuments(10_000, `c${file}-`)]),
  ),
  diagnostic: 'none',
};
const ONE_FILE: HostileCase = {
  id: 'many-documents-one-file',
  category: 'hundreds of thousands of documents',
  input: '160,000 tiny documents in one 9.9 MB file (200,000 would pass the 10 MiB size cap)',
  files: { 'apps/bad.yaml': tinyDocuments(160_000, 'c') },
  diagnostic: 'none',
};

const repos: TempRepo[] = [];
afterAll(async () => {
  await Promise.all(repos.map((repo) => repo.cleanup()));
});

describe('hundreds of thousands of documents', () => {
  it(`${SPLIT.input}: loadManifests reads every one, and the good image`, { timeout: 60_000 }, async () => {
    const repo = await createCaseRepo(SPLIT);
    repos.push(repo);
    const result = await runManifests(repo.root);
    assertCase(SPLIT, result);
    // 200,000 ConfigMaps, the good Deployment and the two Flux Kustomizations.
    expect(result.documents).toBe(200_003);
  });

  it(`${SPLIT.input}: loadFluxRepository still finds the good image`, { timeout: 60_000 }, async () => {
    const repo = await createCaseRepo(SPLIT);
    repos.push(repo);
    assertCase(SPLIT, await runFlux(repo.root));
  });

  // Bounded: the child is killed after 20 s; linear parsing takes a few seconds.
  it(
    `${ONE_FILE.input}: loadManifests finishes (B3, B4 fixed: no spread of the documents, linear parsing)`,
    { timeout: 60_000 },
    async () => {
      const repo = await createCaseRepo(ONE_FILE);
      repos.push(repo);
      const result = await runIsolated('manifests', repo.root, 20_000);
      assertCase(ONE_FILE, result);
      expect(result.documents).toBe(160_003);
    },
  );
});

export const VOLUME_CASES: readonly HostileCase[] = [SPLIT, ONE_FILE];
