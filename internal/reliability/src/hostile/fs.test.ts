import { afterAll, describe, expect, it } from 'vitest';
import type { TempRepo } from '../support/temp-repo.js';
import { assertCase } from './assert-case.js';
import { createCaseRepo, runFlux, runManifests } from './check-case.js';
import { FS_CASES } from './fs-cases.js';

const repos: TempRepo[] = [];
afterAll(async () => {
  await Promise.all(repos.map((repo) => repo.cleanup()));
});

const TIMEOUT = 60_000;

describe.each(FS_CASES)('hostile file system $id: $input', (hostile) => {
  it(
    'loadManifests + extractImages: no crash, a diagnostic naming the file, the rest still read',
    { timeout: TIMEOUT },
    async () => {
      const repo = await createCaseRepo(hostile);
      repos.push(repo);
      const before = process.memoryUsage().rss;
      assertCase(hostile, await runManifests(repo.root));
      // Rejected by its size before a byte is read: memory stays far below the file's size.
      if (hostile.id === 'file-100mb')
        expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
    },
  );

  const fluxIt = hostile.fluxBug === undefined ? it : it.fails;
  fluxIt(
    `loadFluxRepository: same contract${hostile.fluxBug ? ` (known bug: ${hostile.fluxBug})` : ''}`,
    { timeout: TIMEOUT },
    async () => {
      const repo = await createCaseRepo(hostile);
      repos.push(repo);
      assertCase(hostile, await runFlux(repo.root), hostile.flux ?? hostile.diagnostic);
    },
  );
});
