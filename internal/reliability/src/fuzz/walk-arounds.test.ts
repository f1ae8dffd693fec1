// Issue #16 item 8, the fuzz target: real corpora mutated with the walk-around constructs of
// section 8 of docs/reliability.md, each carrying the marker image ghcr.io/evil/vulnerable:1.0
// (CRITICAL in the stand-in scan). The gate must never pass the mutated object, and nothing
// else may change. Seeded: a failure prints the command that replays it.
//
// Longer runs: SLUICE_FUZZ_ITERATIONS (per corpus, default 15), SLUICE_FUZZ_SEED (the first
// seed, default 1), SLUICE_FUZZ_CORPORA (comma-separated folders of fixtures/corpora):
//   SLUICE_FUZZ_ITERATIONS=300 SLUICE_FUZZ_SEED=1000 npx vitest run internal/reliability/src/fuzz
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cp, rm } from 'node:fs/promises';
import { repoPath } from '@sluice/test-utils';
import { deployment } from '../flux/gate-repo.js';
import { GOOD_IMAGE, makeTempDir } from '../support/temp-repo.js';
import { checkWalkAround } from './check-walk-around.js';
import { gateCorpus } from './gate-corpus.js';
import type { CorpusRun } from './gate-corpus.js';
import { addResource, listTargetFolders } from './fuzz-target.js';
import { gateBaseline, runWalkAroundCase } from './walk-around-fuzz.js';

const corpora = (
  process.env.SLUICE_FUZZ_CORPORA ?? 'flux2-kustomize-helm-example-pre-2.7,flux2-multi-tenancy'
)
  .split(',')
  .filter((corpus) => corpus !== '');
const iterations = Number(process.env.SLUICE_FUZZ_ITERATIONS ?? 15);
const firstSeed = Number(process.env.SLUICE_FUZZ_SEED ?? 1);
const seeds = Array.from({ length: iterations }, (_, index) => firstSeed + index);

describe.each(corpora)('walk-around fuzz on %s', (corpus) => {
  let baseline: CorpusRun;
  const tally = new Map<string, number>();
  beforeAll(async () => {
    baseline = await gateBaseline(corpus);
  });
  // A longer run prints how often each construct ran and how its owners ended (docs/reliability.md).
  afterAll(() => {
    if (process.env.SLUICE_FUZZ_ITERATIONS === undefined) return;
    const lines = [...tally].sort().map(([key, count]) => `  ${count} × ${key}`);
    console.log(
      `walk-around fuzz on ${corpus}, seeds ${firstSeed}–${firstSeed + iterations - 1}:\n${lines.join('\n')}`,
    );
  });

  it('the un-mutated corpus never deploys the marker image', () => {
    expect(baseline.repo.images.map((image) => image.ref)).not.toContain('ghcr.io/evil/vulnerable:1.0');
    expect(baseline.readers.size).toBeGreaterThan(0);
  });

  it.each(seeds)('seed %i', async (seed) => {
    const result = await runWalkAroundCase(corpus, seed, baseline);
    const key = `${result.injection.construct} (${result.injection.variant.replace(/,.*| on .*|:.*/, '')}) → ${result.outcome}`;
    tally.set(key, (tally.get(key) ?? 0) + 1);
    expect(result.problems, result.description).toEqual([]);
  });
});

describe('the oracle can fail', () => {
  const corpus = 'flux2-kustomize-helm-example-pre-2.7';
  let baseline: CorpusRun;
  beforeAll(async () => {
    baseline = await gateBaseline(corpus);
  });

  it('flags an owner that passes (a clean Deployment added where the marker would be)', async () => {
    const target = listTargetFolders(baseline).find((entry) => entry.folder === 'apps/production')!;
    const root = await makeTempDir('sluice-walk-around-');
    try {
      await cp(repoPath(`fixtures/corpora/${corpus}`), root, { recursive: true });
      const files = await addResource(
        { root, ...target, baseline },
        'clean.yaml',
        deployment(GOOD_IMAGE, 'clean'),
      );
      const injection = { construct: 'control', variant: 'clean', files: files!, owners: target.owners };
      // The run itself is blocked already (releases read from values only are unknown).
      expect(checkWalkAround(baseline, await gateCorpus(root), injection)).toEqual([
        expect.stringContaining('owner clusters/production:Kustomization/flux-system/apps is pass'),
      ]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('flags a status change outside the owners and their dependents', () => {
    const changed = baseline.report.objects.find((object) => object.status === 'pass')!;
    const after = {
      ...baseline,
      report: {
        ...baseline.report,
        verdict: 'blocked' as const,
        objects: baseline.report.objects.map((object) =>
          object.id === changed.id ? { ...object, status: 'unknown' as const } : object,
        ),
      },
    };
    const injection = { construct: 'control', variant: 'none', files: ['nowhere.yaml'], owners: [] };
    expect(checkWalkAround(baseline, after, injection)).toEqual([
      expect.stringContaining(`collateral change of ${changed.id}: pass → unknown`),
    ]);
  });
});
