import { cp, rm } from 'node:fs/promises';
import { repoPath } from '@sluice/test-utils';
import { makeTempDir } from '../support/temp-repo.js';
import { checkWalkAround } from './check-walk-around.js';
import { customResourceImage, deepBaseChain, unreadableManifest } from './file-constructs.js';
import { helmPostRenderer, postBuildSubstitution } from './flux-constructs.js';
import { gateCorpus } from './gate-corpus.js';
import type { CorpusRun } from './gate-corpus.js';
import { listTargetFolders, pickOne } from './fuzz-target.js';
import type { Construct, Injection } from './fuzz-target.js';
import { imagesOverride, kustomizePlugin, remoteBase, sourceArtifact } from './kustomize-constructs.js';
import { createRandom } from './mutate.js';

/** The constructs by name (unreadable twice: it has six variants). */
export const CONSTRUCTS: readonly (readonly [string, Construct])[] = [
  ['remote-base', remoteBase],
  ['kustomize-plugin', kustomizePlugin],
  ['postbuild', postBuildSubstitution],
  ['unreadable', unreadableManifest],
  ['unreadable', unreadableManifest],
  ['custom-resource', customResourceImage],
  ['deep-nesting', deepBaseChain],
  ['source-artifact', sourceArtifact],
  ['helm-post-renderer', helmPostRenderer],
  ['images-override', imagesOverride],
];

/** The outcome of one fuzz iteration. */
export interface WalkAroundCase {
  /** Corpus, seed, construct, folder, files and owners: enough to read and to replay. */
  readonly description: string;
  readonly injection: Injection;
  /** What the oracle found wrong; empty when the gate held. */
  readonly problems: readonly string[];
  /** The owners' statuses after the mutation, such as `blocked` or `unknown` (for the run's tally). */
  readonly outcome: string;
}

/** The un-mutated run of a corpus (`fixtures/corpora/<corpus>`), shared by its iterations. */
export function gateBaseline(corpus: string): Promise<CorpusRun> {
  return gateCorpus(repoPath(`fixtures/corpora/${corpus}`));
}

/**
 * One iteration: copies `corpus` to a temporary folder, lets `seed` pick a construct and a
 * folder some Flux build reads, injects the construct (retrying on a fresh copy when it does
 * not apply there), loads and gates the result, and checks it against `baseline` with
 * {@link checkWalkAround}. The same corpus and seed always make the same mutation.
 */
export async function runWalkAroundCase(
  corpus: string,
  seed: number,
  baseline: CorpusRun,
): Promise<WalkAroundCase> {
  const random = createRandom(seed);
  const targets = listTargetFolders(baseline);
  if (targets.length === 0) throw new Error(`no Flux build folder found in ${corpus}`);
  for (let attempt = 0; attempt < 40; attempt++) {
    const [name, construct] = pickOne(CONSTRUCTS, random);
    const folder = pickOne(targets, random);
    const root = await makeTempDir('sluice-walk-around-');
    try {
      await cp(repoPath(`fixtures/corpora/${corpus}`), root, { recursive: true, verbatimSymlinks: true });
      const injection = await construct({ root, ...folder, baseline }, random);
      if (injection === undefined) continue;
      const after = await gateCorpus(root);
      const description = [
        `SLUICE_FUZZ_CORPORA=${corpus} SLUICE_FUZZ_SEED=${seed} SLUICE_FUZZ_ITERATIONS=1 (attempt ${attempt})`,
        `${name}: ${injection.variant} in ${folder.folder || '.'}`,
        `files: ${injection.files.join(', ')}`,
        `owners: ${injection.owners.join(', ')}`,
      ].join('\n');
      const statuses = new Map(after.report.objects.map((object) => [object.id, object.status]));
      const outcome = [...new Set(injection.owners.map((id) => statuses.get(id) ?? 'absent'))]
        .sort()
        .join('+');
      return { description, injection, problems: checkWalkAround(baseline, after, injection), outcome };
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }
  throw new Error(`seed ${seed} found no construct that applies to ${corpus}`);
}
