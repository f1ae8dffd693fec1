import { describe, expect, it } from 'vitest';
import { runInProcess } from './run-cli.js';

const HOME_OPS = 'fixtures/corpora/joryirving-home-ops';

/** Runs `sluice ARGS` in this process from the repository root, with captured streams. */
function sluice(args: readonly string[]) {
  // No helm anywhere: what --offline gives is the same on every machine.
  return runInProcess(args, { env: { PATH: '/nonexistent' } });
}

// The images file of the large home-ops corpus, byte for byte: every image, every location
// (file, line, column, field path), every workload's method and reason, every diagnostic. The
// speed work on the reading path (#15) must leave it exactly as it was; a deliberate change of
// behaviour updates the goldens (`vitest -u`) in the same commit, where reviewers see the diff.
describe('sluice images on the home-ops corpus', () => {
  it.each([
    ['values only (--no-render)', ['--no-render'], 'home-ops.no-render.images.json'],
    ['charts rendered offline, no helm (--offline)', ['--offline'], 'home-ops.offline.images.json'],
  ])(
    'writes the same images file as before: %s',
    async (_name, flags, golden) => {
      const run = await sluice(['images', HOME_OPS, '--format', 'json', ...flags]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      await expect(run.stdout).toMatchFileSnapshot(`./__goldens__/${golden}`);
    },
    120_000,
  );
});
